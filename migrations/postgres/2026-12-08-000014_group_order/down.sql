DROP INDEX memberships_group_order;
ALTER TABLE memberships DROP COLUMN member_created_at;

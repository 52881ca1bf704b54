DELETE FROM sqlite_stat1 WHERE idx = 'memberships_group_order';
DROP INDEX memberships_group_order;
ALTER TABLE memberships DROP COLUMN member_created_at;

DROP TRIGGER memberships_count_delete ON memberships;
DROP TRIGGER memberships_count_insert ON memberships;
DROP FUNCTION group_user_count_removed();
DROP FUNCTION group_user_count_added();
DROP TABLE group_user_counts;
DROP INDEX memberships_group_order;
ALTER TABLE memberships DROP COLUMN member_created_at;

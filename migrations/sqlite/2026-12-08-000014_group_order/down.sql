DELETE FROM sqlite_stat1 WHERE idx IN ('memberships_group_order', 'sqlite_autoindex_group_user_counts_1');
DROP TRIGGER memberships_count_delete;
DROP TRIGGER memberships_count_insert;
DROP TABLE group_user_counts;
DROP INDEX memberships_group_order;
ALTER TABLE memberships DROP COLUMN member_created_at;

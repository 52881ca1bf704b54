DROP TRIGGER users_inactive_update;
DROP TRIGGER users_inactive_delete;
DROP TRIGGER users_inactive_insert;
DROP INDEX user_counts_directory;
CREATE INDEX user_counts_directory ON user_counts(directory_id, users, changes);
DELETE FROM user_counts WHERE users = 0 AND changes = 0;
ALTER TABLE user_counts DROP COLUMN inactive;
DELETE FROM sqlite_stat1 WHERE idx = 'user_counts_directory';
INSERT INTO sqlite_stat1 (tbl, idx, stat)
    VALUES ('user_counts', 'user_counts_directory', '1000 100 1 1');
ANALYZE sqlite_schema;

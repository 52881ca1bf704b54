DROP TRIGGER users_inactive_update ON users;
DROP TRIGGER users_inactive_delete ON users;
DROP TRIGGER users_inactive_insert ON users;
DROP FUNCTION user_inactive_count();
DROP INDEX user_counts_directory;
CREATE INDEX user_counts_directory ON user_counts(directory_id, users, changes);
DELETE FROM user_counts WHERE users = 0 AND changes = 0;
ALTER TABLE user_counts DROP COLUMN inactive;

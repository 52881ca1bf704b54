DROP TRIGGER users_counted_insert;
DROP TRIGGER users_counted_delete;
CREATE TRIGGER users_inactive_insert AFTER INSERT ON users
WHEN NOT NEW.active
BEGIN
    INSERT INTO user_counts (directory_id, users, changes, inactive)
        VALUES (NEW.directory_id, 0, 0, 1);
END;
CREATE TRIGGER users_inactive_delete AFTER DELETE ON users
WHEN NOT OLD.active
BEGIN
    INSERT INTO user_counts (directory_id, users, changes, inactive)
        VALUES (OLD.directory_id, 0, 0, -1);
END;

-- Scale (issue #19): a user's arrival and departure counted by the
-- database, as its other kept counts are. The store added the
-- directory's +1 or -1 row itself after each insert and delete
-- (store::user_counts), one statement more per create; on PostgreSQL a
-- trigger over each statement's rows now writes it with the rest
-- (000029 there), and here a row trigger does, taking over the inactive
-- count's insert and delete triggers (000017).
DROP TRIGGER users_inactive_insert;
DROP TRIGGER users_inactive_delete;
CREATE TRIGGER users_counted_insert AFTER INSERT ON users
BEGIN
    INSERT INTO user_counts (directory_id, users, changes, inactive)
        VALUES (NEW.directory_id, 1, 1, CASE WHEN NEW.active THEN 0 ELSE 1 END);
END;
CREATE TRIGGER users_counted_delete AFTER DELETE ON users
BEGIN
    INSERT INTO user_counts (directory_id, users, changes, inactive)
        VALUES (OLD.directory_id, -1, 1, CASE WHEN OLD.active THEN 0 ELSE -1 END);
END;

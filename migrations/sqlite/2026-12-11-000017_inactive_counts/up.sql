-- Scale (issue #19): a directory's deactivated users, counted ahead.
--
-- `active eq false` (an auditor's leavers: 10% of a directory) pages from
-- the (directory, active, creation) index, but its total counted every
-- one of them on each first page: 100,000 index entries at 1M users, a
-- first page p99 of 62 ms on SQLite at eight clients at once. The kept
-- user counts (000011) now also say how many of a directory's users are
-- inactive: +/- rows written by triggers on users (created inactive,
-- deleted while inactive, `active` changed), by whichever path, and
-- folded with the others by the server's upkeep (store::user_counts).
-- `active eq true` is the users less those.
ALTER TABLE user_counts ADD COLUMN inactive BIGINT NOT NULL DEFAULT 0;
INSERT INTO user_counts (directory_id, users, changes, inactive)
    SELECT directory_id, 0, 0, count(*) FROM users WHERE NOT active GROUP BY directory_id;
DROP INDEX user_counts_directory;
CREATE INDEX user_counts_directory ON user_counts(directory_id, users, changes, inactive);
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
CREATE TRIGGER users_inactive_update AFTER UPDATE ON users
WHEN OLD.active IS NOT NEW.active
BEGIN
    INSERT INTO user_counts (directory_id, users, changes, inactive)
        VALUES (NEW.directory_id, 0, 0, CASE WHEN NEW.active THEN -1 ELSE 1 END);
END;
-- The index's fixed planner statistics (see 000005), one column longer.
DELETE FROM sqlite_stat1 WHERE idx = 'user_counts_directory';
INSERT INTO sqlite_stat1 (tbl, idx, stat)
    VALUES ('user_counts', 'user_counts_directory', '1000 100 1 1 1');
ANALYZE sqlite_schema;

-- Scale (issue #19): how many of a directory's users were last modified
-- in each minute, counted ahead, for `meta.lastModified gt "<time>"` (an
-- auditor's "what changed in the last hour", and each page of an IdP's
-- incremental read).
--
-- The filter pages from the (directory, creation) index in a fraction of
-- a millisecond, but its total counted every user modified since then:
-- 223,049 index entries in the floors dataset (16 ms alone, 87 ms p50 at
-- eight clients). The minute a user was last modified is kept like a
-- value (000020): rows of +1/−1 in user_value_counts under the attribute
-- `meta.lastModified`, keyed by the minute (microseconds / 60,000,000) as
-- twelve decimal digits, so keys sort as the minutes do on both
-- databases. A total is the kept minutes after the time's own, plus that
-- minute's users counted from the (directory, updated_at) index
-- (store::value_counts::modified_after).
INSERT INTO user_value_counts (directory_id, attribute, value_key, users, folded)
    SELECT directory_id, 'meta.lastModified', printf('%012d', updated_at / 60000000), count(*), 1
    FROM users GROUP BY 1, 3;

CREATE TRIGGER users_modified_insert AFTER INSERT ON users
BEGIN
    INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
        VALUES (NEW.directory_id, 'meta.lastModified', printf('%012d', NEW.updated_at / 60000000), 1);
END;
CREATE TRIGGER users_modified_delete AFTER DELETE ON users
BEGIN
    INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
        VALUES (OLD.directory_id, 'meta.lastModified', printf('%012d', OLD.updated_at / 60000000), -1);
END;
CREATE TRIGGER users_modified_update AFTER UPDATE OF updated_at ON users
WHEN OLD.updated_at / 60000000 IS NOT NEW.updated_at / 60000000
BEGIN
    INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
        VALUES (OLD.directory_id, 'meta.lastModified', printf('%012d', OLD.updated_at / 60000000), -1),
               (NEW.directory_id, 'meta.lastModified', printf('%012d', NEW.updated_at / 60000000), 1);
END;

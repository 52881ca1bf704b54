-- Scale (issue #19), PostgreSQL only: a user's lastModified kept aside, so
-- a touched user is rewritten in place.
--
-- A member PATCH touches every user it adds or removes (`users::touch`: a
-- new version and lastModified, their `groups` changed). PostgreSQL writes
-- a changed row in place (a heap-only tuple, HOT) only when no indexed
-- column changed and its page has room for the new version. `updated_at`
-- was indexed (users_directory_updated, for `meta.lastModified` filters),
-- so every touch wrote a new entry into each of the table's 12 indexes
-- (~58 buffers a user; 2.9 ms of an add-50 PATCH's ~6 ms on the floors
-- dataset). The index moves to `user_modified_at`, a narrow row per user
-- the filter compiler reads `meta.lastModified` from
-- (store::sql_filter: an EXISTS on it), kept by statement triggers on
-- `users`; `users.updated_at` stays the value users are rendered with.
--
-- Room on the page: a user row is ~680 bytes and the default fill leaves
-- none, so `users` now fills its pages to 75% (about three new versions
-- a page). It applies to pages written from now on; `VACUUM FULL users`
-- applies it to an existing table. Floor 6's loop on a table filled at
-- 75%, without the index: add-50 p50/p99 6.5-7.4/11.1-11.9 ms ->
-- 4.1-5.2/7.8-8.4 ms, remove-50 4.4-4.7 -> 2.3-2.8 ms p50
-- (bench/results/2026-12-05T060000Z-hot-touch).
ALTER TABLE users SET (fillfactor = 75);

CREATE TABLE user_modified_at (
    user_id TEXT PRIMARY KEY NOT NULL,
    directory_id TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
INSERT INTO user_modified_at (user_id, directory_id, updated_at)
    SELECT id, directory_id, updated_at FROM users;
CREATE INDEX user_modified_at_directory ON user_modified_at(directory_id, updated_at);
DROP INDEX users_directory_updated;
ANALYZE user_modified_at;

CREATE FUNCTION user_modified_at_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_modified_at (user_id, directory_id, updated_at)
        SELECT id, directory_id, updated_at FROM added;
    RETURN NULL;
END $$;
CREATE TRIGGER users_modified_at_insert AFTER INSERT ON users
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION user_modified_at_added();

CREATE FUNCTION user_modified_at_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM user_modified_at m USING removed r WHERE m.user_id = r.id;
    RETURN NULL;
END $$;
CREATE TRIGGER users_modified_at_delete AFTER DELETE ON users
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION user_modified_at_removed();

-- Updates already had a statement trigger over the rows they changed
-- (000022: the kept minutes); it now moves their row aside too. A user's
-- id never changes.
CREATE OR REPLACE FUNCTION user_modified_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
        SELECT directory_id, 'meta.lastModified', lpad(minute::text, 12, '0'), sum(moved)
        FROM (SELECT directory_id, updated_at / 60000000 AS minute, -1 AS moved FROM before_rows
              UNION ALL
              SELECT directory_id, updated_at / 60000000 AS minute, 1 AS moved FROM after_rows) m
        GROUP BY directory_id, minute
        HAVING sum(moved) <> 0;
    UPDATE user_modified_at m SET updated_at = a.updated_at, directory_id = a.directory_id
        FROM after_rows a
        WHERE m.user_id = a.id
          AND (m.updated_at <> a.updated_at OR m.directory_id <> a.directory_id);
    RETURN NULL;
END $$;

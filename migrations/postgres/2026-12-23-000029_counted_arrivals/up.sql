-- Scale (issue #19), PostgreSQL: what a user's arrival and departure add
-- to the kept counts, written once a statement.
--
-- A create ran three row triggers on `users` (its department and family
-- name, 000020; its minute last modified, 000021; whether it is inactive,
-- 000017), each a plpgsql call with its own insert, one statement trigger
-- (its lastModified row, 000025), and then the store's own insert of the
-- directory's +1 (store::user_counts, a round trip of its own). A user
-- create's statements were ~41% of PostgreSQL's time in a 10,000-user
-- first sync, the `users` insert with its triggers the largest
-- (bench/results/2026-12-06T034000Z-postgres-writes). Now one statement
-- trigger over the rows added (or removed) writes the directory's count
-- row, the value rows, summed per value, and the lastModified rows. The
-- rows sum to what they did; `value_counts::fold` and
-- `user_counts::fold` fold them as before. Updates keep their triggers.

DROP TRIGGER users_value_insert ON users;
DROP TRIGGER users_value_delete ON users;
DROP TRIGGER users_modified_insert ON users;
DROP TRIGGER users_modified_delete ON users;
DROP TRIGGER users_inactive_insert ON users;
DROP TRIGGER users_inactive_delete ON users;
DROP TRIGGER users_modified_at_insert ON users;
DROP TRIGGER users_modified_at_delete ON users;
DROP FUNCTION user_modified_count();
DROP FUNCTION user_modified_at_added();
DROP FUNCTION user_modified_at_removed();

CREATE FUNCTION users_arrived() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_counts (directory_id, users, changes, inactive)
        SELECT directory_id, count(*), count(*), count(*) FILTER (WHERE NOT active)
        FROM added GROUP BY directory_id;
    INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
        SELECT directory_id, attribute, value_key, count(*)
        FROM (SELECT directory_id, 'meta.lastModified' AS attribute,
                     lpad((updated_at / 60000000)::text, 12, '0') AS value_key
              FROM added
              UNION ALL
              SELECT directory_id, 'department', lower(department) FROM added
              WHERE lower(department) IS NOT NULL
              UNION ALL
              SELECT directory_id, 'familyName', lower(family_name) FROM added
              WHERE lower(family_name) IS NOT NULL) v
        GROUP BY directory_id, attribute, value_key;
    INSERT INTO user_modified_at (user_id, directory_id, updated_at)
        SELECT id, directory_id, updated_at FROM added;
    RETURN NULL;
END $$;
CREATE TRIGGER users_arrived AFTER INSERT ON users
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION users_arrived();

CREATE FUNCTION users_departed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_counts (directory_id, users, changes, inactive)
        SELECT directory_id, -count(*), count(*), -count(*) FILTER (WHERE NOT active)
        FROM removed GROUP BY directory_id;
    INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
        SELECT directory_id, attribute, value_key, -count(*)
        FROM (SELECT directory_id, 'meta.lastModified' AS attribute,
                     lpad((updated_at / 60000000)::text, 12, '0') AS value_key
              FROM removed
              UNION ALL
              SELECT directory_id, 'department', lower(department) FROM removed
              WHERE lower(department) IS NOT NULL
              UNION ALL
              SELECT directory_id, 'familyName', lower(family_name) FROM removed
              WHERE lower(family_name) IS NOT NULL) v
        GROUP BY directory_id, attribute, value_key;
    DELETE FROM user_modified_at m USING removed r WHERE m.user_id = r.id;
    RETURN NULL;
END $$;
CREATE TRIGGER users_departed AFTER DELETE ON users
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION users_departed();

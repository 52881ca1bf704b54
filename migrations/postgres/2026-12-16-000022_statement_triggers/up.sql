-- Triggers that fired once a row fire once a statement (PostgreSQL).
--
-- A member PATCH touches its members (version and lastModified) and writes
-- their memberships. Row by row, each touched user moved its minute's kept
-- count (`user_modified_count`: a -1 and a +1 row) and each membership
-- noted its person for the licenses (`license_dirty_member`): 100 plpgsql
-- calls and 150 single-row inserts per 50 members added, 6.7-8.6 ms of a 50-user
-- touch's 20-33 ms and 3-4 ms of the insert's 19 ms (EXPLAIN ANALYZE at 1M
-- users, the 200k-member group). Once a statement, over the rows it
-- changed (transition tables, as `group_user_counts` is kept), each is one
-- set-based insert: a minute's count moves once by the sum of its users.
-- The rows written are the kind `value_counts::fold` and the license
-- settling read; what they sum to is unchanged.

DROP TRIGGER users_modified_update ON users;
CREATE FUNCTION user_modified_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Each user leaves its old minute and joins its new one; a user whose
    -- minute stayed adds -1 and +1 to it, and a minute whose sum is 0 gets
    -- no row.
    INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
        SELECT directory_id, 'meta.lastModified', lpad(minute::text, 12, '0'), sum(moved)
        FROM (SELECT directory_id, updated_at / 60000000 AS minute, -1 AS moved FROM before_rows
              UNION ALL
              SELECT directory_id, updated_at / 60000000 AS minute, 1 AS moved FROM after_rows) m
        GROUP BY directory_id, minute
        HAVING sum(moved) <> 0;
    RETURN NULL;
END $$;
CREATE TRIGGER users_modified_update AFTER UPDATE ON users
    REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
    FOR EACH STATEMENT EXECUTE FUNCTION user_modified_moved();

DROP TRIGGER memberships_license ON memberships;
DROP FUNCTION license_dirty_member();
-- The memberships added or removed, both triggers calling their rows
-- `changed`. In person order: two writers noting the same persons take
-- their keys in the same order and cannot deadlock on them.
CREATE FUNCTION license_dirty_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO license_dirty (person_id)
        SELECT DISTINCT coalesce(u.person_id, u.id) FROM changed c JOIN users u ON u.id = c.member_id
        ORDER BY 1
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER memberships_license_insert AFTER INSERT ON memberships
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION license_dirty_members();
CREATE TRIGGER memberships_license_delete AFTER DELETE ON memberships
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION license_dirty_members();

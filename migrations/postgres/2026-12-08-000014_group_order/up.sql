-- Scale (issue #19): a group's members in their creation order.
--
-- `groups[value eq "<group>"]` (an auditor's "who is in this group") lists
-- users in creation order, with their total. Read as "users whose id is
-- among the group's members", the database either sorted every member by
-- creation time (the 200k group's first page: ~3 s at 1M users on both
-- databases) or walked every user of the directory probing the group (as
-- slow when the members are few). Each membership now carries its
-- member's creation time, which never changes once the member exists, so
-- one index lists a group's users already in the order a page wants
-- them: a page is a range of it (store::group_filter). The total is kept
-- (below).
ALTER TABLE memberships ADD COLUMN member_created_at BIGINT;
UPDATE memberships m SET member_created_at = u.created_at FROM users u WHERE u.id = m.member_id;
UPDATE memberships m SET member_created_at = g.created_at FROM "groups" g WHERE g.id = m.member_id;
CREATE INDEX memberships_group_order
    ON memberships(group_id, member_type, member_created_at, member_id);

-- A group's users, kept rather than counted: the total of that filter's
-- first page counted 200,000 index entries (~15 ms on SQLite, 81 ms cold
-- and ~330 ms at eight clients at once on PostgreSQL). Triggers keep the
-- count with every membership written or removed, by whichever path
-- (the store's writes, a user's or a group's delete cascading). Writers
-- to one group already take turns on the group's row; deleting a user
-- takes the counter row of each group it was in, in group order
-- (store::dialect::lock_group_counts_of), until it commits.
CREATE TABLE group_user_counts (
    group_id TEXT PRIMARY KEY REFERENCES "groups"(id) ON DELETE CASCADE,
    users BIGINT NOT NULL
);
INSERT INTO group_user_counts (group_id, users)
    SELECT group_id, count(*) FROM memberships WHERE member_type = 'User' GROUP BY group_id;
-- Statement triggers, one update per group per statement: a row trigger
-- updated a group's count once per member, and PostgreSQL updating one row
-- 200,000 times in one transaction walks an ever longer chain of its own
-- versions (seeding the 200k group took over ten minutes).
CREATE FUNCTION group_user_count_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO group_user_counts (group_id, users)
        SELECT group_id, count(*) FROM added WHERE member_type = 'User'
        GROUP BY group_id ORDER BY group_id
        ON CONFLICT (group_id) DO UPDATE SET users = group_user_counts.users + EXCLUDED.users;
    RETURN NULL;
END $$;
CREATE FUNCTION group_user_count_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE group_user_counts c SET users = c.users - r.n
        FROM (SELECT group_id, count(*) AS n FROM removed WHERE member_type = 'User'
              GROUP BY group_id) r
        WHERE c.group_id = r.group_id;
    RETURN NULL;
END $$;
CREATE TRIGGER memberships_count_insert AFTER INSERT ON memberships
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION group_user_count_added();
CREATE TRIGGER memberships_count_delete AFTER DELETE ON memberships
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION group_user_count_removed();

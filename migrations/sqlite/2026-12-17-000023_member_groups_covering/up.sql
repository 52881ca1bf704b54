-- Scale (issue #19): a user's groups from the index alone.
--
-- Every user a page or a lookup shows has its groups read by member
-- (store::memberships::grants_of), which needs each membership's group and
-- nothing else. With `memberships_member` on `member_id` alone, each of
-- those memberships was then read again from the table: at 1M users, where
-- a page's users have their memberships spread over the whole table, that
-- second read is a page the connection does not hold (~0.6 -> ~0.43 ms a
-- page of 100 users for the statement alone on SQLite). With the group in
-- the index, the index answers.
DROP INDEX memberships_member;
CREATE INDEX memberships_member ON memberships(member_id, group_id);

-- Dropping the index dropped its statistics (see 000005): ~5 memberships
-- per member, one per (member, group).
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('memberships', 'memberships_member', '5000000 5 1');
ANALYZE sqlite_schema;

-- Scale (issue #19): each user's groups kept on its row, as the ids of
-- the groups it is a direct member of, comma-separated ('' for none; ids
-- are UUIDs, without commas). A page of users read each one's groups
-- apart, a statement and a round trip after the page, ~0.5 ms of
-- PostgreSQL's CPU a page of 100 at 1M users
-- (bench/results/2026-12-06T093000Z-request-costs). Every membership
-- change already rewrote its users' rows for their new version
-- (store::users::touch), which now writes this too, from the memberships
-- themselves. Added with a constant default: no table rewrite.
ALTER TABLE users ADD COLUMN group_ids text NOT NULL DEFAULT '';
UPDATE users u SET group_ids = m.ids
FROM (SELECT member_id, string_agg(group_id, ',') AS ids FROM memberships
      WHERE member_type = 'User' GROUP BY member_id) m
WHERE u.id = m.member_id;

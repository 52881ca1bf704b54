-- Scale (issue #19): each user's groups kept on its row, as the ids of
-- the groups it is a direct member of, comma-separated ('' for none; ids
-- are UUIDs, without commas). A page of users showed each one's groups
-- from `memberships_member`, a leaf of that index per user: at 1M users
-- a page of `name.familyName eq` read 203 pages of the file where its
-- users are 99 (bench/results/2026-12-06T093000Z-request-costs). Every
-- membership change already rewrote its users' rows for their new
-- version (store::users::touch), which now writes this too, from the
-- memberships themselves.
ALTER TABLE users ADD COLUMN group_ids TEXT NOT NULL DEFAULT '';
UPDATE users SET group_ids =
    (SELECT group_concat(m.group_id, ',') FROM memberships m WHERE m.member_id = users.id)
WHERE id IN (SELECT member_id FROM memberships WHERE member_type = 'User');

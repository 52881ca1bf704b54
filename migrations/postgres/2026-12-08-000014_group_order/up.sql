-- Scale (issue #19): a group's members in their creation order.
--
-- `groups[value eq "<group>"]` (an auditor's "who is in this group") lists
-- users in creation order, with their total. Read as "users whose id is
-- among the group's members", the database either sorted every member by
-- creation time (the 200k group's first page: ~3 s at 1M users on
-- both databases) or walked
-- every user of the directory probing the group (as slow when the members
-- are few). Each membership now carries its member's creation time, which
-- never changes once the member exists, so one index lists a group's
-- users already in the order a page wants them: a page is a range of it,
-- the total a count of it (store::group_filter).
ALTER TABLE memberships ADD COLUMN member_created_at BIGINT;
UPDATE memberships m SET member_created_at = u.created_at FROM users u WHERE u.id = m.member_id;
UPDATE memberships m SET member_created_at = g.created_at FROM "groups" g WHERE g.id = m.member_id;
CREATE INDEX memberships_group_order
    ON memberships(group_id, member_type, member_created_at, member_id);

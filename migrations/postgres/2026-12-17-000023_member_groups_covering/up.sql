-- Scale (issue #19): a user's groups from the index alone.
--
-- Every user a page or a lookup shows has its groups read by member
-- (store::memberships::grants_of), which needs each membership's group and
-- nothing else. With `memberships_member` on `member_id` alone, each of
-- those memberships was then read again from the table, a page of the heap
-- apiece where a page's users have their memberships spread over the whole
-- table. With the group in the index, an index-only scan answers (for the
-- heap pages vacuum has marked all-visible).
--
-- The group is carried (INCLUDE), not part of the key: as a key column it
-- let the planner answer `groups[value eq "…"]` by probing every user for
-- (member, group) instead of reading the group's memberships by the
-- primary key (tests/integration/store/plans/compiled.rs).
DROP INDEX memberships_member;
CREATE INDEX memberships_member ON memberships(member_id) INCLUDE (group_id);

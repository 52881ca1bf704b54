DROP INDEX memberships_member;
CREATE INDEX memberships_member ON memberships(member_id);

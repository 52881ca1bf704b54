DROP INDEX memberships_member;
CREATE INDEX memberships_member ON memberships(member_id);
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('memberships', 'memberships_member', '5000000 5');
ANALYZE sqlite_schema;

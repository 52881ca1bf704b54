-- Memberships by group and the time they began: the access report "from a
-- time on" (`since`) reads the grants a role's groups made from then on
-- as one range per group, instead of every member of the groups (180,000
-- for a product mapped from a 200,000-member group at 1M users).
CREATE INDEX memberships_group_granted ON memberships(group_id, created_at);
DELETE FROM sqlite_stat1 WHERE idx = 'memberships_group_granted';
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('memberships', 'memberships_group_granted', '5000000 500 2');
ANALYZE sqlite_schema;

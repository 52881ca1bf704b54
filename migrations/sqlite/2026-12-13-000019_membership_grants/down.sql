DROP INDEX memberships_group_granted;
DELETE FROM sqlite_stat1 WHERE idx = 'memberships_group_granted';
ANALYZE sqlite_schema;

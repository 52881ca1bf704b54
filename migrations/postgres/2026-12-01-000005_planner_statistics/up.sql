-- SQLite gets fixed planner statistics in this migration; PostgreSQL
-- gathers its own (autovacuum), so there is nothing to do here.
SELECT 1;

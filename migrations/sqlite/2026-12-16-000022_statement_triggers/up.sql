-- SQLite has no statement-level triggers: its row triggers stay (the
-- PostgreSQL side of this migration makes its own fire once a statement).
SELECT 1;

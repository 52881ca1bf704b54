-- SQLite only (its triggers' conflict clause under a foreign key's action);
-- PostgreSQL's notes are `ON CONFLICT DO NOTHING`, which nothing overrides.
SELECT 1;

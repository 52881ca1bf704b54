-- PostgreSQL only (its holder counts' user trigger rewritten); SQLite's
-- triggers never called an SQL function.
SELECT 1;

-- PostgreSQL only (a trigger function's plan); SQLite's triggers run per row.
SELECT 1;

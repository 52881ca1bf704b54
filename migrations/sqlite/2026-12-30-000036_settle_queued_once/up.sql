-- PostgreSQL only (its settle at commit queued once per transaction);
-- SQLite settles from the server.
SELECT 1;

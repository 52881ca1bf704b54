-- PostgreSQL only (its notes settled at COMMIT by a deferred constraint
-- trigger); SQLite's writer settles them in the server, in-process.
SELECT 1;

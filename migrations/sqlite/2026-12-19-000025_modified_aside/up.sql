-- PostgreSQL only: SQLite rewrites only the indexes over the columns an
-- UPDATE sets, so a touched user's new version and lastModified cost it
-- the table row and `users_directory_updated`, which stays.
SELECT 1;

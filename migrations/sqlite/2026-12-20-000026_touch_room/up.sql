-- PostgreSQL only (a page's fill for HOT touches); SQLite has no fill factor.
SELECT 1;

-- PostgreSQL only (a domain's users kept per domain and type). SQLite
-- counts a domain's entries of `user_emails_domain` for a first page's
-- total (~1.4 ms of the server's CPU for 20,000 contractors at 1M users),
-- and keeping them cost more where SQLite is already fast: two kept rows
-- a created user (with triggers as on PostgreSQL) took a create from
-- 269-283 to 316-332 us of the server's CPU, 3,386-3,545 to 2,914-3,073
-- creates a second at eight clients (bench/results/2026-12-07T100000Z-domain-counts).
SELECT 1;

-- PostgreSQL only (the licenses' settle as a function planned once per
-- connection); SQLite settles in steps from Rust, each statement planned
-- once when it is prepared.
SELECT 1;

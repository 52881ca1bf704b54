-- Scale (issue #19): PostgreSQL keeps the attributes IdPs and auditors
-- look users up by in stored columns, so that counting their matches
-- reads the index alone (see the PostgreSQL migration of this name).
-- SQLite already counts through migration 000011's expression indexes
-- without reading the table (`EXPLAIN QUERY PLAN`: COVERING INDEX), so it
-- changes nothing; the migration exists so both databases keep one list.
SELECT 1;

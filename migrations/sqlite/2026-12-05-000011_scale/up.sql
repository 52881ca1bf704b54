-- Scale (issue #19): kept user counts, and indexes for the equality filters
-- IdPs and auditors send at a million users.

-- Users per directory, kept rather than counted (counting a directory of
-- a million users takes 60–100 ms; Okta's connection probe `count=1` and
-- every unfiltered page's totalResults asked for it). Each create adds a
-- row (+1), each delete a row (−1), in the write's own transaction: rows are
-- only ever added, so concurrent writers (PostgreSQL) never wait on one
-- counter row. The server's upkeep folds a directory's rows into one.
-- `changes` counts creates and deletes, never going down: while it stands,
-- every user keeps its position in creation order (startIndex paging uses
-- that to continue from where the previous page ended).
CREATE TABLE user_counts (
    seq INTEGER PRIMARY KEY,
    directory_id TEXT NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
    users BIGINT NOT NULL,
    changes BIGINT NOT NULL
);
CREATE INDEX user_counts_directory ON user_counts(directory_id, users, changes);
INSERT INTO user_counts (directory_id, users, changes)
    SELECT directory_id, count(*), count(*) FROM users GROUP BY directory_id;

-- Equality filters on attributes with no column of their own, read out of
-- the JSON attributes: each index holds the expression exactly as the
-- filter compiler writes it (store::sql_filter::json, the path written
-- literally), folded with lower() as the schema's caseExact=false says.
CREATE INDEX users_family_name
    ON users(directory_id, (lower(json_extract(attributes, '$."name"."familyName"'))));
CREATE INDEX users_employee_number
    ON users(directory_id, (lower(json_extract(attributes, '$."urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"."employeeNumber"'))));
CREATE INDEX users_department
    ON users(directory_id, (lower(json_extract(attributes, '$."urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"."department"'))));
CREATE INDEX users_manager
    ON users(directory_id, (lower(json_extract(attributes, '$."urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"."manager"."value"'))));
-- `active eq false` (leavers) and `meta.lastModified gt` (what changed
-- since the last audit) have columns: their own indexes, so counting the
-- matches reads the index alone.
CREATE INDEX users_directory_active ON users(directory_id, active);
CREATE INDEX users_directory_updated ON users(directory_id, updated_at);

-- Fixed planner statistics for the new indexes (see 000005): a directory
-- of 100,000 users has ~10 of a family name, ~1 of an employee number,
-- ~5,000 of a department, ~10 reports of a manager, two values of active,
-- and updated_at nearly unique.
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('user_counts', 'user_counts_directory', '1000 100 1 1'),
    ('users', 'users_family_name', '1000000 100000 10'),
    ('users', 'users_employee_number', '1000000 100000 1'),
    ('users', 'users_department', '1000000 100000 5000'),
    ('users', 'users_manager', '1000000 100000 10'),
    ('users', 'users_directory_active', '1000000 100000 50000'),
    ('users', 'users_directory_updated', '1000000 100000 2');
-- A connection reads sqlite_stat1 when it loads the schema: make this one
-- (and every other, whose schema is then stale) read the rows just added.
ANALYZE sqlite_schema;

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
-- literally), folded with lower() as the schema's caseExact=false says,
-- then creation order: a first page of matches is read from the index in
-- the order it is listed, however many match.
CREATE INDEX users_family_name
    ON users(directory_id, (lower(json_extract(attributes, '$."name"."familyName"'))), created_at, id);
CREATE INDEX users_employee_number
    ON users(directory_id, (lower(json_extract(attributes, '$."urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"."employeeNumber"'))), created_at, id);
CREATE INDEX users_department
    ON users(directory_id, (lower(json_extract(attributes, '$."urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"."department"'))), created_at, id);
CREATE INDEX users_manager
    ON users(directory_id, (lower(json_extract(attributes, '$."urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"."manager"."value"'))), created_at, id);
-- `active eq false` (leavers) and `meta.lastModified gt` (what changed
-- since the last audit) have columns: their own indexes, so counting the
-- matches reads the index alone.
CREATE INDEX users_directory_active ON users(directory_id, active, created_at, id);
CREATE INDEX users_directory_updated ON users(directory_id, updated_at);

-- Licenses, kept rather than counted. Counting a product's licenses walks
-- the entitlements view row by row (~3.7 µs a licensed account: 75 ms at
-- 20,000, and twice per change to a capped product); `licenses` holds who
-- holds one (a person holding a licensed role on the product, through any
-- account), and `license_counts` how many, as +/− rows like user_counts.
-- Triggers note every person whose licenses a write may change in
-- `license_dirty` (memberships, an account's active/suspended/person/
-- portal-only, a person's liveness, a mapping's group); before the write
-- commits, the store settles them (store::licenses::settle): their licenses
-- recomputed from the view, the difference applied to both tables, and the
-- dirty rows cleared. So the tables are exact at every commit, whichever
-- code path (or foreign-key cascade) made the change.
CREATE TABLE licenses (
    product_key TEXT NOT NULL,
    person_id TEXT NOT NULL,
    PRIMARY KEY (product_key, person_id)
);
CREATE INDEX licenses_person ON licenses(person_id);
CREATE TABLE license_counts (
    seq INTEGER PRIMARY KEY,
    product_key TEXT NOT NULL,
    used BIGINT NOT NULL
);
CREATE INDEX license_counts_product ON license_counts(product_key, used);
CREATE TABLE license_dirty (
    person_id TEXT PRIMARY KEY NOT NULL
);

CREATE TRIGGER memberships_license_insert AFTER INSERT ON memberships BEGIN
    INSERT OR IGNORE INTO license_dirty (person_id)
        SELECT coalesce(person_id, id) FROM users WHERE id = NEW.member_id;
END;
CREATE TRIGGER memberships_license_delete AFTER DELETE ON memberships BEGIN
    INSERT OR IGNORE INTO license_dirty (person_id)
        SELECT coalesce(person_id, id) FROM users WHERE id = OLD.member_id;
END;
CREATE TRIGGER users_license_update AFTER UPDATE ON users
WHEN OLD.active IS NOT NEW.active OR OLD.suspended IS NOT NEW.suspended
  OR OLD.person_id IS NOT NEW.person_id OR OLD.portal_only IS NOT NEW.portal_only
BEGIN
    INSERT OR IGNORE INTO license_dirty (person_id) VALUES (coalesce(OLD.person_id, OLD.id));
    INSERT OR IGNORE INTO license_dirty (person_id) VALUES (coalesce(NEW.person_id, NEW.id));
END;
CREATE TRIGGER users_license_delete AFTER DELETE ON users BEGIN
    INSERT OR IGNORE INTO license_dirty (person_id) VALUES (coalesce(OLD.person_id, OLD.id));
END;
CREATE TRIGGER persons_license_update AFTER UPDATE ON persons
WHEN OLD.live IS NOT NEW.live
BEGIN
    INSERT OR IGNORE INTO license_dirty (person_id) VALUES (NEW.id);
END;
CREATE TRIGGER group_mappings_license_insert AFTER INSERT ON group_mappings
WHEN NEW.group_id IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO license_dirty (person_id)
        SELECT coalesce(u.person_id, u.id) FROM memberships m JOIN users u ON u.id = m.member_id
        WHERE m.group_id = NEW.group_id;
END;
CREATE TRIGGER group_mappings_license_delete AFTER DELETE ON group_mappings
WHEN OLD.group_id IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO license_dirty (person_id)
        SELECT coalesce(u.person_id, u.id) FROM memberships m JOIN users u ON u.id = m.member_id
        WHERE m.group_id = OLD.group_id;
END;
CREATE TRIGGER group_mappings_license_update AFTER UPDATE ON group_mappings
WHEN OLD.group_id IS NOT NEW.group_id OR OLD.role IS NOT NEW.role
  OR OLD.product_key IS NOT NEW.product_key
BEGIN
    INSERT OR IGNORE INTO license_dirty (person_id)
        SELECT coalesce(u.person_id, u.id) FROM memberships m JOIN users u ON u.id = m.member_id
        WHERE m.group_id IN (OLD.group_id, NEW.group_id);
END;

INSERT INTO licenses (product_key, person_id)
    SELECT DISTINCT product, person_id FROM user_entitlements
    WHERE role IN ('user', 'admin', 'user-access-admin');
INSERT INTO license_counts (product_key, used)
    SELECT product_key, count(*) FROM licenses GROUP BY product_key;

-- Fixed planner statistics for the new indexes (see 000005): a directory
-- of 100,000 users has ~10 of a family name, ~1 of an employee number,
-- ~5,000 of a department, ~10 reports of a manager, two values of active,
-- and updated_at nearly unique.
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('user_counts', 'user_counts_directory', '1000 100 1 1'),
    ('licenses', 'sqlite_autoindex_licenses_1', '1000000 50000 1'),
    ('licenses', 'licenses_person', '1000000 3'),
    ('license_counts', 'license_counts_product', '1000 50 1'),
    ('license_dirty', 'sqlite_autoindex_license_dirty_1', '1000 1'),
    ('users', 'users_family_name', '1000000 100000 10 1 1'),
    ('users', 'users_employee_number', '1000000 100000 1 1 1'),
    ('users', 'users_department', '1000000 100000 5000 1 1'),
    ('users', 'users_manager', '1000000 100000 10 1 1'),
    ('users', 'users_directory_active', '1000000 100000 50000 1 1'),
    ('users', 'users_directory_updated', '1000000 100000 2');
-- A connection reads sqlite_stat1 when it loads the schema: make this one
-- (and every other, whose schema is then stale) read the rows just added.
ANALYZE sqlite_schema;

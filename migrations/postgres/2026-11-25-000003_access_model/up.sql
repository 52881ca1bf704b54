-- The access model: sites, products, group-to-role mappings, admin tokens,
-- and the entitlements every user derives from them.

-- Accounts and groups made by admins (default groups, local groups,
-- portal-only customers) live in a directory of their own that no IdP
-- token can reach, so per-directory uniqueness covers them too.
INSERT INTO directories (id, name, created_at) VALUES ('local', 'Local (managed by admins)', 0);

ALTER TABLE users ADD COLUMN portal_only BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN suspended BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE admin_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE sites (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

-- A product on a site. Its key is unique in the organization and is the
-- `<product>` of entitlements. The default group can't be deleted while
-- the product exists (the foreign key refuses it).
CREATE TABLE products (
    product_key TEXT PRIMARY KEY NOT NULL,
    site_id TEXT NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL,
    service_desk BOOLEAN NOT NULL,
    license_cap BIGINT,
    anonymous_access BOOLEAN NOT NULL,
    default_group_id TEXT NOT NULL UNIQUE REFERENCES "groups"(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX products_site ON products(site_id);

-- Which roles a mapped role hands out: `admin` implies `user`.
CREATE TABLE role_implications (
    role TEXT NOT NULL,
    grants TEXT NOT NULL,
    PRIMARY KEY (role, grants)
);
INSERT INTO role_implications (role, grants) VALUES
    ('user', 'user'),
    ('admin', 'admin'),
    ('admin', 'user'),
    ('user-access-admin', 'user-access-admin'),
    ('guest', 'guest'),
    ('customer', 'customer');

-- "Members of group G hold role R on product P." A mapping made by name
-- before the IdP pushes the group waits with group_id NULL and binds when
-- a group of that name arrives (in `directory_id` when set); deleting the
-- group sets it waiting again.
CREATE TABLE group_mappings (
    id TEXT PRIMARY KEY NOT NULL,
    product_key TEXT NOT NULL REFERENCES products(product_key) ON DELETE CASCADE,
    role TEXT NOT NULL,
    group_id TEXT REFERENCES "groups"(id) ON DELETE SET NULL,
    group_name TEXT NOT NULL,
    group_name_key TEXT NOT NULL,
    directory_id TEXT REFERENCES directories(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX group_mappings_group ON group_mappings(group_id);
CREATE INDEX group_mappings_product ON group_mappings(product_key);
CREATE INDEX group_mappings_waiting ON group_mappings(group_name_key) WHERE group_id IS NULL;

-- Effective access, derived and never stored: one row per (user, product,
-- role, granting group). Deactivated and suspended users hold nothing;
-- portal-only customers hold at most the customer role.
CREATE VIEW user_entitlements AS
SELECT m.member_id AS user_id,
       p.product_key AS product,
       p.name AS product_name,
       ri.grants AS role,
       p.product_key || ':' || ri.grants AS value,
       g.id AS group_id,
       g.display_name AS group_display,
       g.directory_id AS group_directory
FROM memberships m
JOIN users u ON u.id = m.member_id
JOIN group_mappings gm ON gm.group_id = m.group_id
JOIN "groups" g ON g.id = m.group_id
JOIN products p ON p.product_key = gm.product_key
JOIN role_implications ri ON ri.role = gm.role
WHERE u.active AND NOT u.suspended AND (NOT u.portal_only OR ri.grants = 'customer');

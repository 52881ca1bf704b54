-- Persons: one human, keyed by verified email. Every account (a directory's
-- user, an "identity"; or a local account made by self-service or an admin)
-- belongs to exactly one person. A person who has had an IdP identity is
-- managed: the IdP decides, and they hold access from any source only
-- while one of their identities is active.
CREATE TABLE persons (
    id TEXT PRIMARY KEY NOT NULL,
    -- The verified email (folded) that links accounts; NULL for a person
    -- known by no verified email, who then has exactly one account.
    email_key TEXT UNIQUE,
    -- Has had an IdP identity (never unset by the IdP: deleting the last
    -- identity must not hand access back to the person's local accounts).
    managed BOOLEAN NOT NULL,
    -- May hold access: not managed, or at least one identity is active.
    -- Derived from the person's accounts and rewritten in the transaction
    -- of every change to them (access::persons::refresh); the leavers
    -- report recomputes it from the accounts to prove the two agree.
    live BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Set for every account by Gatehouse (accounts made before this migration
-- are linked when the server or a command next opens the database). No
-- REFERENCES clause: SQLite cannot drop a column that has one, and the
-- down migration must; access::persons keeps it pointing at a person.
ALTER TABLE users ADD COLUMN person_id TEXT;
-- Whether the account's email is proven (an IdP's users are; a local
-- account made for an address someone else typed is not). Unverified
-- emails never link accounts.
ALTER TABLE users ADD COLUMN email_verified BOOLEAN NOT NULL DEFAULT TRUE;
CREATE INDEX users_person ON users(person_id);

-- Effective access, now per person: an account holds what its groups grant
-- while it is active and unsuspended and its person is live. `granted_at`:
-- when the membership began (auditors ask "since when"). An account
-- not linked yet (a large database is linked in the background after an
-- upgrade) counts as a person of its own, as before persons existed.
DROP VIEW user_entitlements;
CREATE VIEW user_entitlements AS
SELECT m.member_id AS user_id,
       coalesce(u.person_id, u.id) AS person_id,
       p.product_key AS product,
       p.name AS product_name,
       ri.grants AS role,
       p.product_key || ':' || ri.grants AS value,
       g.id AS group_id,
       g.display_name AS group_display,
       g.directory_id AS group_directory,
       m.created_at AS granted_at
FROM memberships m
JOIN users u ON u.id = m.member_id
LEFT JOIN persons pe ON pe.id = u.person_id
JOIN group_mappings gm ON gm.group_id = m.group_id
JOIN "groups" g ON g.id = m.group_id
JOIN products p ON p.product_key = gm.product_key
JOIN role_implications ri ON ri.role = gm.role
WHERE coalesce(pe.live, u.active) AND u.active AND NOT u.suspended
  AND (NOT u.portal_only OR ri.grants = 'customer');

-- Fixed planner statistics for the new indexes (see 000005): a person has
-- one or two accounts.
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('persons', 'sqlite_autoindex_persons_1', '1000000 1'),
    ('persons', 'sqlite_autoindex_persons_2', '1000000 1'),
    ('users', 'users_person', '1000000 2');

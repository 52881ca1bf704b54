-- Admin roles (issue 20). A role is held by a person (by folded email) or
-- by the members of an IdP group (by folded group name, in one directory
-- or any), like a product role through a group mapping. Scope: a
-- site-admin's site, a user-access-admin's product.
CREATE TABLE admin_roles (
    id TEXT PRIMARY KEY NOT NULL,
    role TEXT NOT NULL,
    site_id TEXT,
    product_key TEXT,
    email_key TEXT,
    group_name TEXT,
    group_name_key TEXT,
    directory_id TEXT,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX admin_roles_email ON admin_roles (email_key);
CREATE INDEX admin_roles_group ON admin_roles (group_name_key);

-- Tokens carry a role and its scope, may expire, and say when they were
-- last used. Tokens made before roles existed could do everything: they
-- stay org-admin tokens.
ALTER TABLE admin_tokens ADD COLUMN role TEXT NOT NULL DEFAULT 'org-admin';
ALTER TABLE admin_tokens ADD COLUMN site_id TEXT;
ALTER TABLE admin_tokens ADD COLUMN product_key TEXT;
ALTER TABLE admin_tokens ADD COLUMN expires_at BIGINT;
ALTER TABLE admin_tokens ADD COLUMN last_used_at BIGINT;
ALTER TABLE admin_tokens ADD COLUMN owner TEXT;

-- The audit log names the person behind a change, the role used and its scope.
ALTER TABLE audit_events ADD COLUMN actor_person TEXT;
ALTER TABLE audit_events ADD COLUMN actor_role TEXT;
ALTER TABLE audit_events ADD COLUMN actor_scope TEXT;

-- Console sign-ins under way with the OpenID provider: the state (hashed),
-- the nonce the ID token must carry and the PKCE verifier. Each is spent
-- by its callback, once.
CREATE TABLE oidc_logins (
    state_hash TEXT PRIMARY KEY NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at BIGINT
);

-- Access policy and self-service: policies per organization and site,
-- product API tokens, access requests, invitations, guests and their
-- spaces; and the reason recorded with a break-glass grant.

-- The fields set at one scope ('org', or a site id), as JSON; the
-- effective policy of a site is its fields over the organization's.
CREATE TABLE policies (
    scope TEXT PRIMARY KEY NOT NULL,
    body TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE product_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- A request for a product, for the requester or for someone else (an
-- existing user, or a new one known by email). `denied` is final for the
-- (subject, product) pair.
CREATE TABLE access_requests (
    id TEXT PRIMARY KEY NOT NULL,
    product_key TEXT NOT NULL REFERENCES products(product_key) ON DELETE CASCADE,
    requester_id TEXT,
    requester_email TEXT,
    subject_id TEXT,
    subject_email TEXT,
    email_verified BOOLEAN NOT NULL,
    origin TEXT NOT NULL,
    status TEXT NOT NULL,
    message TEXT,
    created_at BIGINT NOT NULL,
    decided_at BIGINT,
    decided_by TEXT
);
CREATE INDEX access_requests_status ON access_requests(status, created_at, id);
CREATE INDEX access_requests_subject_id ON access_requests(subject_id, product_key);
CREATE INDEX access_requests_subject_email ON access_requests(subject_email, product_key);

CREATE TABLE invitations (
    id TEXT PRIMARY KEY NOT NULL,
    product_key TEXT NOT NULL REFERENCES products(product_key) ON DELETE CASCADE,
    role TEXT NOT NULL,
    email TEXT NOT NULL,
    invited_by TEXT,
    status TEXT NOT NULL,
    user_id TEXT,
    created_at BIGINT NOT NULL,
    accepted_at BIGINT
);
CREATE INDEX invitations_email ON invitations(email);

-- A guest of a site: an external account that sees nothing until a space
-- admin adds it to a space, and at most one space per site.
CREATE TABLE guests (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX guests_user_site ON guests(user_id, site_id);

CREATE TABLE guest_spaces (
    guest_id TEXT PRIMARY KEY NOT NULL REFERENCES guests(id) ON DELETE CASCADE,
    space TEXT NOT NULL,
    product_key TEXT NOT NULL REFERENCES products(product_key) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);

-- Why an admin granted access outside synced groups while IT-only mode
-- was on (break glass); listed in the non-synced-access report.
ALTER TABLE memberships ADD COLUMN reason TEXT;

CREATE INDEX audit_events_actor ON audit_events(actor_id, id);
CREATE INDEX audit_events_action ON audit_events(action, id);

-- Self-service that can't be abused: invitations with a lifecycle, invite
-- links, per-product invite modes, and products identified per site.

-- Invitations: open → accepted | revoked | expired (30 days after sending).
-- A revoked one says why: an admin, IT-only mode, invitations switched off.
UPDATE invitations SET status = 'open' WHERE status = 'sent';
ALTER TABLE invitations ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
UPDATE invitations SET expires_at = created_at + 2592000000000;
ALTER TABLE invitations ADD COLUMN closed_at BIGINT;
ALTER TABLE invitations ADD COLUMN closed_reason TEXT;
CREATE INDEX invitations_status ON invitations(status, created_at);

-- Invite links: anyone with the link joins the product (30 days, until
-- revoked, and only while invitations are allowed for it). Only the
-- token's hash is kept.
CREATE TABLE invite_links (
    id TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    product_key TEXT NOT NULL REFERENCES products(product_key) ON DELETE CASCADE,
    role TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- Whom a product may be invited to: anyone, approved_domains,
-- admin_approval (an invitation becomes an access request), off.
ALTER TABLE products ADD COLUMN invite_mode TEXT NOT NULL DEFAULT 'anyone';

-- A product is identified by (site, key). `product_key` stays the id every
-- reference and entitlement uses: the bare key for the first product of
-- that key, `key@site` for the same key on another site.
ALTER TABLE products ADD COLUMN bare_key TEXT NOT NULL DEFAULT '';
UPDATE products SET bare_key = product_key;
CREATE UNIQUE INDEX products_site_key ON products(site_id, bare_key);

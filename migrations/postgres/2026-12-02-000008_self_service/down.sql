DROP INDEX products_site_key;
ALTER TABLE products DROP COLUMN bare_key;
ALTER TABLE products DROP COLUMN invite_mode;
DROP TABLE invite_links;
DROP INDEX invitations_status;
ALTER TABLE invitations DROP COLUMN closed_reason;
ALTER TABLE invitations DROP COLUMN closed_at;
ALTER TABLE invitations DROP COLUMN expires_at;
UPDATE invitations SET status = 'sent' WHERE status = 'open';

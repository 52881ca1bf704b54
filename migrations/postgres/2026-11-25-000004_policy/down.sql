DROP INDEX audit_events_action;
DROP INDEX audit_events_actor;
ALTER TABLE memberships DROP COLUMN reason;
DROP TABLE guest_spaces;
DROP TABLE guests;
DROP TABLE invitations;
DROP TABLE access_requests;
DROP TABLE product_tokens;
DROP TABLE policies;

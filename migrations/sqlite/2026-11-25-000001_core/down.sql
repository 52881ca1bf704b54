DROP TABLE audit_events;
DROP TABLE memberships;
DROP TABLE "groups";
DROP TABLE users;
DROP TABLE directory_tokens;
DROP TABLE directories;

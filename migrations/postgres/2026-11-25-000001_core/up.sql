-- Directories (IdP connections), their bearer tokens, SCIM users and groups,
-- group membership and the append-only audit log. Times are microseconds
-- since the Unix epoch (UTC) so both backends store and compare them alike.
CREATE TABLE directories (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE directory_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    directory_id TEXT NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX directory_tokens_directory ON directory_tokens(directory_id);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    directory_id TEXT NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
    user_name TEXT NOT NULL,
    -- userName is caseExact=false: uniqueness and lookups use the folded key.
    user_name_key TEXT NOT NULL,
    external_id TEXT,
    display_name TEXT,
    active BOOLEAN NOT NULL,
    -- Every other SCIM attribute, extensions under their URN, as JSON text.
    attributes TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_directory_user_name ON users(directory_id, user_name_key);
CREATE INDEX users_directory_external_id ON users(directory_id, external_id);
CREATE INDEX users_directory_created ON users(directory_id, created_at, id);

CREATE TABLE "groups" (
    id TEXT PRIMARY KEY NOT NULL,
    directory_id TEXT NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
    display_name TEXT NOT NULL,
    display_name_key TEXT NOT NULL,
    external_id TEXT,
    attributes TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX groups_directory_display_name ON "groups"(directory_id, display_name_key);
CREATE INDEX groups_directory_external_id ON "groups"(directory_id, external_id);
CREATE INDEX groups_directory_created ON "groups"(directory_id, created_at, id);

-- One row per (group, member): a 100k-member group changes by rows, never by
-- rewriting a list. member_type is 'User' or 'Group' (nested groups are kept
-- but grant nothing).
CREATE TABLE memberships (
    group_id TEXT NOT NULL REFERENCES "groups"(id) ON DELETE CASCADE,
    member_id TEXT NOT NULL,
    member_type TEXT NOT NULL,
    source TEXT NOT NULL,
    actor TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, member_id)
);
CREATE INDEX memberships_member ON memberships(member_id);

CREATE TABLE audit_events (
    id BIGSERIAL PRIMARY KEY,
    occurred_at BIGINT NOT NULL,
    request_id TEXT,
    actor_type TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    directory_id TEXT,
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    before TEXT,
    after TEXT
);
CREATE INDEX audit_events_occurred ON audit_events(occurred_at);
CREATE INDEX audit_events_target ON audit_events(target_id);

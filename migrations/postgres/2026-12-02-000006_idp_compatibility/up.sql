-- IdP compatibility: extension schemas registered by admins, a directory's
-- strictness about attributes no schema defines, and its sync health (what
-- it sent that did not fit, and how its requests fared).

-- strict_schema: refuse attributes no schema defines (400) instead of
-- keeping them. last_push_at: the last write of the directory that succeeded.
ALTER TABLE directories ADD COLUMN strict_schema BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE directories ADD COLUMN last_push_at BIGINT;

-- RFC 7643 §7 documents, normalised; resource_type is 'User' or 'Group'.
CREATE TABLE custom_schemas (
    urn TEXT PRIMARY KEY NOT NULL,
    resource_type TEXT NOT NULL,
    document TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Attributes a directory sent that no schema defines (kept on the
-- resources as sent): how often, an example, when. schema_urn is '' for the
-- core schema.
CREATE TABLE unregistered_attributes (
    directory_id TEXT NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
    resource_type TEXT NOT NULL,
    schema_urn TEXT NOT NULL,
    name TEXT NOT NULL,
    seen BIGINT NOT NULL,
    example TEXT NOT NULL,
    first_seen BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    PRIMARY KEY (directory_id, resource_type, schema_urn, name)
);

-- What did not fit, newest last; old entries roll off (a bounded number is
-- kept per directory). kind: refused, license_cap, skipped_member.
CREATE TABLE sync_issues (
    id BIGSERIAL PRIMARY KEY,
    directory_id TEXT NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
    occurred_at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status INTEGER NOT NULL,
    scim_type TEXT,
    detail TEXT NOT NULL,
    request_id TEXT,
    group_id TEXT,
    member_id TEXT
);
CREATE INDEX sync_issues_directory ON sync_issues(directory_id, id);

-- Requests per directory, hour (since the epoch) and HTTP status.
CREATE TABLE sync_requests (
    directory_id TEXT NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
    hour BIGINT NOT NULL,
    status INTEGER NOT NULL,
    requests BIGINT NOT NULL,
    PRIMARY KEY (directory_id, hour, status)
);

-- The web console: one-time sign-in links the operator prints with
-- `gatehouse console link`, the sessions they (or a pasted admin token)
-- open, and hourly samples of license use for the licenses chart.
-- Secrets are stored as SHA-256 hashes only.

CREATE TABLE console_links (
    id TEXT PRIMARY KEY NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

CREATE TABLE console_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    -- who signed in: 'console_link' (the operator, by link id) or
    -- 'admin_token' (by token id); changes are audited under this actor.
    actor_kind TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ended_at BIGINT
);

CREATE TABLE license_samples (
    product_key TEXT NOT NULL,
    taken_at BIGINT NOT NULL,
    used BIGINT NOT NULL,
    cap BIGINT,
    PRIMARY KEY (product_key, taken_at)
);

-- Fixed planner statistics for the new indexes (see 000005).
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('console_links', 'sqlite_autoindex_console_links_1', '1000 1'),
    ('console_links', 'sqlite_autoindex_console_links_2', '1000 1'),
    ('console_sessions', 'sqlite_autoindex_console_sessions_1', '1000 1'),
    ('console_sessions', 'sqlite_autoindex_console_sessions_2', '1000 1'),
    ('license_samples', 'sqlite_autoindex_license_samples_1', '100000 5000 1');

-- Users' email addresses, case-folded, so that `emails.value eq "…"` (the
-- lookup IdPs and auditors make) is an index lookup, not a scan of JSON.
CREATE TABLE user_emails (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    value_key TEXT NOT NULL,
    PRIMARY KEY (user_id, value_key)
);
CREATE INDEX user_emails_value ON user_emails(value_key);

INSERT INTO user_emails (user_id, value_key)
SELECT DISTINCT u.id, lower(e.v ->> 'value')
FROM users u, jsonb_array_elements(u.attributes::jsonb -> 'emails') AS e(v)
WHERE e.v ->> 'value' IS NOT NULL
ON CONFLICT DO NOTHING;

-- The case-insensitive displayName of users is compared through lower().
CREATE INDEX users_directory_display_name ON users(directory_id, lower(display_name));

-- Users' email addresses, case-folded, so that `emails.value eq "…"` (the
-- lookup IdPs and auditors make) is an index lookup, not a scan of JSON.
CREATE TABLE user_emails (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    value_key TEXT NOT NULL,
    PRIMARY KEY (user_id, value_key)
);
CREATE INDEX user_emails_value ON user_emails(value_key);

INSERT OR IGNORE INTO user_emails (user_id, value_key)
SELECT u.id, lower(json_extract(e.value, '$.value'))
FROM users u, json_each(u.attributes, '$.emails') AS e
WHERE json_extract(e.value, '$.value') IS NOT NULL;

-- The case-insensitive displayName of users is compared through lower().
CREATE INDEX users_directory_display_name ON users(directory_id, lower(display_name));

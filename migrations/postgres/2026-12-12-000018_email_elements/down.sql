CREATE TABLE user_emails_before (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    value_key TEXT NOT NULL,
    value_reversed TEXT COLLATE "C",
    PRIMARY KEY (user_id, value_key)
);
INSERT INTO user_emails_before (user_id, value_key, value_reversed)
SELECT user_id, value_key, value_reversed FROM user_emails
ON CONFLICT DO NOTHING;
DROP TABLE user_emails;
ALTER TABLE user_emails_before RENAME TO user_emails;
ALTER TABLE user_emails RENAME CONSTRAINT user_emails_before_pkey TO user_emails_pkey;
ALTER TABLE user_emails RENAME CONSTRAINT user_emails_before_user_id_fkey TO user_emails_user_id_fkey;
CREATE INDEX user_emails_value ON user_emails(value_key);
CREATE INDEX user_emails_reversed ON user_emails(value_reversed);

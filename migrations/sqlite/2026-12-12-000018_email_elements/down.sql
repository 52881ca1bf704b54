CREATE TABLE user_emails_before (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    value_key TEXT NOT NULL,
    value_reversed TEXT,
    PRIMARY KEY (user_id, value_key)
);
INSERT OR IGNORE INTO user_emails_before (user_id, value_key, value_reversed)
SELECT user_id, value_key, value_reversed FROM user_emails;
DROP TABLE user_emails;
ALTER TABLE user_emails_before RENAME TO user_emails;
CREATE INDEX user_emails_value ON user_emails(value_key);
CREATE INDEX user_emails_reversed ON user_emails(value_reversed);
DELETE FROM sqlite_stat1 WHERE tbl IN ('user_emails', 'user_emails_before');
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('user_emails', 'sqlite_autoindex_user_emails_1', '1000000 1 1'),
    ('user_emails', 'user_emails_value', '1000000 1'),
    ('user_emails', 'user_emails_reversed', '1000000 1');
ANALYZE sqlite_schema;

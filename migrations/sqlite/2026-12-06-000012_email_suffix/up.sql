-- `emails.value ew "@contractor.example"` (an auditor's "everyone at this
-- domain"): an address ends with the suffix when its reversal starts with
-- the suffix reversed, and a prefix is a range of an index. So each email
-- key is kept reversed too. At 1M users the filter scanned every user's
-- JSON emails: 1.9 s for its first page.
--
-- SQLite has no reverse(): the keys already stored are reversed in Rust
-- when the server next opens the database (store_tasks
-- 'reverse_email_keys', before it serves anything); every key written from
-- now on is written with its reversal.
ALTER TABLE user_emails ADD COLUMN value_reversed TEXT;
CREATE INDEX user_emails_reversed ON user_emails(value_reversed);
INSERT INTO store_tasks (name) VALUES ('reverse_email_keys');
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('user_emails', 'user_emails_reversed', '1000000 1');
ANALYZE sqlite_schema;

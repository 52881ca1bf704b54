DELETE FROM sqlite_stat1 WHERE idx = 'user_emails_reversed';
DELETE FROM store_tasks WHERE name = 'reverse_email_keys';
DROP INDEX user_emails_reversed;
ALTER TABLE user_emails DROP COLUMN value_reversed;

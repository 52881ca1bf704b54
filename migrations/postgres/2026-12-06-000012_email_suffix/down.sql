DROP INDEX user_emails_reversed;
ALTER TABLE user_emails DROP COLUMN value_reversed;

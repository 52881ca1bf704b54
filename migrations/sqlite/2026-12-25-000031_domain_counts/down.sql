DROP TRIGGER user_emails_domain_changed;
DROP TRIGGER user_emails_domain_removed;
DROP TRIGGER user_emails_domain_added;
DELETE FROM user_value_counts WHERE attribute LIKE 'emails.domain%';

DROP TRIGGER user_emails_changed ON user_emails;
DROP TRIGGER user_emails_removed ON user_emails;
DROP TRIGGER user_emails_added ON user_emails;
DROP FUNCTION email_elements_changed();
DROP FUNCTION email_elements_removed();
DROP FUNCTION email_elements_added();
DELETE FROM user_value_counts WHERE attribute LIKE 'emails.domain%';

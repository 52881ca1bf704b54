DROP INDEX users_directory_display_name;
DROP TABLE user_emails;

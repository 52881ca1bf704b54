DROP TRIGGER users_modified_insert;
DROP TRIGGER users_modified_delete;
DROP TRIGGER users_modified_update;
DELETE FROM user_value_counts WHERE attribute = 'meta.lastModified';

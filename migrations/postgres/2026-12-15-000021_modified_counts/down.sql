DROP TRIGGER users_modified_insert ON users;
DROP TRIGGER users_modified_delete ON users;
DROP TRIGGER users_modified_update ON users;
DROP FUNCTION user_modified_count();
DELETE FROM user_value_counts WHERE attribute = 'meta.lastModified';

DROP TRIGGER users_value_insert ON users;
DROP TRIGGER users_value_delete ON users;
DROP TRIGGER users_value_update ON users;
DROP FUNCTION user_value_count();
DROP TABLE user_value_counts;

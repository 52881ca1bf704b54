DROP TRIGGER users_department_insert;
DROP TRIGGER users_department_delete;
DROP TRIGGER users_department_update;
DROP TRIGGER users_family_name_insert;
DROP TRIGGER users_family_name_delete;
DROP TRIGGER users_family_name_update;
DROP TABLE user_value_counts;
DELETE FROM sqlite_stat1 WHERE tbl = 'user_value_counts';
ANALYZE sqlite_schema;

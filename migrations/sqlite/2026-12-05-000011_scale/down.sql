DELETE FROM sqlite_stat1 WHERE idx IN ('user_counts_directory', 'users_family_name',
    'users_employee_number', 'users_department', 'users_manager',
    'users_directory_active', 'users_directory_updated');
DROP INDEX users_directory_updated;
DROP INDEX users_directory_active;
DROP INDEX users_manager;
DROP INDEX users_department;
DROP INDEX users_employee_number;
DROP INDEX users_family_name;
DROP TABLE user_counts;

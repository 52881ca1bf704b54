DROP INDEX users_directory_updated;
DROP INDEX users_directory_active;
DROP INDEX users_manager;
DROP INDEX users_department;
DROP INDEX users_employee_number;
DROP INDEX users_family_name;
DROP TABLE user_counts;

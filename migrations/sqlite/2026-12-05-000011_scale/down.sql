DROP TRIGGER group_mappings_license_update;
DROP TRIGGER group_mappings_license_delete;
DROP TRIGGER group_mappings_license_insert;
DROP TRIGGER persons_license_update;
DROP TRIGGER users_license_delete;
DROP TRIGGER users_license_update;
DROP TRIGGER memberships_license_delete;
DROP TRIGGER memberships_license_insert;
DROP TABLE license_dirty;
DROP TABLE license_counts;
DROP TABLE licenses;
DELETE FROM sqlite_stat1 WHERE tbl IN ('licenses', 'license_counts', 'license_dirty');
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

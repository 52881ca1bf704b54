DROP INDEX users_family_name;
DROP INDEX users_employee_number;
DROP INDEX users_department;
DROP INDEX users_manager;
ALTER TABLE users DROP COLUMN family_name, DROP COLUMN employee_number,
    DROP COLUMN department, DROP COLUMN manager_value;
CREATE INDEX users_family_name
    ON users(directory_id, (lower((attributes::jsonb #>> '{"name","familyName"}'::text[]))), created_at, id);
CREATE INDEX users_employee_number
    ON users(directory_id, (lower((attributes::jsonb #>> '{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","employeeNumber"}'::text[]))), created_at, id);
CREATE INDEX users_department
    ON users(directory_id, (lower((attributes::jsonb #>> '{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","department"}'::text[]))), created_at, id);
CREATE INDEX users_manager
    ON users(directory_id, (lower((attributes::jsonb #>> '{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","manager","value"}'::text[]))), created_at, id);

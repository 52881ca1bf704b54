DROP INDEX user_value_counts_value;
CREATE INDEX user_value_counts_value ON user_value_counts(directory_id, attribute, value_key);
DROP TRIGGER users_department_insert;
CREATE TRIGGER users_department_insert AFTER INSERT ON users
WHEN lower(json_extract(NEW.attributes, '$."urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"."department"')) IS NOT NULL
BEGIN
    UPDATE user_value_counts SET users = users + 1
     WHERE directory_id = NEW.directory_id AND attribute = 'department' AND value_key = lower(json_extract(NEW.attributes, '$."urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"."department"')) AND folded;
    INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
        SELECT NEW.directory_id, 'department', lower(json_extract(NEW.attributes, '$."urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"."department"')), 1
        WHERE NOT EXISTS (SELECT 1 FROM user_value_counts WHERE directory_id = NEW.directory_id
                          AND attribute = 'department' AND value_key = lower(json_extract(NEW.attributes, '$."urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"."department"')) AND folded);
END;
DROP TRIGGER users_family_name_insert;
CREATE TRIGGER users_family_name_insert AFTER INSERT ON users
WHEN lower(json_extract(NEW.attributes, '$."name"."familyName"')) IS NOT NULL
BEGIN
    UPDATE user_value_counts SET users = users + 1
     WHERE directory_id = NEW.directory_id AND attribute = 'familyName' AND value_key = lower(json_extract(NEW.attributes, '$."name"."familyName"')) AND folded;
    INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
        SELECT NEW.directory_id, 'familyName', lower(json_extract(NEW.attributes, '$."name"."familyName"')), 1
        WHERE NOT EXISTS (SELECT 1 FROM user_value_counts WHERE directory_id = NEW.directory_id
                          AND attribute = 'familyName' AND value_key = lower(json_extract(NEW.attributes, '$."name"."familyName"')) AND folded);
END;
DROP TRIGGER users_modified_insert;
CREATE TRIGGER users_modified_insert AFTER INSERT ON users
WHEN 1
BEGIN
    UPDATE user_value_counts SET users = users + 1
     WHERE directory_id = NEW.directory_id AND attribute = 'meta.lastModified' AND value_key = printf('%012d', NEW.updated_at / 60000000) AND folded;
    INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
        SELECT NEW.directory_id, 'meta.lastModified', printf('%012d', NEW.updated_at / 60000000), 1
        WHERE NOT EXISTS (SELECT 1 FROM user_value_counts WHERE directory_id = NEW.directory_id
                          AND attribute = 'meta.lastModified' AND value_key = printf('%012d', NEW.updated_at / 60000000) AND folded);
END;

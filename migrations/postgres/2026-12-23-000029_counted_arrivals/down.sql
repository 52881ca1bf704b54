DROP TRIGGER users_arrived ON users;
DROP TRIGGER users_departed ON users;
DROP FUNCTION users_arrived();
DROP FUNCTION users_departed();

-- 000017, 000020, 000021 and 000025's triggers, and the functions they
-- had to themselves.
CREATE TRIGGER users_inactive_insert AFTER INSERT ON users FOR EACH ROW
    WHEN (NOT NEW.active) EXECUTE FUNCTION user_inactive_count();
CREATE TRIGGER users_inactive_delete AFTER DELETE ON users FOR EACH ROW
    WHEN (NOT OLD.active) EXECUTE FUNCTION user_inactive_count();
CREATE TRIGGER users_value_insert AFTER INSERT ON users FOR EACH ROW
    WHEN (NEW.department IS NOT NULL OR NEW.family_name IS NOT NULL)
    EXECUTE FUNCTION user_value_count();
CREATE TRIGGER users_value_delete AFTER DELETE ON users FOR EACH ROW
    WHEN (OLD.department IS NOT NULL OR OLD.family_name IS NOT NULL)
    EXECUTE FUNCTION user_value_count();
CREATE FUNCTION user_modified_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
            VALUES (OLD.directory_id, 'meta.lastModified',
                    lpad((OLD.updated_at / 60000000)::text, 12, '0'), -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
            VALUES (NEW.directory_id, 'meta.lastModified',
                    lpad((NEW.updated_at / 60000000)::text, 12, '0'), 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER users_modified_insert AFTER INSERT ON users FOR EACH ROW
    EXECUTE FUNCTION user_modified_count();
CREATE TRIGGER users_modified_delete AFTER DELETE ON users FOR EACH ROW
    EXECUTE FUNCTION user_modified_count();
CREATE FUNCTION user_modified_at_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_modified_at (user_id, directory_id, updated_at)
        SELECT id, directory_id, updated_at FROM added;
    RETURN NULL;
END $$;
CREATE TRIGGER users_modified_at_insert AFTER INSERT ON users
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION user_modified_at_added();
CREATE FUNCTION user_modified_at_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM user_modified_at m USING removed r WHERE m.user_id = r.id;
    RETURN NULL;
END $$;
CREATE TRIGGER users_modified_at_delete AFTER DELETE ON users
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION user_modified_at_removed();

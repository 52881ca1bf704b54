DROP TRIGGER memberships_license_insert ON memberships;
DROP TRIGGER memberships_license_delete ON memberships;
DROP FUNCTION license_dirty_members();
CREATE FUNCTION license_dirty_member() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO license_dirty (person_id)
            SELECT coalesce(person_id, id) FROM users WHERE id = OLD.member_id
            ON CONFLICT DO NOTHING;
        RETURN OLD;
    END IF;
    INSERT INTO license_dirty (person_id)
        SELECT coalesce(person_id, id) FROM users WHERE id = NEW.member_id
        ON CONFLICT DO NOTHING;
    RETURN NEW;
END $$;
CREATE TRIGGER memberships_license AFTER INSERT OR DELETE ON memberships
    FOR EACH ROW EXECUTE FUNCTION license_dirty_member();

DROP TRIGGER users_modified_update ON users;
DROP FUNCTION user_modified_moved();
CREATE TRIGGER users_modified_update AFTER UPDATE ON users FOR EACH ROW
    WHEN (OLD.updated_at / 60000000 IS DISTINCT FROM NEW.updated_at / 60000000)
    EXECUTE FUNCTION user_modified_count();

DROP TRIGGER memberships_license_insert;
DROP TRIGGER memberships_license_delete;
CREATE TRIGGER memberships_license_insert AFTER INSERT ON memberships BEGIN
    INSERT OR IGNORE INTO license_dirty (person_id)
        SELECT coalesce(person_id, id) FROM users WHERE id = NEW.member_id;
END;
CREATE TRIGGER memberships_license_delete AFTER DELETE ON memberships BEGIN
    INSERT OR IGNORE INTO license_dirty (person_id)
        SELECT coalesce(person_id, id) FROM users WHERE id = OLD.member_id;
END;

-- The notes as 000011 and 000027 wrote them.
DROP TRIGGER memberships_license_insert;
DROP TRIGGER memberships_license_delete;
DROP TRIGGER users_license_update;
DROP TRIGGER users_license_delete;
DROP TRIGGER persons_license_update;
DROP TRIGGER group_mappings_license_insert;
DROP TRIGGER group_mappings_license_delete;
DROP TRIGGER group_mappings_license_update;

CREATE TRIGGER memberships_license_insert AFTER INSERT ON memberships
WHEN EXISTS (SELECT 1 FROM group_mappings WHERE group_id = NEW.group_id)
BEGIN
    INSERT OR IGNORE INTO license_dirty (person_id)
        SELECT coalesce(person_id, id) FROM users WHERE id = NEW.member_id;
END;
CREATE TRIGGER memberships_license_delete AFTER DELETE ON memberships
WHEN EXISTS (SELECT 1 FROM group_mappings WHERE group_id = OLD.group_id)
BEGIN
    INSERT OR IGNORE INTO license_dirty (person_id)
        SELECT coalesce(person_id, id) FROM users WHERE id = OLD.member_id;
END;
CREATE TRIGGER users_license_update AFTER UPDATE ON users
WHEN OLD.active IS NOT NEW.active OR OLD.suspended IS NOT NEW.suspended
  OR OLD.person_id IS NOT NEW.person_id OR OLD.portal_only IS NOT NEW.portal_only
BEGIN
    INSERT OR IGNORE INTO license_dirty (person_id) VALUES (coalesce(OLD.person_id, OLD.id));
    INSERT OR IGNORE INTO license_dirty (person_id) VALUES (coalesce(NEW.person_id, NEW.id));
END;
CREATE TRIGGER users_license_delete AFTER DELETE ON users BEGIN
    INSERT OR IGNORE INTO license_dirty (person_id) VALUES (coalesce(OLD.person_id, OLD.id));
END;
CREATE TRIGGER persons_license_update AFTER UPDATE ON persons
WHEN OLD.live IS NOT NEW.live
BEGIN
    INSERT OR IGNORE INTO license_dirty (person_id) VALUES (NEW.id);
END;
CREATE TRIGGER group_mappings_license_insert AFTER INSERT ON group_mappings
WHEN NEW.group_id IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO license_dirty (person_id)
        SELECT coalesce(u.person_id, u.id) FROM memberships m JOIN users u ON u.id = m.member_id
        WHERE m.group_id = NEW.group_id;
END;
CREATE TRIGGER group_mappings_license_delete AFTER DELETE ON group_mappings
WHEN OLD.group_id IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO license_dirty (person_id)
        SELECT coalesce(u.person_id, u.id) FROM memberships m JOIN users u ON u.id = m.member_id
        WHERE m.group_id = OLD.group_id;
END;
CREATE TRIGGER group_mappings_license_update AFTER UPDATE ON group_mappings
WHEN OLD.group_id IS NOT NEW.group_id OR OLD.role IS NOT NEW.role
  OR OLD.product_key IS NOT NEW.product_key
BEGIN
    INSERT OR IGNORE INTO license_dirty (person_id)
        SELECT coalesce(u.person_id, u.id) FROM memberships m JOIN users u ON u.id = m.member_id
        WHERE m.group_id IN (OLD.group_id, NEW.group_id);
END;

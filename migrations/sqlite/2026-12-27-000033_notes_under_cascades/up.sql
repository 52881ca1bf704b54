-- The licenses' notes (`license_dirty`) written under a foreign key's
-- action without a conflict clause to lean on.
--
-- Every trigger noting a person wrote `INSERT OR IGNORE`, the note being
-- there already meaning it is noted. But SQLite runs a trigger fired by
-- a foreign key's action (`ON DELETE SET NULL`, `ON DELETE CASCADE`)
-- under that action's conflict policy, ABORT, not the trigger's own: a
-- group deleted while two mappings named it set both mappings' group to
-- NULL, each update noted the same members, and the second note failed
-- the table's key (`UNIQUE constraint failed: license_dirty.person_id`),
-- so the IdP's DELETE of the group answered 409 and the group stayed. A
-- note is now written only where none is (and once per statement), which
-- no conflict policy can turn into an error.
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
    INSERT INTO license_dirty (person_id)
        SELECT coalesce(person_id, id) FROM users WHERE id = NEW.member_id
        AND coalesce(person_id, id) NOT IN (SELECT person_id FROM license_dirty);
END;
CREATE TRIGGER memberships_license_delete AFTER DELETE ON memberships
WHEN EXISTS (SELECT 1 FROM group_mappings WHERE group_id = OLD.group_id)
BEGIN
    INSERT INTO license_dirty (person_id)
        SELECT coalesce(person_id, id) FROM users WHERE id = OLD.member_id
        AND coalesce(person_id, id) NOT IN (SELECT person_id FROM license_dirty);
END;
CREATE TRIGGER users_license_update AFTER UPDATE ON users
WHEN OLD.active IS NOT NEW.active OR OLD.suspended IS NOT NEW.suspended
  OR OLD.person_id IS NOT NEW.person_id OR OLD.portal_only IS NOT NEW.portal_only
BEGIN
    INSERT INTO license_dirty (person_id)
        SELECT coalesce(OLD.person_id, OLD.id)
        WHERE coalesce(OLD.person_id, OLD.id) NOT IN (SELECT person_id FROM license_dirty);
    INSERT INTO license_dirty (person_id)
        SELECT coalesce(NEW.person_id, NEW.id)
        WHERE coalesce(NEW.person_id, NEW.id) NOT IN (SELECT person_id FROM license_dirty);
END;
CREATE TRIGGER users_license_delete AFTER DELETE ON users BEGIN
    INSERT INTO license_dirty (person_id)
        SELECT coalesce(OLD.person_id, OLD.id)
        WHERE coalesce(OLD.person_id, OLD.id) NOT IN (SELECT person_id FROM license_dirty);
END;
CREATE TRIGGER persons_license_update AFTER UPDATE ON persons
WHEN OLD.live IS NOT NEW.live
BEGIN
    INSERT INTO license_dirty (person_id)
        SELECT NEW.id WHERE NEW.id NOT IN (SELECT person_id FROM license_dirty);
END;
CREATE TRIGGER group_mappings_license_insert AFTER INSERT ON group_mappings
WHEN NEW.group_id IS NOT NULL
BEGIN
    INSERT INTO license_dirty (person_id)
        SELECT DISTINCT coalesce(u.person_id, u.id)
        FROM memberships m JOIN users u ON u.id = m.member_id
        WHERE m.group_id = NEW.group_id
        AND coalesce(u.person_id, u.id) NOT IN (SELECT person_id FROM license_dirty);
END;
CREATE TRIGGER group_mappings_license_delete AFTER DELETE ON group_mappings
WHEN OLD.group_id IS NOT NULL
BEGIN
    INSERT INTO license_dirty (person_id)
        SELECT DISTINCT coalesce(u.person_id, u.id)
        FROM memberships m JOIN users u ON u.id = m.member_id
        WHERE m.group_id = OLD.group_id
        AND coalesce(u.person_id, u.id) NOT IN (SELECT person_id FROM license_dirty);
END;
CREATE TRIGGER group_mappings_license_update AFTER UPDATE ON group_mappings
WHEN OLD.group_id IS NOT NEW.group_id OR OLD.role IS NOT NEW.role
  OR OLD.product_key IS NOT NEW.product_key
BEGIN
    INSERT INTO license_dirty (person_id)
        SELECT DISTINCT coalesce(u.person_id, u.id)
        FROM memberships m JOIN users u ON u.id = m.member_id
        WHERE m.group_id IN (OLD.group_id, NEW.group_id)
        AND coalesce(u.person_id, u.id) NOT IN (SELECT person_id FROM license_dirty);
END;

-- Scale (issue #19): a membership of a group that no product maps notes
-- nobody for the licenses (see the PostgreSQL migration of the same name:
-- `user_entitlements` reads a membership only through a mapping of its
-- group). SQLite runs one write transaction at a time, so the mapping
-- read here is the one every other write sees; removals are filtered too.
DROP TRIGGER memberships_license_insert;
DROP TRIGGER memberships_license_delete;
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

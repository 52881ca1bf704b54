DROP TRIGGER memberships_license_insert ON memberships;
DROP FUNCTION license_dirty_mapped_members();
CREATE TRIGGER memberships_license_insert AFTER INSERT ON memberships
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION license_dirty_members();

-- Scale (issue #19): a member added to a group that no product maps notes
-- nobody for the licenses.
--
-- A person's licenses come from `user_entitlements`, which reads a
-- membership only through a mapping of its group (`group_mappings`). A
-- member added to an unmapped group can gain no license, yet every added
-- membership noted its person in `license_dirty`, and the write settled
-- all of them (`licenses::settle`: the accounts, their entitlements, the
-- licenses they hold): in an IdP's first sync, whose groups are mostly
-- unmapped, that was every member PATCH.
--
-- The note is now written only for memberships of mapped groups. What
-- keeps it right while a mapping is made beside the members' insert: each
-- inserted membership's foreign-key check holds the group's row FOR KEY
-- SHARE until its transaction ends (it runs before this statement
-- trigger: row events first), and a mapping written for a group first
-- takes that row FOR UPDATE (`dialect::lock_group_for_mapping`), which
-- waits for it. So either the mapping waits for the members' commit and
-- its own trigger (`group_mappings_license_insert`) then sees and notes
-- them, or the members' check waits for the mapping's commit and this
-- trigger, querying after it, sees the mapping.
--
-- Removals still note every person: a removal takes no lock on the group,
-- so a mapping made beside it could note the member still there (the
-- removal not yet committed) and the removal must note it again to take
-- the license back when it settles.
CREATE FUNCTION license_dirty_mapped_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO license_dirty (person_id)
        SELECT DISTINCT coalesce(u.person_id, u.id)
        FROM changed c JOIN users u ON u.id = c.member_id
        WHERE EXISTS (SELECT 1 FROM group_mappings gm WHERE gm.group_id = c.group_id)
        ORDER BY 1
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
DROP TRIGGER memberships_license_insert ON memberships;
CREATE TRIGGER memberships_license_insert AFTER INSERT ON memberships
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION license_dirty_mapped_members();

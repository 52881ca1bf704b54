-- Scale (issue #19): an entitlement's holders, counted ahead.
--
-- `entitlements[value eq "<product>:user"] and active eq true` (an
-- auditor's "who holds this") reads the members of the groups granting
-- it (store::holder_filter); its first page's total counted every member
-- of such a group holding access: for a product mapped from the
-- 200,000-member group, ~400 ms on SQLite at 1M users (the group's range
-- 18 ms, a users lookup per member ~145 ms, the person's liveness the
-- rest). Each group's kept counts now also say how many of its users hold
-- access, as the `user_entitlements` view decides it (active, not
-- suspended, their person live), for a role other than `customer` (not
-- portal-only either: `holders`) and for `customer` (`customer_holders`).
--
-- Kept by triggers on each input of those conditions: memberships (a user
-- joins or leaves), users (active, suspended, portal_only, person_id) and
-- persons (live). Each moves the counts by what its one change moved,
-- reading the other tables as they stand, so a count stays the number of
-- the group's memberships whose user holds access, whatever the order of
-- the writes in a transaction.
ALTER TABLE group_user_counts ADD COLUMN holders BIGINT NOT NULL DEFAULT 0;
ALTER TABLE group_user_counts ADD COLUMN customer_holders BIGINT NOT NULL DEFAULT 0;
UPDATE group_user_counts SET
    holders = (
        SELECT count(*) FROM memberships m JOIN users u ON u.id = m.member_id
        WHERE m.group_id = group_user_counts.group_id AND m.member_type = 'User'
          AND u.active AND NOT u.suspended AND NOT u.portal_only
          AND coalesce((SELECT pe.live FROM persons pe WHERE pe.id = u.person_id), u.active)),
    customer_holders = (
        SELECT count(*) FROM memberships m JOIN users u ON u.id = m.member_id
        WHERE m.group_id = group_user_counts.group_id AND m.member_type = 'User'
          AND u.active AND NOT u.suspended
          AND coalesce((SELECT pe.live FROM persons pe WHERE pe.id = u.person_id), u.active));

DROP TRIGGER memberships_count_insert;
DROP TRIGGER memberships_count_delete;
CREATE TRIGGER memberships_count_insert AFTER INSERT ON memberships
WHEN NEW.member_type = 'User'
BEGIN
    INSERT INTO group_user_counts (group_id, users, holders, customer_holders)
    VALUES (NEW.group_id, 1,
        (SELECT count(*) FROM users u WHERE u.id = NEW.member_id
            AND u.active AND NOT u.suspended AND NOT u.portal_only
            AND coalesce((SELECT pe.live FROM persons pe WHERE pe.id = u.person_id), u.active)),
        (SELECT count(*) FROM users u WHERE u.id = NEW.member_id
            AND u.active AND NOT u.suspended
            AND coalesce((SELECT pe.live FROM persons pe WHERE pe.id = u.person_id), u.active)))
    ON CONFLICT (group_id) DO UPDATE SET
        users = users + 1,
        holders = holders + excluded.holders,
        customer_holders = customer_holders + excluded.customer_holders;
END;
CREATE TRIGGER memberships_count_delete AFTER DELETE ON memberships
WHEN OLD.member_type = 'User'
BEGIN
    UPDATE group_user_counts SET
        users = users - 1,
        holders = holders - (SELECT count(*) FROM users u WHERE u.id = OLD.member_id
            AND u.active AND NOT u.suspended AND NOT u.portal_only
            AND coalesce((SELECT pe.live FROM persons pe WHERE pe.id = u.person_id), u.active)),
        customer_holders = customer_holders - (SELECT count(*) FROM users u WHERE u.id = OLD.member_id
            AND u.active AND NOT u.suspended
            AND coalesce((SELECT pe.live FROM persons pe WHERE pe.id = u.person_id), u.active))
    WHERE group_id = OLD.group_id;
END;
-- A user leaves its groups before it goes, while the triggers above can
-- still read whether it held access (the store removes the memberships
-- first already; this keeps any other delete counted right).
CREATE TRIGGER users_leave_groups BEFORE DELETE ON users
BEGIN
    DELETE FROM memberships WHERE member_id = OLD.id AND member_type = 'User';
END;
CREATE TRIGGER users_holder_counts AFTER UPDATE ON users
WHEN OLD.active IS NOT NEW.active OR OLD.suspended IS NOT NEW.suspended
  OR OLD.person_id IS NOT NEW.person_id OR OLD.portal_only IS NOT NEW.portal_only
BEGIN
    UPDATE group_user_counts SET
        holders = holders
            + (NEW.active AND NOT NEW.suspended AND NOT NEW.portal_only
               AND coalesce((SELECT pe.live FROM persons pe WHERE pe.id = NEW.person_id), NEW.active))
            - (OLD.active AND NOT OLD.suspended AND NOT OLD.portal_only
               AND coalesce((SELECT pe.live FROM persons pe WHERE pe.id = OLD.person_id), OLD.active)),
        customer_holders = customer_holders
            + (NEW.active AND NOT NEW.suspended
               AND coalesce((SELECT pe.live FROM persons pe WHERE pe.id = NEW.person_id), NEW.active))
            - (OLD.active AND NOT OLD.suspended
               AND coalesce((SELECT pe.live FROM persons pe WHERE pe.id = OLD.person_id), OLD.active))
    WHERE group_id IN (SELECT group_id FROM memberships WHERE member_id = NEW.id AND member_type = 'User');
END;
-- A person's liveness moves each of its accounts holding access otherwise
-- (active, not suspended) in each of their groups.
CREATE TRIGGER persons_holder_counts AFTER UPDATE ON persons
WHEN OLD.live IS NOT NEW.live
BEGIN
    UPDATE group_user_counts SET
        holders = holders + (NEW.live - OLD.live) * (
            SELECT count(*) FROM memberships m JOIN users u ON u.id = m.member_id
            WHERE m.group_id = group_user_counts.group_id AND m.member_type = 'User'
              AND u.person_id = NEW.id AND u.active AND NOT u.suspended AND NOT u.portal_only),
        customer_holders = customer_holders + (NEW.live - OLD.live) * (
            SELECT count(*) FROM memberships m JOIN users u ON u.id = m.member_id
            WHERE m.group_id = group_user_counts.group_id AND m.member_type = 'User'
              AND u.person_id = NEW.id AND u.active AND NOT u.suspended)
    WHERE group_id IN (
        SELECT m.group_id FROM users u JOIN memberships m ON m.member_id = u.id
        WHERE u.person_id = NEW.id AND m.member_type = 'User');
END;

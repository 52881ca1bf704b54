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
--
-- The memberships' statement triggers count a statement's members per
-- group at once (see 000014); the users' and persons' row triggers take
-- the counts of several groups in group order, as every writer of more
-- than one count does (store::dialect::lock_group_counts_of).
ALTER TABLE group_user_counts ADD COLUMN holders BIGINT NOT NULL DEFAULT 0;
ALTER TABLE group_user_counts ADD COLUMN customer_holders BIGINT NOT NULL DEFAULT 0;
UPDATE group_user_counts c SET holders = h.holders, customer_holders = h.customer_holders
FROM (
    SELECT m.group_id,
           count(*) FILTER (WHERE NOT u.portal_only) AS holders,
           count(*) AS customer_holders
    FROM memberships m
    JOIN users u ON u.id = m.member_id
    LEFT JOIN persons pe ON pe.id = u.person_id
    WHERE m.member_type = 'User' AND u.active AND NOT u.suspended AND coalesce(pe.live, u.active)
    GROUP BY m.group_id
) h
WHERE c.group_id = h.group_id;

CREATE OR REPLACE FUNCTION group_user_count_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO group_user_counts (group_id, users, holders, customer_holders)
        SELECT a.group_id, count(*),
               count(*) FILTER (WHERE u.active AND NOT u.suspended AND NOT u.portal_only
                                  AND coalesce(pe.live, u.active)),
               count(*) FILTER (WHERE u.active AND NOT u.suspended AND coalesce(pe.live, u.active))
        FROM added a
        LEFT JOIN users u ON u.id = a.member_id
        LEFT JOIN persons pe ON pe.id = u.person_id
        WHERE a.member_type = 'User'
        GROUP BY a.group_id ORDER BY a.group_id
        ON CONFLICT (group_id) DO UPDATE SET
            users = group_user_counts.users + EXCLUDED.users,
            holders = group_user_counts.holders + EXCLUDED.holders,
            customer_holders = group_user_counts.customer_holders + EXCLUDED.customer_holders;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION group_user_count_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE group_user_counts c SET
        users = c.users - r.n,
        holders = c.holders - r.holders,
        customer_holders = c.customer_holders - r.customer_holders
        FROM (SELECT d.group_id, count(*) AS n,
                     count(*) FILTER (WHERE u.active AND NOT u.suspended AND NOT u.portal_only
                                        AND coalesce(pe.live, u.active)) AS holders,
                     count(*) FILTER (WHERE u.active AND NOT u.suspended
                                        AND coalesce(pe.live, u.active)) AS customer_holders
              FROM removed d
              LEFT JOIN users u ON u.id = d.member_id
              LEFT JOIN persons pe ON pe.id = u.person_id
              WHERE d.member_type = 'User'
              GROUP BY d.group_id) r
        WHERE c.group_id = r.group_id;
    RETURN NULL;
END $$;

-- A user leaves its groups before it goes, while the triggers above can
-- still read whether it held access (the store removes the memberships
-- first already; this keeps any other delete counted right).
CREATE FUNCTION user_leaves_groups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM memberships WHERE member_id = OLD.id AND member_type = 'User';
    RETURN OLD;
END $$;
CREATE TRIGGER users_leave_groups BEFORE DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION user_leaves_groups();

-- Whether an account holds access, for a role other than `customer`
-- (`portal` false) or for `customer`: the view's conditions.
CREATE FUNCTION holds_access(is_active BOOLEAN, is_suspended BOOLEAN, is_portal_only BOOLEAN,
                             of_person TEXT, for_customer BOOLEAN) RETURNS INTEGER
LANGUAGE sql STABLE AS $$
    SELECT (is_active AND NOT is_suspended AND (for_customer OR NOT is_portal_only)
            AND coalesce((SELECT pe.live FROM persons pe WHERE pe.id = of_person), is_active))::int
$$;

CREATE FUNCTION group_holder_count_user() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    moved_holders INTEGER := holds_access(NEW.active, NEW.suspended, NEW.portal_only, NEW.person_id, false)
                     - holds_access(OLD.active, OLD.suspended, OLD.portal_only, OLD.person_id, false);
    moved_customers INTEGER := holds_access(NEW.active, NEW.suspended, NEW.portal_only, NEW.person_id, true)
                       - holds_access(OLD.active, OLD.suspended, OLD.portal_only, OLD.person_id, true);
BEGIN
    IF moved_holders = 0 AND moved_customers = 0 THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM group_user_counts
        WHERE group_id IN (SELECT group_id FROM memberships
                           WHERE member_id = NEW.id AND member_type = 'User')
        ORDER BY group_id FOR UPDATE;
    UPDATE group_user_counts SET
        holders = group_user_counts.holders + moved_holders,
        customer_holders = group_user_counts.customer_holders + moved_customers
        WHERE group_id IN (SELECT group_id FROM memberships
                           WHERE member_id = NEW.id AND member_type = 'User');
    RETURN NULL;
END $$;
CREATE TRIGGER users_holder_counts AFTER UPDATE ON users FOR EACH ROW
    WHEN (OLD.active IS DISTINCT FROM NEW.active OR OLD.suspended IS DISTINCT FROM NEW.suspended
          OR OLD.person_id IS DISTINCT FROM NEW.person_id
          OR OLD.portal_only IS DISTINCT FROM NEW.portal_only)
    EXECUTE FUNCTION group_holder_count_user();

-- A person's liveness moves each of its accounts holding access otherwise
-- (active, not suspended) in each of their groups.
CREATE FUNCTION group_holder_count_person() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    moved INTEGER := NEW.live::int - OLD.live::int;
BEGIN
    PERFORM 1 FROM group_user_counts
        WHERE group_id IN (SELECT m.group_id FROM users u JOIN memberships m ON m.member_id = u.id
                           WHERE u.person_id = NEW.id AND m.member_type = 'User')
        ORDER BY group_id FOR UPDATE;
    UPDATE group_user_counts c SET
        holders = c.holders + moved * h.holders,
        customer_holders = c.customer_holders + moved * h.customer_holders
        FROM (SELECT m.group_id,
                     count(*) FILTER (WHERE NOT u.portal_only) AS holders,
                     count(*) AS customer_holders
              FROM users u JOIN memberships m ON m.member_id = u.id
              WHERE u.person_id = NEW.id AND m.member_type = 'User'
                AND u.active AND NOT u.suspended
              GROUP BY m.group_id) h
        WHERE c.group_id = h.group_id;
    RETURN NULL;
END $$;
CREATE TRIGGER persons_holder_counts AFTER UPDATE ON persons FOR EACH ROW
    WHEN (OLD.live IS DISTINCT FROM NEW.live)
    EXECUTE FUNCTION group_holder_count_person();

-- Scale (issue #19), PostgreSQL: a user's change of `active`, `suspended`,
-- `portal_only` or person moves its groups' holder counts (000016) by
-- what it moved, worked out in the trigger itself.
--
-- The trigger called `holds_access` four times, an SQL function whose
-- sub-select keeps it from being inlined: each call site parsed and
-- planned the function's body again in every transaction, and read the
-- person again. `pg_stat_user_functions` over 1,000 deactivations at 1M
-- users: 0.279 ms a firing, the costliest of a deactivation's triggers.
-- Now the person is read once per side that could hold access, and the
-- same conditions are plain expressions.
CREATE OR REPLACE FUNCTION group_holder_count_user() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    new_live BOOLEAN;
    old_live BOOLEAN;
    moved_holders INTEGER;
    moved_customers INTEGER;
BEGIN
    -- A side that is inactive or suspended holds nothing, whatever its
    -- person: its liveness is not read.
    IF NEW.active AND NOT NEW.suspended THEN
        SELECT pe.live INTO new_live FROM persons pe WHERE pe.id = NEW.person_id;
    END IF;
    IF OLD.active AND NOT OLD.suspended THEN
        IF OLD.person_id IS NOT DISTINCT FROM NEW.person_id AND NEW.active AND NOT NEW.suspended THEN
            old_live := new_live;
        ELSE
            SELECT pe.live INTO old_live FROM persons pe WHERE pe.id = OLD.person_id;
        END IF;
    END IF;
    -- `holds_access` as it was: active, not suspended, not portal-only
    -- unless counted as a customer, and the person live (no person: the
    -- account's own `active`).
    moved_holders := (NEW.active AND NOT NEW.suspended AND NOT NEW.portal_only
                      AND coalesce(new_live, NEW.active))::int
                   - (OLD.active AND NOT OLD.suspended AND NOT OLD.portal_only
                      AND coalesce(old_live, OLD.active))::int;
    moved_customers := (NEW.active AND NOT NEW.suspended AND coalesce(new_live, NEW.active))::int
                     - (OLD.active AND NOT OLD.suspended AND coalesce(old_live, OLD.active))::int;
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

DROP FUNCTION holds_access(BOOLEAN, BOOLEAN, BOOLEAN, TEXT, BOOLEAN);

CREATE FUNCTION holds_access(is_active BOOLEAN, is_suspended BOOLEAN, is_portal_only BOOLEAN,
                             of_person TEXT, for_customer BOOLEAN) RETURNS INTEGER
LANGUAGE sql STABLE AS $$
    SELECT (is_active AND NOT is_suspended AND (for_customer OR NOT is_portal_only)
            AND coalesce((SELECT pe.live FROM persons pe WHERE pe.id = of_person), is_active))::int
$$;

CREATE OR REPLACE FUNCTION group_holder_count_user() RETURNS trigger LANGUAGE plpgsql AS $$
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

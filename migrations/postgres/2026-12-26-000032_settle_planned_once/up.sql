-- Scale (issue #19), PostgreSQL: the licenses' settle (store::licenses) as
-- a function whose statement is planned once per connection.
--
-- The one statement that settles the persons a write noted (stop 65) is a
-- prepared statement, and PostgreSQL plans a prepared statement afresh at
-- every execution for as long as the plans made for its parameters look
-- cheaper than one made for any: a deactivation settles one person, whose
-- plan always looks cheaper than the plan for "some persons" (an array's
-- ten), so every settle of a few persons was planned again, ~2 ms of
-- PostgreSQL's time (the bind: 1.9-2.1 ms against an execution of
-- 0.36-0.52 ms, in the hourly resync's 20,000 deactivations and every
-- member PATCH of a few users). In a function with `plan_cache_mode` set
-- to `force_generic_plan` the statement keeps one plan for any persons: a
-- plan of index lookups a person, as the plans for 1 or 500 persons are.
CREATE FUNCTION settle_licenses(noted_persons TEXT[], licensed_roles TEXT[])
RETURNS VOID LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    WITH noted AS (SELECT person_id FROM unnest(noted_persons) AS noted(person_id)),
    accounts AS (SELECT a.id FROM noted n CROSS JOIN LATERAL (
        SELECT u.id FROM users u WHERE u.person_id = n.person_id
        UNION SELECT u.id FROM users u
            WHERE u.id = n.person_id AND coalesce(u.person_id, u.id) = n.person_id) a),
    held AS (SELECT DISTINCT e.product, e.person_id FROM accounts a CROSS JOIN LATERAL (
        SELECT product, person_id, role FROM user_entitlements WHERE user_id = a.id OFFSET 0) e
        WHERE e.role = ANY(licensed_roles)),
    had AS (SELECT l.product_key AS product, l.person_id FROM noted n
        JOIN licenses l ON l.person_id = n.person_id),
    gone AS (DELETE FROM licenses l USING (SELECT * FROM had EXCEPT SELECT * FROM held) g
        WHERE l.product_key = g.product AND l.person_id = g.person_id RETURNING l.product_key),
    came AS (INSERT INTO licenses (product_key, person_id)
        SELECT * FROM held EXCEPT SELECT * FROM had ON CONFLICT DO NOTHING RETURNING product_key)
    INSERT INTO license_counts (product_key, used)
    SELECT product_key, sum(n) FROM (SELECT product_key, -1 AS n FROM gone
        UNION ALL SELECT product_key, 1 FROM came) m
    GROUP BY product_key HAVING sum(n) <> 0;
END $$;

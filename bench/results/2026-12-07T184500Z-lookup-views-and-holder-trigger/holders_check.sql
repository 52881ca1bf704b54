SET search_path = p1;
SELECT count(*) AS groups_wrong FROM group_user_counts c
LEFT JOIN (
    SELECT m.group_id,
           count(*) FILTER (WHERE NOT u.portal_only) AS holders,
           count(*) AS customer_holders
    FROM memberships m
    JOIN users u ON u.id = m.member_id
    LEFT JOIN persons pe ON pe.id = u.person_id
    WHERE m.member_type = 'User' AND u.active AND NOT u.suspended AND coalesce(pe.live, u.active)
    GROUP BY m.group_id
) h ON h.group_id = c.group_id
WHERE c.holders <> coalesce(h.holders, 0) OR c.customer_holders <> coalesce(h.customer_holders, 0);

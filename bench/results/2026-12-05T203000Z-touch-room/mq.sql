SELECT array_agg(id) AS ids, array_agg(person_id) AS pids FROM (SELECT id, person_id FROM users WHERE lower(family_name) = 'family17' ORDER BY created_at, id LIMIT 100) u \gset
PREPARE q(text[], text[]) AS SELECT m.member_id, m.group_id, CASE WHEN EXISTS (SELECT 1 FROM group_mappings gm WHERE gm.group_id = m.group_id) THEN (SELECT pe.live FROM persons pe WHERE pe.id = ids.person_id) END, (SELECT v.version FROM group_catalog_version v) FROM unnest($1, $2) AS ids(id, person_id) CROSS JOIN LATERAL (SELECT member_id, group_id FROM memberships WHERE member_id = ids.id OFFSET 0) m;
EXPLAIN (ANALYZE, BUFFERS) EXECUTE q(:'ids', :'pids');
EXPLAIN (ANALYZE, BUFFERS) EXECUTE q(:'ids', :'pids');

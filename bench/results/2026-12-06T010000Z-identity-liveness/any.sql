\set k random(0, 996)
SELECT m.member_id, m.group_id, NULL::bool, (SELECT v.version FROM group_catalog_version v) FROM memberships m WHERE m.member_id = ANY(ARRAY(SELECT '00000000-0000-4000-8000-' || lpad((:k + 997 * g)::text, 12, '0') FROM generate_series(0, 99) g));

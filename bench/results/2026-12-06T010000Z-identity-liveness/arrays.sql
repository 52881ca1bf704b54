\set k random(0, 996)
SELECT count(*) FROM unnest(ARRAY(SELECT '00000000-0000-4000-8000-' || lpad((:k + 997 * g)::text, 12, '0') FROM generate_series(0, 99) g), ARRAY(SELECT NULL::text FROM generate_series(0, 99) g)) AS ids(id, person_id);

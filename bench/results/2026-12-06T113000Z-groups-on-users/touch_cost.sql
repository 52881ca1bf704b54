\timing on
\echo plain
BEGIN;
EXPLAIN (ANALYZE, TIMING OFF) UPDATE users SET version = version + 1, updated_at = 1 WHERE id = ANY(CAST((SELECT array_agg(format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))) FROM generate_series(120000, 120049) i) AS text[]));
ROLLBACK;
\echo aggregate
BEGIN;
EXPLAIN (ANALYZE, TIMING OFF) UPDATE users SET version = version + 1, updated_at = 1, group_ids = coalesce((SELECT string_agg(m.group_id, ',') FROM memberships m WHERE m.member_id = users.id), '') WHERE id = ANY(CAST((SELECT array_agg(format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))) FROM generate_series(120300, 120349) i) AS text[]));
ROLLBACK;
\echo append
BEGIN;
EXPLAIN (ANALYZE, TIMING OFF) UPDATE users SET version = version + 1, updated_at = 1, group_ids = CASE WHEN strpos(',' || group_ids || ',', ',g-new,') > 0 THEN group_ids WHEN group_ids = '' THEN 'g-new' ELSE group_ids || ',g-new' END WHERE id = ANY(CAST((SELECT array_agg(format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))) FROM generate_series(120600, 120649) i) AS text[]));
ROLLBACK;
\echo plain
BEGIN;
EXPLAIN (ANALYZE, TIMING OFF) UPDATE users SET version = version + 1, updated_at = 1 WHERE id = ANY(CAST((SELECT array_agg(format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))) FROM generate_series(121000, 121049) i) AS text[]));
ROLLBACK;
\echo aggregate
BEGIN;
EXPLAIN (ANALYZE, TIMING OFF) UPDATE users SET version = version + 1, updated_at = 1, group_ids = coalesce((SELECT string_agg(m.group_id, ',') FROM memberships m WHERE m.member_id = users.id), '') WHERE id = ANY(CAST((SELECT array_agg(format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))) FROM generate_series(121300, 121349) i) AS text[]));
ROLLBACK;
\echo append
BEGIN;
EXPLAIN (ANALYZE, TIMING OFF) UPDATE users SET version = version + 1, updated_at = 1, group_ids = CASE WHEN strpos(',' || group_ids || ',', ',g-new,') > 0 THEN group_ids WHEN group_ids = '' THEN 'g-new' ELSE group_ids || ',g-new' END WHERE id = ANY(CAST((SELECT array_agg(format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))) FROM generate_series(121600, 121649) i) AS text[]));
ROLLBACK;
\echo plain
BEGIN;
EXPLAIN (ANALYZE, TIMING OFF) UPDATE users SET version = version + 1, updated_at = 1 WHERE id = ANY(CAST((SELECT array_agg(format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))) FROM generate_series(122000, 122049) i) AS text[]));
ROLLBACK;
\echo aggregate
BEGIN;
EXPLAIN (ANALYZE, TIMING OFF) UPDATE users SET version = version + 1, updated_at = 1, group_ids = coalesce((SELECT string_agg(m.group_id, ',') FROM memberships m WHERE m.member_id = users.id), '') WHERE id = ANY(CAST((SELECT array_agg(format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))) FROM generate_series(122300, 122349) i) AS text[]));
ROLLBACK;
\echo append
BEGIN;
EXPLAIN (ANALYZE, TIMING OFF) UPDATE users SET version = version + 1, updated_at = 1, group_ids = CASE WHEN strpos(',' || group_ids || ',', ',g-new,') > 0 THEN group_ids WHEN group_ids = '' THEN 'g-new' ELSE group_ids || ',g-new' END WHERE id = ANY(CAST((SELECT array_agg(format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))) FROM generate_series(122600, 122649) i) AS text[]));
ROLLBACK;
\echo plain
BEGIN;
EXPLAIN (ANALYZE, TIMING OFF) UPDATE users SET version = version + 1, updated_at = 1 WHERE id = ANY(CAST((SELECT array_agg(format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))) FROM generate_series(123000, 123049) i) AS text[]));
ROLLBACK;
\echo aggregate
BEGIN;
EXPLAIN (ANALYZE, TIMING OFF) UPDATE users SET version = version + 1, updated_at = 1, group_ids = coalesce((SELECT string_agg(m.group_id, ',') FROM memberships m WHERE m.member_id = users.id), '') WHERE id = ANY(CAST((SELECT array_agg(format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))) FROM generate_series(123300, 123349) i) AS text[]));
ROLLBACK;
\echo append
BEGIN;
EXPLAIN (ANALYZE, TIMING OFF) UPDATE users SET version = version + 1, updated_at = 1, group_ids = CASE WHEN strpos(',' || group_ids || ',', ',g-new,') > 0 THEN group_ids WHEN group_ids = '' THEN 'g-new' ELSE group_ids || ',g-new' END WHERE id = ANY(CAST((SELECT array_agg(format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))) FROM generate_series(123600, 123649) i) AS text[]));
ROLLBACK;
\echo plain
BEGIN;
EXPLAIN (ANALYZE, TIMING OFF) UPDATE users SET version = version + 1, updated_at = 1 WHERE id = ANY(CAST((SELECT array_agg(format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))) FROM generate_series(124000, 124049) i) AS text[]));
ROLLBACK;
\echo aggregate
BEGIN;
EXPLAIN (ANALYZE, TIMING OFF) UPDATE users SET version = version + 1, updated_at = 1, group_ids = coalesce((SELECT string_agg(m.group_id, ',') FROM memberships m WHERE m.member_id = users.id), '') WHERE id = ANY(CAST((SELECT array_agg(format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))) FROM generate_series(124300, 124349) i) AS text[]));
ROLLBACK;
\echo append
BEGIN;
EXPLAIN (ANALYZE, TIMING OFF) UPDATE users SET version = version + 1, updated_at = 1, group_ids = CASE WHEN strpos(',' || group_ids || ',', ',g-new,') > 0 THEN group_ids WHEN group_ids = '' THEN 'g-new' ELSE group_ids || ',g-new' END WHERE id = ANY(CAST((SELECT array_agg(format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))) FROM generate_series(124600, 124649) i) AS text[]));
ROLLBACK;
\echo plain
BEGIN;
EXPLAIN (ANALYZE, TIMING OFF) UPDATE users SET version = version + 1, updated_at = 1 WHERE id = ANY(CAST((SELECT array_agg(format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))) FROM generate_series(125000, 125049) i) AS text[]));
ROLLBACK;
\echo aggregate
BEGIN;
EXPLAIN (ANALYZE, TIMING OFF) UPDATE users SET version = version + 1, updated_at = 1, group_ids = coalesce((SELECT string_agg(m.group_id, ',') FROM memberships m WHERE m.member_id = users.id), '') WHERE id = ANY(CAST((SELECT array_agg(format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))) FROM generate_series(125300, 125349) i) AS text[]));
ROLLBACK;
\echo append
BEGIN;
EXPLAIN (ANALYZE, TIMING OFF) UPDATE users SET version = version + 1, updated_at = 1, group_ids = CASE WHEN strpos(',' || group_ids || ',', ',g-new,') > 0 THEN group_ids WHEN group_ids = '' THEN 'g-new' ELSE group_ids || ',g-new' END WHERE id = ANY(CAST((SELECT array_agg(format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))) FROM generate_series(125600, 125649) i) AS text[]));
ROLLBACK;
\echo plain
BEGIN;
EXPLAIN (ANALYZE, TIMING OFF) UPDATE users SET version = version + 1, updated_at = 1 WHERE id = ANY(CAST((SELECT array_agg(format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))) FROM generate_series(126000, 126049) i) AS text[]));
ROLLBACK;
\echo aggregate
BEGIN;
EXPLAIN (ANALYZE, TIMING OFF) UPDATE users SET version = version + 1, updated_at = 1, group_ids = coalesce((SELECT string_agg(m.group_id, ',') FROM memberships m WHERE m.member_id = users.id), '') WHERE id = ANY(CAST((SELECT array_agg(format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))) FROM generate_series(126300, 126349) i) AS text[]));
ROLLBACK;
\echo append
BEGIN;
EXPLAIN (ANALYZE, TIMING OFF) UPDATE users SET version = version + 1, updated_at = 1, group_ids = CASE WHEN strpos(',' || group_ids || ',', ',g-new,') > 0 THEN group_ids WHEN group_ids = '' THEN 'g-new' ELSE group_ids || ',g-new' END WHERE id = ANY(CAST((SELECT array_agg(format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))) FROM generate_series(126600, 126649) i) AS text[]));
ROLLBACK;
\echo plain
BEGIN;
EXPLAIN (ANALYZE, TIMING OFF) UPDATE users SET version = version + 1, updated_at = 1 WHERE id = ANY(CAST((SELECT array_agg(format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))) FROM generate_series(127000, 127049) i) AS text[]));
ROLLBACK;
\echo aggregate
BEGIN;
EXPLAIN (ANALYZE, TIMING OFF) UPDATE users SET version = version + 1, updated_at = 1, group_ids = coalesce((SELECT string_agg(m.group_id, ',') FROM memberships m WHERE m.member_id = users.id), '') WHERE id = ANY(CAST((SELECT array_agg(format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))) FROM generate_series(127300, 127349) i) AS text[]));
ROLLBACK;
\echo append
BEGIN;
EXPLAIN (ANALYZE, TIMING OFF) UPDATE users SET version = version + 1, updated_at = 1, group_ids = CASE WHEN strpos(',' || group_ids || ',', ',g-new,') > 0 THEN group_ids WHEN group_ids = '' THEN 'g-new' ELSE group_ids || ',g-new' END WHERE id = ANY(CAST((SELECT array_agg(format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))) FROM generate_series(127600, 127649) i) AS text[]));
ROLLBACK;

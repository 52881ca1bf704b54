BEGIN;
UPDATE users SET version = version + 1, updated_at = updated_at + 1 WHERE id IN (SELECT '00000000-0000-4000-8000-' || lpad(i::text, 12, '0') FROM generate_series(200000, 200049) i);
SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = 'users';
ROLLBACK;
SELECT reloptions, pg_size_pretty(pg_relation_size('users')) FROM pg_class WHERE relname='users' AND relnamespace = current_schema()::regnamespace;

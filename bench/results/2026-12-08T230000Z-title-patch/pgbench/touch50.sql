\set n random(0, 19999)
UPDATE users SET version = version + 1, updated_at = updated_at + 60000000 WHERE id IN (SELECT '00000000-0000-4000-8000-' || lpad((:n * 50 + g)::text, 12, '0') FROM generate_series(0, 49) g);

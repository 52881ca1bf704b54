\set n random(0, 999999)
UPDATE users SET version = version + 1, updated_at = updated_at + 60000000 WHERE id = '00000000-0000-4000-8000-' || lpad((:n)::text, 12, '0');

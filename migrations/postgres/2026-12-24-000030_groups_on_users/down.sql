ALTER TABLE users DROP COLUMN group_ids;

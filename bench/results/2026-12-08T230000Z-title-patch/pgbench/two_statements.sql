-- 000025's user_modified_moved, as the schema has it
CREATE OR REPLACE FUNCTION user_modified_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
        SELECT directory_id, 'meta.lastModified', lpad(minute::text, 12, '0'), sum(moved)
        FROM (SELECT directory_id, updated_at / 60000000 AS minute, -1 AS moved FROM before_rows
              UNION ALL
              SELECT directory_id, updated_at / 60000000 AS minute, 1 AS moved FROM after_rows) m
        GROUP BY directory_id, minute
        HAVING sum(moved) <> 0;
    UPDATE user_modified_at m SET updated_at = a.updated_at, directory_id = a.directory_id
        FROM after_rows a
        WHERE m.user_id = a.id
          AND (m.updated_at <> a.updated_at OR m.directory_id <> a.directory_id);
    RETURN NULL;
END $$;

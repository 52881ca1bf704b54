CREATE OR REPLACE FUNCTION user_modified_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
        SELECT directory_id, 'meta.lastModified', lpad(minute::text, 12, '0'), sum(moved)
        FROM (SELECT directory_id, updated_at / 60000000 AS minute, -1 AS moved FROM before_rows
              UNION ALL
              SELECT directory_id, updated_at / 60000000 AS minute, 1 AS moved FROM after_rows) m
        GROUP BY directory_id, minute
        HAVING sum(moved) <> 0;
    RETURN NULL;
END $$;
ALTER FUNCTION user_modified_moved() SET enable_seqscan = off;

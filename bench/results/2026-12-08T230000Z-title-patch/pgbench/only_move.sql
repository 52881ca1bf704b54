CREATE OR REPLACE FUNCTION user_modified_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE user_modified_at m SET updated_at = a.updated_at, directory_id = a.directory_id
        FROM after_rows a
        WHERE m.user_id = a.id
          AND (m.updated_at <> a.updated_at OR m.directory_id <> a.directory_id);
    RETURN NULL;
END $$;
ALTER FUNCTION user_modified_moved() SET enable_seqscan = off;

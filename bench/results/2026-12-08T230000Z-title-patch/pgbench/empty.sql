CREATE OR REPLACE FUNCTION user_modified_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RETURN NULL;
END $$;
ALTER FUNCTION user_modified_moved() SET enable_seqscan = off;

DROP TRIGGER license_dirty_settled ON license_dirty;
DROP FUNCTION settle_queued_first();
DROP FUNCTION settled_use(TEXT, TEXT[]);
CREATE OR REPLACE FUNCTION settle_noted_at_commit() RETURNS trigger LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    noted TEXT[];
BEGIN
    PERFORM 1 FROM license_dirty WHERE person_id = NEW.person_id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    LOOP
        SELECT array_agg(person_id ORDER BY person_id) INTO noted
            FROM (SELECT person_id FROM license_dirty ORDER BY person_id LIMIT 500) n;
        EXIT WHEN noted IS NULL;
        PERFORM settle_licenses(noted, TG_ARGV);
        DELETE FROM license_dirty WHERE person_id = ANY(noted);
    END LOOP;
    RETURN NULL;
END $$;
DROP FUNCTION settle_noted(TEXT[]);
CREATE CONSTRAINT TRIGGER license_dirty_settled AFTER INSERT ON license_dirty
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION settle_noted_at_commit('user', 'admin', 'user-access-admin');

-- Scale (issue #19), PostgreSQL: the persons a write noted in
-- `license_dirty` are settled as it commits, by the database, instead of
-- by the server's statements before its COMMIT.
--
-- Every write ended with the server asking whether it had noted anyone
-- (`SELECT … FROM license_dirty … LIMIT 500`), a round trip on every
-- write even when it noted no one (a new title: one of the six of a user
-- PATCH), and, when it had, two more: the settle (`settle_licenses`) and
-- the notes' delete. A deferred constraint trigger runs at COMMIT, in the
-- write's transaction, after its last statement: the licenses are exact at
-- every commit as before, and a write that noted no one queues nothing.
--
-- It is a row trigger (constraint triggers must be): each note inserted
-- queues one firing. The first firing whose note is still there settles
-- every note, 500 persons a round as `store::licenses::settle` does; the
-- others find their note gone (an index probe) and return. A note settled
-- earlier in the transaction (a license cap's check settles what the
-- write changed so far: `licensing::used_now`) is gone too; a note written
-- after that one queues a firing of its own.
--
-- The licensed roles are the trigger's arguments: the server's
-- `entitlements::LICENSED_ROLES`, which a store test compares them with.
CREATE FUNCTION settle_noted_at_commit() RETURNS trigger LANGUAGE plpgsql
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

CREATE CONSTRAINT TRIGGER license_dirty_settled AFTER INSERT ON license_dirty
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION settle_noted_at_commit('user', 'admin', 'user-access-admin');

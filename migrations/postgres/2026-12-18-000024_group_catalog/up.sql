-- Scale (issue #19): what a user's groups show, kept by the server between
-- reads (store::group_catalog).
--
-- A page of users shows each user's groups (name, directory) and the roles
-- their mappings grant. Groups, mappings, products and role implications
-- are few and change rarely, yet joining them to every membership of every
-- page was the largest part of a page's cost (on PostgreSQL 0.35-0.7 ms of
-- the database's ~1.05 ms a page of `active eq false` at 1M users). The
-- server keeps what it has read of them, tagged with this version, and
-- reads each membership's group id alone. Every change to what it keeps
-- counts here, in the same transaction as the change, so a read that finds
-- another version than the one its kept groups were read at reads them
-- again.
--
-- The count is made as the transaction commits (deferred constraint
-- triggers): one row that every such transaction updates is locked only
-- from then to the commit, so writers take turns on it without holding it
-- while they wait for anything else (no deadlock with the rows they wrote).
--
-- A group that is created needs no count: nothing kept names it yet.
CREATE TABLE group_catalog_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO group_catalog_version (id, version) VALUES (1, 0);

CREATE FUNCTION group_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE group_catalog_version SET version = version + 1;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER groups_catalog_update AFTER UPDATE ON "groups"
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name
   OR OLD.display_name_key IS DISTINCT FROM NEW.display_name_key
   OR OLD.directory_id IS DISTINCT FROM NEW.directory_id)
EXECUTE FUNCTION group_catalog_changed();
CREATE CONSTRAINT TRIGGER groups_catalog_delete AFTER DELETE ON "groups"
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
EXECUTE FUNCTION group_catalog_changed();

CREATE CONSTRAINT TRIGGER group_mappings_catalog_insert AFTER INSERT ON group_mappings
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
WHEN (NEW.group_id IS NOT NULL)
EXECUTE FUNCTION group_catalog_changed();
CREATE CONSTRAINT TRIGGER group_mappings_catalog_update AFTER UPDATE ON group_mappings
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
EXECUTE FUNCTION group_catalog_changed();
CREATE CONSTRAINT TRIGGER group_mappings_catalog_delete AFTER DELETE ON group_mappings
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
WHEN (OLD.group_id IS NOT NULL)
EXECUTE FUNCTION group_catalog_changed();

CREATE CONSTRAINT TRIGGER products_catalog_update AFTER UPDATE ON products
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.product_key IS DISTINCT FROM NEW.product_key)
EXECUTE FUNCTION group_catalog_changed();
CREATE CONSTRAINT TRIGGER products_catalog_delete AFTER DELETE ON products
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
EXECUTE FUNCTION group_catalog_changed();

CREATE CONSTRAINT TRIGGER role_implications_catalog_insert AFTER INSERT ON role_implications
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
EXECUTE FUNCTION group_catalog_changed();
CREATE CONSTRAINT TRIGGER role_implications_catalog_update AFTER UPDATE ON role_implications
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
EXECUTE FUNCTION group_catalog_changed();
CREATE CONSTRAINT TRIGGER role_implications_catalog_delete AFTER DELETE ON role_implications
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
EXECUTE FUNCTION group_catalog_changed();

-- Scale (issue #19): what a user's groups show, kept by the server between
-- reads (store::group_catalog).
--
-- A page of users shows each user's groups (name, directory) and the roles
-- their mappings grant. Groups, mappings, products and role implications
-- are few and change rarely, yet joining them to every membership of every
-- page was the largest part of a page's cost (32% of the server's CPU for
-- a page of `active eq false` at 1M users). The server keeps what it has
-- read of them, tagged with this version, and reads each membership's
-- group id alone. Every change to what it keeps counts here, in the same
-- transaction as the change, so a read that finds another version than
-- the one its kept groups were read at reads them again.
--
-- A group that is created needs no count: nothing kept names it yet.
CREATE TABLE group_catalog_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO group_catalog_version (id, version) VALUES (1, 0);

CREATE TRIGGER groups_catalog_update AFTER UPDATE ON "groups"
WHEN OLD.display_name IS NOT NEW.display_name
  OR OLD.display_name_key IS NOT NEW.display_name_key
  OR OLD.directory_id IS NOT NEW.directory_id
BEGIN
    UPDATE group_catalog_version SET version = version + 1;
END;
CREATE TRIGGER groups_catalog_delete AFTER DELETE ON "groups" BEGIN
    UPDATE group_catalog_version SET version = version + 1;
END;

CREATE TRIGGER group_mappings_catalog_insert AFTER INSERT ON group_mappings
WHEN NEW.group_id IS NOT NULL
BEGIN
    UPDATE group_catalog_version SET version = version + 1;
END;
CREATE TRIGGER group_mappings_catalog_update AFTER UPDATE ON group_mappings BEGIN
    UPDATE group_catalog_version SET version = version + 1;
END;
CREATE TRIGGER group_mappings_catalog_delete AFTER DELETE ON group_mappings
WHEN OLD.group_id IS NOT NULL
BEGIN
    UPDATE group_catalog_version SET version = version + 1;
END;

CREATE TRIGGER products_catalog_update AFTER UPDATE ON products
WHEN OLD.name IS NOT NEW.name OR OLD.product_key IS NOT NEW.product_key
BEGIN
    UPDATE group_catalog_version SET version = version + 1;
END;
CREATE TRIGGER products_catalog_delete AFTER DELETE ON products BEGIN
    UPDATE group_catalog_version SET version = version + 1;
END;

CREATE TRIGGER role_implications_catalog_insert AFTER INSERT ON role_implications BEGIN
    UPDATE group_catalog_version SET version = version + 1;
END;
CREATE TRIGGER role_implications_catalog_update AFTER UPDATE ON role_implications BEGIN
    UPDATE group_catalog_version SET version = version + 1;
END;
CREATE TRIGGER role_implications_catalog_delete AFTER DELETE ON role_implications BEGIN
    UPDATE group_catalog_version SET version = version + 1;
END;

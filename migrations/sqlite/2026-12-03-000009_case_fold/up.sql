-- One case fold everywhere (scim::fold): every SQLite connection now
-- replaces lower() with Gatehouse's Unicode fold. Keys folded before — by
-- Rust's to_lowercase, or by SQLite's ASCII-only lower() — are folded
-- again, and indexes on lower() rebuilt. Only text with a character
-- outside printable ASCII can fold differently, so only such rows are
-- touched. A key whose new fold another row already holds keeps its old
-- one rather than fail the upgrade (the two were already distinct).

UPDATE users SET user_name_key = lower(user_name)
WHERE user_name GLOB '*[^ -~]*'
  AND user_name_key <> lower(user_name)
  AND NOT EXISTS (SELECT 1 FROM users o
                  WHERE o.directory_id = users.directory_id
                    AND o.user_name_key = lower(users.user_name));

UPDATE "groups" SET display_name_key = lower(display_name)
WHERE display_name GLOB '*[^ -~]*'
  AND display_name_key <> lower(display_name)
  AND NOT EXISTS (SELECT 1 FROM "groups" o
                  WHERE o.directory_id = "groups".directory_id
                    AND o.display_name_key = lower("groups".display_name));

UPDATE sites SET name_key = lower(name)
WHERE name GLOB '*[^ -~]*'
  AND name_key <> lower(name)
  AND NOT EXISTS (SELECT 1 FROM sites o WHERE o.name_key = lower(sites.name));

UPDATE group_mappings SET group_name_key = lower(group_name)
WHERE group_name GLOB '*[^ -~]*' AND group_name_key <> lower(group_name);

DELETE FROM user_emails
WHERE user_id IN (SELECT id FROM users WHERE attributes GLOB '*[^ -~]*');
INSERT OR IGNORE INTO user_emails (user_id, value_key)
SELECT u.id, lower(json_extract(e.value, '$.value'))
FROM users u, json_each(u.attributes, '$.emails') AS e
WHERE u.attributes GLOB '*[^ -~]*'
  AND json_valid(u.attributes)
  AND json_extract(e.value, '$.value') IS NOT NULL;

-- Work the store and the access layer finish in Rust once, at the next
-- start: every index on lower() is rebuilt (those of registered extension
-- attributes have names not known here), and persons' email keys are
-- folded again from their accounts.
CREATE TABLE store_tasks (name TEXT PRIMARY KEY NOT NULL);
INSERT INTO store_tasks (name) VALUES ('reindex_folded'), ('refold_persons');

-- Fixed planner statistics for the new index (see 000005).
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('store_tasks', 'sqlite_autoindex_store_tasks_1', '2 1');

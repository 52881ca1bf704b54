-- One case fold everywhere (scim::fold), which is what lower() does under
-- the UTF-8 ctype the store checks for at open. Keys folded before by
-- Rust's to_lowercase (which differs for İ and a word-final Σ) are folded
-- again. Only text with a character outside printable ASCII can fold
-- differently, so only such rows are touched. A key whose new fold
-- another row already holds keeps its old one rather than fail the
-- upgrade (the two were already distinct).

UPDATE users SET user_name_key = lower(user_name)
WHERE user_name ~ '[^ -~]'
  AND user_name_key <> lower(user_name)
  AND NOT EXISTS (SELECT 1 FROM users o
                  WHERE o.directory_id = users.directory_id
                    AND o.user_name_key = lower(users.user_name));

UPDATE "groups" SET display_name_key = lower(display_name)
WHERE display_name ~ '[^ -~]'
  AND display_name_key <> lower(display_name)
  AND NOT EXISTS (SELECT 1 FROM "groups" o
                  WHERE o.directory_id = "groups".directory_id
                    AND o.display_name_key = lower("groups".display_name));

UPDATE sites SET name_key = lower(name)
WHERE name ~ '[^ -~]'
  AND name_key <> lower(name)
  AND NOT EXISTS (SELECT 1 FROM sites o WHERE o.name_key = lower(sites.name));

UPDATE group_mappings SET group_name_key = lower(group_name)
WHERE group_name ~ '[^ -~]' AND group_name_key <> lower(group_name);

DELETE FROM user_emails
WHERE user_id IN (SELECT id FROM users WHERE attributes ~ '[^ -~]');
INSERT INTO user_emails (user_id, value_key)
SELECT DISTINCT u.id, lower(e.v ->> 'value')
FROM users u, jsonb_array_elements(
    CASE WHEN jsonb_typeof(u.attributes::jsonb -> 'emails') = 'array'
         THEN u.attributes::jsonb -> 'emails' ELSE '[]'::jsonb END) AS e(v)
WHERE u.attributes ~ '[^ -~]'
  AND e.v ->> 'value' IS NOT NULL
ON CONFLICT DO NOTHING;

-- Work the access layer finishes in Rust once, at the next start:
-- persons' email keys folded again from their accounts. (Indexes need no
-- rebuilding here: lower() itself is unchanged.)
CREATE TABLE store_tasks (name TEXT PRIMARY KEY NOT NULL);
INSERT INTO store_tasks (name) VALUES ('refold_persons');

DELETE FROM sqlite_stat1 WHERE tbl = 'persons' OR idx = 'users_person';
DROP VIEW user_entitlements;
CREATE VIEW user_entitlements AS
SELECT m.member_id AS user_id,
       p.product_key AS product,
       p.name AS product_name,
       ri.grants AS role,
       p.product_key || ':' || ri.grants AS value,
       g.id AS group_id,
       g.display_name AS group_display,
       g.directory_id AS group_directory
FROM memberships m
JOIN users u ON u.id = m.member_id
JOIN group_mappings gm ON gm.group_id = m.group_id
JOIN "groups" g ON g.id = m.group_id
JOIN products p ON p.product_key = gm.product_key
JOIN role_implications ri ON ri.role = gm.role
WHERE u.active AND NOT u.suspended AND (NOT u.portal_only OR ri.grants = 'customer');
DROP INDEX users_person;
ALTER TABLE users DROP COLUMN email_verified;
ALTER TABLE users DROP COLUMN person_id;
DROP TABLE persons;

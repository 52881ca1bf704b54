-- simple.sql: the lookup without its memberships (the users row only), a random user each time.
\set i random(0, 999999)
SELECT u.id, u.directory_id, u.user_name, u.user_name_key, u.external_id, u.display_name, u.active, u.attributes, u.version, u.created_at, u.updated_at, u.portal_only, u.suspended, u.person_id, u.email_verified FROM users u WHERE u.directory_id = '01a24857-c102-707d-b3c6-80e602212ae5' AND u.user_name_key = 'user' || lpad(:i::text, 7, '0') || '@bench.example';

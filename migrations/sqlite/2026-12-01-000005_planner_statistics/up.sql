-- Fixed planner statistics: SQLite plans every database as the large
-- deployment it may become (10 directories of 100,000 users, 1,000 groups
-- each of ~500 members, 10M audit events), whatever it holds today.
--
-- Why not ANALYZE: with no statistics SQLite cannot tell a directory of a
-- million users from one of ten (`externalId eq` walked a whole directory
-- in creation order: 200 ms at 1M users); statistics gathered as a
-- database grows go stale (taken when `groups` held one row, they had a
-- user's groups read by scanning every group: 2.7 ms against 0.26 ms); and
-- a connection reads them only when it loads the schema. Fixed figures
-- give the same plans in tests as in production, and tests check those
-- plans (tests/integration/store.rs). SQLite documents hand-written
-- sqlite_stat1 rows as a way to keep plans stable.
--
-- Each row: tbl, idx, "rows, then rows per distinct value of the first
-- 1, 2, ... columns of the index". Every index must have a row (a test
-- checks): a new index needs one here, in a new migration.

-- Creates sqlite_stat1 without reading any table.
ANALYZE sqlite_schema;
DELETE FROM sqlite_stat1;
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('users', 'sqlite_autoindex_users_1', '1000000 1'),
    ('users', 'users_directory_user_name', '1000000 100000 1'),
    ('users', 'users_directory_external_id', '1000000 100000 1'),
    ('users', 'users_directory_created', '1000000 100000 1 1'),
    ('users', 'users_directory_display_name', '1000000 100000 2'),
    ('user_emails', 'sqlite_autoindex_user_emails_1', '1000000 1 1'),
    ('user_emails', 'user_emails_value', '1000000 1'),
    ('groups', 'sqlite_autoindex_groups_1', '10000 1'),
    ('groups', 'groups_directory_display_name', '10000 1000 1'),
    ('groups', 'groups_directory_external_id', '10000 1000 1'),
    ('groups', 'groups_directory_created', '10000 1000 1 1'),
    ('memberships', 'sqlite_autoindex_memberships_1', '5000000 500 1'),
    ('memberships', 'memberships_member', '5000000 5'),
    ('directories', 'sqlite_autoindex_directories_1', '10 1'),
    ('directory_tokens', 'sqlite_autoindex_directory_tokens_1', '20 1'),
    ('directory_tokens', 'sqlite_autoindex_directory_tokens_2', '20 1'),
    ('directory_tokens', 'directory_tokens_directory', '20 2'),
    ('sites', 'sqlite_autoindex_sites_1', '10 1'),
    ('sites', 'sqlite_autoindex_sites_2', '10 1'),
    ('products', 'sqlite_autoindex_products_1', '50 1'),
    ('products', 'sqlite_autoindex_products_2', '50 1'),
    ('products', 'products_site', '50 5'),
    ('group_mappings', 'sqlite_autoindex_group_mappings_1', '1000 1'),
    ('group_mappings', 'group_mappings_group', '1000 1'),
    ('group_mappings', 'group_mappings_product', '1000 20'),
    ('group_mappings', 'group_mappings_waiting', '10 1'),
    ('role_implications', 'sqlite_autoindex_role_implications_1', '6 2 1'),
    ('admin_tokens', 'sqlite_autoindex_admin_tokens_1', '10 1'),
    ('admin_tokens', 'sqlite_autoindex_admin_tokens_2', '10 1'),
    ('product_tokens', 'sqlite_autoindex_product_tokens_1', '10 1'),
    ('product_tokens', 'sqlite_autoindex_product_tokens_2', '10 1'),
    ('policies', 'sqlite_autoindex_policies_1', '50 1'),
    ('access_requests', 'sqlite_autoindex_access_requests_1', '100000 1'),
    ('access_requests', 'access_requests_status', '100000 25000 1 1'),
    ('access_requests', 'access_requests_subject_id', '100000 5 1'),
    ('access_requests', 'access_requests_subject_email', '100000 5 1'),
    ('invitations', 'sqlite_autoindex_invitations_1', '100000 1'),
    ('invitations', 'invitations_email', '100000 2'),
    ('guests', 'sqlite_autoindex_guests_1', '10000 1'),
    ('guests', 'guests_user_site', '10000 1 1'),
    ('guest_spaces', 'sqlite_autoindex_guest_spaces_1', '10000 1'),
    ('audit_events', 'audit_events_occurred', '10000000 1'),
    ('audit_events', 'audit_events_target', '10000000 10'),
    ('audit_events', 'audit_events_actor', '10000000 100000 1'),
    ('audit_events', 'audit_events_action', '10000000 200000 1');
-- This connection reads them now; others read them when they open.
ANALYZE sqlite_schema;

DROP TABLE sync_requests;
DROP TABLE sync_issues;
DROP TABLE unregistered_attributes;
DROP TABLE custom_schemas;
ALTER TABLE directories DROP COLUMN last_push_at;
ALTER TABLE directories DROP COLUMN strict_schema;
DELETE FROM sqlite_stat1 WHERE tbl IN ('custom_schemas', 'unregistered_attributes', 'sync_issues', 'sync_requests');

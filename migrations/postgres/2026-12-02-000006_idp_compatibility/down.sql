DROP TABLE sync_requests;
DROP TABLE sync_issues;
DROP TABLE unregistered_attributes;
DROP TABLE custom_schemas;
ALTER TABLE directories DROP COLUMN last_push_at;
ALTER TABLE directories DROP COLUMN strict_schema;

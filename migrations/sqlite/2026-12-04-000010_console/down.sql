DELETE FROM sqlite_stat1 WHERE tbl IN ('console_links', 'console_sessions', 'license_samples');
DROP TABLE license_samples;
DROP TABLE console_sessions;
DROP TABLE console_links;

DROP TABLE license_samples;
DROP TABLE console_sessions;
DROP TABLE console_links;

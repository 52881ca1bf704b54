-- Scale (issue #19): an auditor's "every contractor",
-- `emails[type eq "work" and value ew "@contractor.example"]`, read from
-- user_emails alone (store::email_filter). The suffix index found the
-- 20,000 addresses at 1M users in ~1 ms, but each then cost a lookup of
-- its user (the directory, 111 ms in all) and a test of the user's JSON
-- emails (the type, 43 ms): 1.7 s for the first page at eight clients.
--
-- So each row now carries its element's type, folded ('' when it has
-- none), its domain (the address from its last '@' on), and its
-- user's directory and creation time (neither ever changes). One address
-- may be listed under two types (work and home): the key grows by the
-- type. A user with two matching elements must count once: an address
-- ends with "@<domain>" exactly when its domain is that domain, so every
-- element at the domain matches, and each row says whether it is its
-- user's first element at its domain (by address, then type), and the
-- first of its type there. A whole domain of one type is then one range
-- of user_emails_domain, one entry per user, in creation order: counted
-- without sorting, paged without sorting. Other suffixes keep the
-- reversed addresses' range (now carrying the same columns).
--
-- The table is rebuilt (SQLite cannot change a primary key); the types
-- come from the users' JSON, matched by the folded address (lower() is
-- the store's Unicode fold here), and an address with no element in the
-- JSON (a local account's) has none. rtrim strips every character but
-- '@' from the right: what is left ends at the last '@'; an address
-- without one is its own domain (no `ew "@…"` can match it). The store
-- marks the rows the same way when it writes a user's emails.
CREATE TABLE user_emails_next (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    value_key TEXT NOT NULL,
    type_key TEXT NOT NULL DEFAULT '',
    value_reversed TEXT,
    directory_id TEXT NOT NULL,
    user_created_at BIGINT NOT NULL,
    domain_key TEXT NOT NULL,
    first_at_domain BOOLEAN NOT NULL,
    first_at_domain_of_type BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, value_key, type_key)
);
INSERT INTO user_emails_next
    (user_id, value_key, type_key, value_reversed, directory_id, user_created_at,
     domain_key, first_at_domain, first_at_domain_of_type)
SELECT user_id, value_key, type_key, value_reversed, directory_id, user_created_at, domain,
       row_number() OVER (PARTITION BY user_id, domain ORDER BY value_key, type_key) = 1,
       row_number() OVER (PARTITION BY user_id, domain, type_key ORDER BY value_key) = 1
FROM (
    SELECT DISTINCT o.user_id, o.value_key,
           coalesce(lower(json_extract(e.value, '$.type')), '') AS type_key,
           o.value_reversed, u.directory_id, u.created_at AS user_created_at,
           CASE WHEN instr(o.value_key, '@') > 0
                THEN '@' || replace(o.value_key, rtrim(o.value_key, replace(o.value_key, '@', '')), '')
                ELSE o.value_key END AS domain
    FROM user_emails o
    JOIN users u ON u.id = o.user_id
    LEFT JOIN json_each(CASE WHEN json_valid(u.attributes) THEN u.attributes END, '$.emails') AS e
        ON e.type = 'object' AND lower(json_extract(e.value, '$.value')) = o.value_key
);
DROP TABLE user_emails;
ALTER TABLE user_emails_next RENAME TO user_emails;
CREATE INDEX user_emails_value ON user_emails(value_key);
CREATE INDEX user_emails_reversed
    ON user_emails(value_reversed, type_key, directory_id, user_created_at, user_id);
CREATE INDEX user_emails_domain
    ON user_emails(domain_key, type_key, directory_id, first_at_domain_of_type,
                   user_created_at, user_id, first_at_domain);

-- Fixed planner statistics (see 000005), for the rebuilt table's indexes.
DELETE FROM sqlite_stat1 WHERE tbl IN ('user_emails', 'user_emails_next');
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('user_emails', 'sqlite_autoindex_user_emails_1', '1000000 1 1 1'),
    ('user_emails', 'user_emails_value', '1000000 1'),
    ('user_emails', 'user_emails_reversed', '1000000 1 1 1 1 1'),
    ('user_emails', 'user_emails_domain', '1000000 200000 100000 100000 100000 1 1 1');
ANALYZE sqlite_schema;

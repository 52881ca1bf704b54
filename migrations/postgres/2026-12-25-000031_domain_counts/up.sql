-- Scale (issue #19): how many of a directory's users have an address at
-- each email domain (of each type), counted ahead.
--
-- An auditor's `emails[type eq "work" and value ew "@contractor.example"]`
-- pages from `user_emails_domain` (migration 000018), but its first page
-- counted every matching index entry for its total: 20,000 at 1M users,
-- 3.2 ms of PostgreSQL's time a page (EXPLAIN ANALYZE: an index-only scan,
-- no heap fetches, ~160 ns an entry), a first page p99 of 47-59 ms at eight
-- auditors at once. A domain is what many users share, as a department
-- is, so it is kept as the department is (000020): +1/−1 rows in
-- `user_value_counts`, which `value_counts::fold` folds. The rows counted
-- are the ones the filter counts: a user's element marked first at its
-- domain (`first_at_domain`, attribute `emails.domain`) and first at its
-- domain of its type (`first_at_domain_of_type`, attribute
-- `emails.domain:<type>`), the value its domain. Only a domain as a filter
-- can name one (`@` and what follows the last `@`): an address without
-- `@` would be a value of its own, never asked for.
--
-- Email elements are only ever inserted and deleted (a user's emails are
-- replaced, a user's delete cascades); an update is counted too, as a
-- delete and an insert, so that no path can leave the totals wrong.
INSERT INTO user_value_counts (directory_id, attribute, value_key, users, folded)
    SELECT directory_id, attribute, domain_key, count(*), TRUE
    FROM (SELECT directory_id, 'emails.domain' AS attribute, domain_key
          FROM user_emails WHERE first_at_domain AND left(domain_key, 1) = '@'
          UNION ALL
          SELECT directory_id, 'emails.domain:' || type_key, domain_key
          FROM user_emails WHERE first_at_domain_of_type AND left(domain_key, 1) = '@') d
    GROUP BY directory_id, attribute, domain_key;

-- Each statement's elements, counted per domain in one insert (the
-- transition table is read twice: once for each attribute).
CREATE FUNCTION email_elements_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
        SELECT directory_id, attribute, domain_key, count(*)
        FROM (SELECT directory_id, 'emails.domain' AS attribute, domain_key
              FROM added WHERE first_at_domain AND left(domain_key, 1) = '@'
              UNION ALL
              SELECT directory_id, 'emails.domain:' || type_key, domain_key
              FROM added WHERE first_at_domain_of_type AND left(domain_key, 1) = '@') d
        GROUP BY directory_id, attribute, domain_key;
    RETURN NULL;
END $$;
CREATE TRIGGER user_emails_added AFTER INSERT ON user_emails
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION email_elements_added();

CREATE FUNCTION email_elements_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
        SELECT directory_id, attribute, domain_key, -count(*)
        FROM (SELECT directory_id, 'emails.domain' AS attribute, domain_key
              FROM removed WHERE first_at_domain AND left(domain_key, 1) = '@'
              UNION ALL
              SELECT directory_id, 'emails.domain:' || type_key, domain_key
              FROM removed WHERE first_at_domain_of_type AND left(domain_key, 1) = '@') d
        GROUP BY directory_id, attribute, domain_key;
    RETURN NULL;
END $$;
CREATE TRIGGER user_emails_removed AFTER DELETE ON user_emails
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION email_elements_removed();

CREATE FUNCTION email_elements_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
        SELECT directory_id, attribute, domain_key, sum(n)
        FROM (SELECT directory_id, 'emails.domain' AS attribute, domain_key, -1 AS n
              FROM before_rows WHERE first_at_domain AND left(domain_key, 1) = '@'
              UNION ALL
              SELECT directory_id, 'emails.domain:' || type_key, domain_key, -1
              FROM before_rows WHERE first_at_domain_of_type AND left(domain_key, 1) = '@'
              UNION ALL
              SELECT directory_id, 'emails.domain', domain_key, 1
              FROM after_rows WHERE first_at_domain AND left(domain_key, 1) = '@'
              UNION ALL
              SELECT directory_id, 'emails.domain:' || type_key, domain_key, 1
              FROM after_rows WHERE first_at_domain_of_type AND left(domain_key, 1) = '@') d
        GROUP BY directory_id, attribute, domain_key
        HAVING sum(n) <> 0;
    RETURN NULL;
END $$;
CREATE TRIGGER user_emails_changed AFTER UPDATE ON user_emails
    REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
    FOR EACH STATEMENT EXECUTE FUNCTION email_elements_changed();

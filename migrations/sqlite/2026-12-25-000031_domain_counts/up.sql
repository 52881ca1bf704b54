-- Scale (issue #19): how many of a directory's users have an address at
-- each email domain (of each type), counted ahead, as on PostgreSQL (see
-- its migration of the same name): +1/−1 rows in `user_value_counts` for
-- each element marked first at its domain (attribute `emails.domain`) and
-- first at its domain of its type (`emails.domain:<type>`), the value its
-- domain, when the domain is one a filter can name (it starts with `@`).
-- An auditor's first page of a domain counted every matching entry of
-- `user_emails_domain` for its total (20,000 at 1M users).
INSERT INTO user_value_counts (directory_id, attribute, value_key, users, folded)
    SELECT directory_id, attribute, domain_key, count(*), 1
    FROM (SELECT directory_id, 'emails.domain' AS attribute, domain_key
          FROM user_emails WHERE first_at_domain AND substr(domain_key, 1, 1) = '@'
          UNION ALL
          SELECT directory_id, 'emails.domain:' || type_key, domain_key
          FROM user_emails WHERE first_at_domain_of_type AND substr(domain_key, 1, 1) = '@')
    GROUP BY directory_id, attribute, domain_key;

CREATE TRIGGER user_emails_domain_added AFTER INSERT ON user_emails
WHEN substr(NEW.domain_key, 1, 1) = '@' AND (NEW.first_at_domain OR NEW.first_at_domain_of_type)
BEGIN
    INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
        SELECT NEW.directory_id, 'emails.domain', NEW.domain_key, 1 WHERE NEW.first_at_domain;
    INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
        SELECT NEW.directory_id, 'emails.domain:' || NEW.type_key, NEW.domain_key, 1
        WHERE NEW.first_at_domain_of_type;
END;

CREATE TRIGGER user_emails_domain_removed AFTER DELETE ON user_emails
WHEN substr(OLD.domain_key, 1, 1) = '@' AND (OLD.first_at_domain OR OLD.first_at_domain_of_type)
BEGIN
    INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
        SELECT OLD.directory_id, 'emails.domain', OLD.domain_key, -1 WHERE OLD.first_at_domain;
    INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
        SELECT OLD.directory_id, 'emails.domain:' || OLD.type_key, OLD.domain_key, -1
        WHERE OLD.first_at_domain_of_type;
END;

-- Elements are only inserted and deleted; an update of what is counted
-- moves the counts as a delete and an insert would (filling in
-- `value_reversed`, store::tasks, does not fire it).
CREATE TRIGGER user_emails_domain_changed
AFTER UPDATE OF directory_id, type_key, domain_key, first_at_domain, first_at_domain_of_type
ON user_emails
BEGIN
    INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
        SELECT OLD.directory_id, 'emails.domain', OLD.domain_key, -1
        WHERE OLD.first_at_domain AND substr(OLD.domain_key, 1, 1) = '@';
    INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
        SELECT OLD.directory_id, 'emails.domain:' || OLD.type_key, OLD.domain_key, -1
        WHERE OLD.first_at_domain_of_type AND substr(OLD.domain_key, 1, 1) = '@';
    INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
        SELECT NEW.directory_id, 'emails.domain', NEW.domain_key, 1
        WHERE NEW.first_at_domain AND substr(NEW.domain_key, 1, 1) = '@';
    INSERT INTO user_value_counts (directory_id, attribute, value_key, users)
        SELECT NEW.directory_id, 'emails.domain:' || NEW.type_key, NEW.domain_key, 1
        WHERE NEW.first_at_domain_of_type AND substr(NEW.domain_key, 1, 1) = '@';
END;

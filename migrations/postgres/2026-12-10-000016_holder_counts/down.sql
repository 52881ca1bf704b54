DROP TRIGGER persons_holder_counts ON persons;
DROP FUNCTION group_holder_count_person();
DROP TRIGGER users_holder_counts ON users;
DROP FUNCTION group_holder_count_user();
DROP FUNCTION holds_access(BOOLEAN, BOOLEAN, BOOLEAN, TEXT, BOOLEAN);
DROP TRIGGER users_leave_groups ON users;
DROP FUNCTION user_leaves_groups();
CREATE OR REPLACE FUNCTION group_user_count_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO group_user_counts (group_id, users)
        SELECT group_id, count(*) FROM added WHERE member_type = 'User'
        GROUP BY group_id ORDER BY group_id
        ON CONFLICT (group_id) DO UPDATE SET users = group_user_counts.users + EXCLUDED.users;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION group_user_count_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE group_user_counts c SET users = c.users - r.n
        FROM (SELECT group_id, count(*) AS n FROM removed WHERE member_type = 'User'
              GROUP BY group_id) r
        WHERE c.group_id = r.group_id;
    RETURN NULL;
END $$;
ALTER TABLE group_user_counts DROP COLUMN customer_holders;
ALTER TABLE group_user_counts DROP COLUMN holders;

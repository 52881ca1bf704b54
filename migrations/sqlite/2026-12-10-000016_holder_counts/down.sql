DROP TRIGGER persons_holder_counts;
DROP TRIGGER users_holder_counts;
DROP TRIGGER users_leave_groups;
DROP TRIGGER memberships_count_delete;
DROP TRIGGER memberships_count_insert;
CREATE TRIGGER memberships_count_insert AFTER INSERT ON memberships
WHEN NEW.member_type = 'User'
BEGIN
    INSERT INTO group_user_counts (group_id, users) VALUES (NEW.group_id, 1)
        ON CONFLICT (group_id) DO UPDATE SET users = users + 1;
END;
CREATE TRIGGER memberships_count_delete AFTER DELETE ON memberships
WHEN OLD.member_type = 'User'
BEGIN
    UPDATE group_user_counts SET users = users - 1 WHERE group_id = OLD.group_id;
END;
ALTER TABLE group_user_counts DROP COLUMN customer_holders;
ALTER TABLE group_user_counts DROP COLUMN holders;

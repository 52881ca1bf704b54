DROP INDEX memberships_group_granted;

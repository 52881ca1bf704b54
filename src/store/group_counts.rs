//! Each group's users, counted ahead (`group_user_counts`): how many it
//! has, and how many of them hold access. Triggers keep them with every
//! write to memberships, users and persons (migrations 000014 and 000016),
//! so a filter's total over a group is a lookup, not a count of up to
//! 200,000 members.

use diesel::prelude::*;

use super::conn::DbConn;
use super::schema::{group_user_counts, groups};
use super::sql_filter::SqlCondition;

/// The group's users (0 for a group without any).
pub fn users(conn: &mut DbConn, group_id: &str) -> QueryResult<i64> {
    group_user_counts::table
        .find(group_id)
        .select(group_user_counts::users)
        .first(conn)
        .optional()
        .map(Option::unwrap_or_default)
}

/// The group's users holding the access its mappings grant, as the
/// `user_entitlements` view decides it: active, not suspended, their
/// person live, and not portal-only unless the role is `customer`.
pub fn holders(conn: &mut DbConn, group_id: &str, customer_role: bool) -> QueryResult<i64> {
    let row = group_user_counts::table.find(group_id);
    if customer_role {
        row.select(group_user_counts::customer_holders).first(conn)
    } else {
        row.select(group_user_counts::holders).first(conn)
    }
    .optional()
    .map(Option::unwrap_or_default)
}

/// The groups whose kept counts differ from their memberships counted
/// now: none, unless a write went around the triggers. The proof the
/// tests hold the triggers to.
pub fn drifted(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    // Each kept column against a recount of the group's user memberships
    // under the view's access conditions.
    const DRIFT: &str = "\
        coalesce((SELECT c.users FROM group_user_counts c WHERE c.group_id = \"groups\".id), 0) \
            <> (SELECT count(*) FROM memberships m \
                WHERE m.group_id = \"groups\".id AND m.member_type = 'User') \
        OR coalesce((SELECT c.holders FROM group_user_counts c WHERE c.group_id = \"groups\".id), 0) \
            <> (SELECT count(*) FROM memberships m JOIN users u ON u.id = m.member_id \
                LEFT JOIN persons pe ON pe.id = u.person_id \
                WHERE m.group_id = \"groups\".id AND m.member_type = 'User' \
                  AND u.active AND NOT u.suspended AND coalesce(pe.live, u.active) \
                  AND NOT u.portal_only) \
        OR coalesce((SELECT c.customer_holders FROM group_user_counts c WHERE c.group_id = \"groups\".id), 0) \
            <> (SELECT count(*) FROM memberships m JOIN users u ON u.id = m.member_id \
                LEFT JOIN persons pe ON pe.id = u.person_id \
                WHERE m.group_id = \"groups\".id AND m.member_type = 'User' \
                  AND u.active AND NOT u.suspended AND coalesce(pe.live, u.active))";
    groups::table
        .filter(SqlCondition::new().sql(DRIFT))
        .select(groups::id)
        .order(groups::id)
        .load(conn)
}

//! Reads of the `user_entitlements` view: effective access and license use.

use std::collections::BTreeSet;

use diesel::dsl::count;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::conn::DbConn;
use super::dialect::{columns_of, load_direct};
use super::id_list::{IdList, OverIds};
use super::models::EntitlementRow;
use super::schema::user_entitlements as e;

/// The roles that consume a license of their product.
pub const LICENSED_ROLES: [&str; 3] = ["user", "admin", "user-access-admin"];

/// The entitlement rows of these users, by user, product and role (an id
/// listed twice has its rows twice).
pub fn of_users(conn: &mut DbConn, user_ids: &[String]) -> QueryResult<Vec<EntitlementRow>> {
    // One user (a lookup, a single read: the hot path of every
    // `userName eq`) keeps its plain `=` statement, with no list to
    // encode and read back; the list statement is for pages.
    let one = match user_ids {
        [] => return Ok(Vec::new()),
        [one] => one,
        _ => return load_direct(conn, IdList::<EntitlementsOfUsers>::new(user_ids)),
    };
    load_direct(
        conn,
        e::table
            .filter(e::user_id.eq(one))
            .order((e::product, e::role, e::group_display, e::group_id))
            .select(columns_of::<EntitlementRow>()),
    )
}

/// The view's rows of each listed user (`ids`), as `e`: joined on SQLite;
/// on PostgreSQL a subquery per user that `OFFSET 0` keeps apart (see
/// `EntitlementsOfUsers` for why).
const EACH_USERS_SQLITE: &str = " JOIN user_entitlements e ON e.user_id = ids.value";
const EACH_USERS_POSTGRES: &str = " CROSS JOIN LATERAL \
     (SELECT * FROM user_entitlements WHERE user_id = ids.id OFFSET 0) e";

/// The entitlement rows of a list of users (a page of them), each user's
/// read from the view apart. Asked for `user_id = ANY($1)`, PostgreSQL's
/// planner drove from the mapped groups and filtered each group's
/// memberships by the list: at 100,000 users, 50,000 entries of the big
/// group read to find 100 rows (EXPLAIN ANALYZE: 17.8 ms against 2.7 ms
/// this way) — the plan of any directory whose "everyone" group is
/// mapped. The `OFFSET 0` keeps the per-user subquery from being
/// flattened back into that join.
pub struct EntitlementsOfUsers;

impl OverIds for EntitlementsOfUsers {
    type SqlType = (Text, Text, Text, Text, Text, Text, Text, Text, Text, BigInt);
    const SELECT: &'static str = "SELECT e.user_id, e.person_id, e.product, e.product_name, \
         e.role, e.value, e.group_id, e.group_display, e.group_directory, e.granted_at";
    const SQLITE: &'static str = EACH_USERS_SQLITE;
    const POSTGRES: &'static str = EACH_USERS_POSTGRES;
    const TAIL: &'static str =
        " ORDER BY e.user_id, e.product, e.role, e.group_display, e.group_id";
}

/// The (product, person) pairs of a licensed role these accounts hold: what
/// their persons' licenses must be (`licenses::settle`, after every write
/// that may move one). Read user by user, as a page's entitlements are
/// (`EntitlementsOfUsers`): asked for `user_id = ANY($1)`, PostgreSQL
/// drove from the mapped groups and filtered each one's memberships by
/// the list, so a 50-member add to a 10,000-member mapped group on a
/// 20,000-user directory read 10,200 memberships to find 50 accounts'
/// rows (auto_explain: 9.2 ms of an 18 ms PATCH).
pub fn licensed_of_users(
    conn: &mut DbConn,
    user_ids: &[String],
) -> QueryResult<BTreeSet<(String, String)>> {
    if user_ids.is_empty() {
        return Ok(BTreeSet::new());
    }
    let rows: Vec<(String, String, String)> =
        load_direct(conn, IdList::<ProductRolesOfUsers>::new(user_ids))?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, role)| LICENSED_ROLES.contains(&role.as_str()))
        .map(|(product, person, _)| (product, person))
        .collect())
}

/// Each of a list of users' (product, person, role) rows, each user's read
/// from the view apart (see `EntitlementsOfUsers`). The roles are kept to
/// the licensed ones by the caller: a user has a row for each mapped group
/// it is in, a handful.
pub struct ProductRolesOfUsers;

impl OverIds for ProductRolesOfUsers {
    type SqlType = (Text, Text, Text);
    const SELECT: &'static str = "SELECT e.product, e.person_id, e.role";
    const SQLITE: &'static str = EACH_USERS_SQLITE;
    const POSTGRES: &'static str = EACH_USERS_POSTGRES;
    const TAIL: &'static str = "";
}

/// Licenses of one product in use, counted from the view: persons holding
/// a licensed role on it (through any of their accounts; one license
/// however many reach it). The domain reads the kept count
/// (`store::licenses`); this is what it must always equal.
pub fn counted_licenses(conn: &mut DbConn, product: &str) -> QueryResult<i64> {
    e::table
        .filter(e::product.eq(product))
        .filter(e::role.eq_any(LICENSED_ROLES))
        .select(count(e::person_id).aggregate_distinct())
        .first(conn)
}

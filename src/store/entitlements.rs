//! Reads of the `user_entitlements` view: effective access and license use.

use diesel::dsl::count;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Text};
use diesel::sqlite::Sqlite;

use super::conn::DbConn;
use super::dialect::{columns_of, load_direct};
use super::models::EntitlementRow;
use super::schema::user_entitlements as e;

/// The roles that consume a license of their product.
pub const LICENSED_ROLES: [&str; 3] = ["user", "admin", "user-access-admin"];

/// The entitlement rows of these users, by user, product and role (an id
/// listed twice has its rows twice).
pub fn of_users(conn: &mut DbConn, user_ids: &[String]) -> QueryResult<Vec<EntitlementRow>> {
    // One user (a lookup, a single read), the common case, is asked for
    // by `=`: a statement of its own, prepared once.
    let one = match user_ids {
        [] => return Ok(Vec::new()),
        [one] => one,
        _ => return load_direct(conn, OfUsers::new(user_ids)),
    };
    load_direct(
        conn,
        e::table
            .filter(e::user_id.eq(one))
            .order((e::product, e::role, e::group_display, e::group_id))
            .select(columns_of::<EntitlementRow>()),
    )
}

/// The entitlement rows of a list of users (a page of them), as one
/// statement of fixed text that takes the list as one value: a JSON array
/// on SQLite (`json_each`), an array on PostgreSQL. Both databases then
/// keep it prepared (diesel prepares `IN (?, ?, …)` anew each time), and
/// both read the view one user at a time from `memberships_member`.
///
/// On PostgreSQL the shape matters most. Asked for `user_id = ANY($1)`,
/// the planner drove from the mapped groups and filtered each group's
/// memberships by the list: at 100,000 users, 50,000 entries of the big
/// group read to find 100 rows (EXPLAIN ANALYZE: 17.8 ms against 2.7 ms
/// this way), and four times that at 1M users. The `OFFSET 0` keeps the
/// per-user subquery from being flattened back into that join.
#[derive(Debug)]
struct OfUsers {
    ids: Vec<String>,
    /// The ids as a JSON array, for SQLite.
    json: String,
}

const OF_USERS_COLUMNS: &str = "e.user_id, e.person_id, e.product, e.product_name, e.role, \
     e.value, e.group_id, e.group_display, e.group_directory, e.granted_at";

/// After the list on SQLite: each id's rows of the view.
const OF_USERS_SQLITE_JOIN: &str = ") AS ids JOIN user_entitlements e ON e.user_id = ids.value";

/// After the list on PostgreSQL: each id's rows of the view, read apart.
const OF_USERS_PG_JOIN: &str = ") AS ids(id) CROSS JOIN LATERAL \
     (SELECT * FROM user_entitlements WHERE user_id = ids.id OFFSET 0) e";

const OF_USERS_ORDER: &str = " ORDER BY e.user_id, e.product, e.role, e.group_display, e.group_id";

impl OfUsers {
    fn new(ids: &[String]) -> OfUsers {
        OfUsers {
            ids: ids.to_vec(),
            json: serde_json::Value::from(ids.to_vec()).to_string(),
        }
    }
}

impl QueryId for OfUsers {
    type QueryId = OfUsers;
    // One text per backend: prepared once, found again by type.
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl Query for OfUsers {
    type SqlType = (Text, Text, Text, Text, Text, Text, Text, Text, Text, BigInt);
}

impl<Conn> RunQueryDsl<Conn> for OfUsers {}

impl QueryFragment<Sqlite> for OfUsers {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_sql("SELECT ");
        out.push_sql(OF_USERS_COLUMNS);
        out.push_sql(" FROM json_each(");
        out.push_bind_param::<Text, _>(&self.json)?;
        out.push_sql(OF_USERS_SQLITE_JOIN);
        out.push_sql(OF_USERS_ORDER);
        Ok(())
    }
}

impl QueryFragment<Pg> for OfUsers {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("SELECT ");
        out.push_sql(OF_USERS_COLUMNS);
        out.push_sql(" FROM unnest(");
        out.push_bind_param::<Array<Text>, _>(&self.ids)?;
        out.push_sql(OF_USERS_PG_JOIN);
        out.push_sql(OF_USERS_ORDER);
        Ok(())
    }
}

/// The statement `of_users` runs for a list of users, with the list
/// written in as a literal (`EXPLAIN` in the plan tests).
pub fn of_users_statement(backend: super::Backend, user_ids: &[&str]) -> String {
    let quoted = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let (list, join) = match backend {
        super::Backend::Sqlite => (
            format!(
                "json_each({}",
                quoted(&serde_json::json!(user_ids).to_string())
            ),
            OF_USERS_SQLITE_JOIN,
        ),
        super::Backend::Postgres => {
            let ids: Vec<String> = user_ids.iter().map(|id| quoted(id)).collect();
            (
                format!("unnest(ARRAY[{}]::text[]", ids.join(", ")),
                OF_USERS_PG_JOIN,
            )
        }
    };
    format!("SELECT {OF_USERS_COLUMNS} FROM {list}{join}{OF_USERS_ORDER}")
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

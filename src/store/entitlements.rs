//! Reads of the `user_entitlements` view: effective access and license use.

use diesel::dsl::count;
use diesel::prelude::*;

use super::conn::DbConn;
use super::dialect::{columns_of, load_direct};
use super::models::EntitlementRow;
use super::schema::user_entitlements as e;

/// The roles that consume a license of their product.
pub const LICENSED_ROLES: [&str; 3] = ["user", "admin", "user-access-admin"];

/// The entitlement rows of these users, by user, product and role.
pub fn of_users(conn: &mut DbConn, user_ids: &[String]) -> QueryResult<Vec<EntitlementRow>> {
    // One user (a lookup, a single read) is the common case: `=` keeps the
    // statement the same text every time, so it is prepared once and
    // cached, where `IN (…)` is compiled anew each time.
    if let [one] = user_ids {
        return load_direct(
            conn,
            e::table
                .filter(e::user_id.eq(one))
                .order((e::product, e::role, e::group_display, e::group_id))
                .select(columns_of::<EntitlementRow>()),
        );
    }
    let mut out = Vec::new();
    for chunk in user_ids.chunks(500) {
        out.extend(
            e::table
                .filter(e::user_id.eq_any(chunk))
                .order((
                    e::user_id,
                    e::product,
                    e::role,
                    e::group_display,
                    e::group_id,
                ))
                .select(EntitlementRow::as_select())
                .load(conn)?,
        );
    }
    Ok(out)
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

//! Report queries over the derived entitlements.

use diesel::prelude::*;

use super::conn::{DbConn, MultiBackend};
use super::entitlements::LICENSED_ROLES;
use super::models::EntitlementRow;
use super::schema::{memberships, user_entitlements as e, users};

/// Entitlement rows with the user's userName; one product's when given.
pub fn access(
    conn: &mut DbConn,
    product: Option<&str>,
) -> QueryResult<Vec<(EntitlementRow, String)>> {
    let mut q = e::table
        .inner_join(users::table.on(users::id.eq(e::user_id)))
        .into_boxed::<MultiBackend>();
    if let Some(p) = product {
        q = q.filter(e::product.eq(p.to_owned()));
    }
    q.order((e::product, e::role, users::user_name_key, e::group_display))
        .select((EntitlementRow::as_select(), users::user_name))
        .load(conn)
}

/// A licensed role held through a local group, with the membership behind it.
#[derive(Debug, Clone, Queryable)]
pub struct NonSyncedRow {
    pub user_id: String,
    pub user_name: String,
    pub product: String,
    pub role: String,
    pub group_id: String,
    pub group_display: String,
    pub source: String,
    pub actor: String,
    pub since: i64,
    pub reason: Option<String>,
}

/// Licensed access that did not come from a synced group; only these
/// products' when given.
pub fn non_synced(
    conn: &mut DbConn,
    products: Option<&[String]>,
) -> QueryResult<Vec<NonSyncedRow>> {
    let mut q = e::table
        .inner_join(users::table.on(users::id.eq(e::user_id)))
        .inner_join(
            memberships::table.on(memberships::group_id
                .eq(e::group_id)
                .and(memberships::member_id.eq(e::user_id))),
        )
        .filter(e::group_directory.eq(super::directories::LOCAL_DIRECTORY))
        .filter(e::role.eq_any(LICENSED_ROLES))
        .into_boxed::<MultiBackend>();
    if let Some(p) = products {
        q = q.filter(e::product.eq_any(p.to_vec()));
    }
    q.order((e::product, users::user_name_key, e::role))
        .select((
            e::user_id,
            users::user_name,
            e::product,
            e::role,
            e::group_id,
            e::group_display,
            memberships::source,
            memberships::actor,
            memberships::created_at,
            memberships::reason,
        ))
        .load(conn)
}

/// `(person, email, account, product, role)` for every role held by a
/// managed person none of whose identities is active. Liveness is worked
/// out here from the identities, not read from `persons.live`.
#[allow(clippy::type_complexity)]
pub fn leavers(
    conn: &mut DbConn,
) -> QueryResult<Vec<(String, Option<String>, String, String, String)>> {
    use super::schema::{persons, user_entitlements as e, users};
    let active_identity = users::table
        .filter(users::person_id.eq(persons::id.nullable()))
        .filter(users::directory_id.ne(super::directories::LOCAL_DIRECTORY))
        .filter(users::active.eq(true));
    e::table
        .inner_join(persons::table.on(persons::id.eq(e::person_id)))
        .filter(persons::managed.eq(true))
        .filter(diesel::dsl::not(diesel::dsl::exists(active_identity)))
        .select((
            persons::id,
            persons::email_key,
            e::user_id,
            e::product,
            e::role,
        ))
        .distinct()
        .order((persons::id, e::product, e::role))
        .load(conn)
}

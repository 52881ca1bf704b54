//! Report queries over the derived entitlements.

use diesel::dsl;
use diesel::prelude::*;

use super::conn::{DbConn, MultiBackend};
use super::entitlements::LICENSED_ROLES;
use super::schema::{memberships, user_entitlements as e, users};

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
    let mut q = non_synced_rows();
    if let Some(p) = products {
        q = q.filter(e::product.eq_any(p.to_vec()));
    }
    q.order((e::product, users::user_name_key, e::role))
        .select(non_synced_columns())
        .load(conn)
}

/// The non-synced rows of one product for these accounts, by account,
/// role and group.
pub fn non_synced_of(
    conn: &mut DbConn,
    product: &str,
    user_ids: &[String],
) -> QueryResult<Vec<NonSyncedRow>> {
    non_synced_rows()
        .filter(e::product.eq(product.to_owned()))
        .filter(e::user_id.eq_any(user_ids.to_vec()))
        .order((e::user_id, e::role, e::group_display, e::group_id))
        .select(non_synced_columns())
        .load(conn)
}

/// A [`NonSyncedRow`]'s columns.
#[diesel::dsl::auto_type]
fn non_synced_columns() -> _ {
    (
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
    )
}

/// The view's rows with their users, and the memberships behind them.
type WithMemberships = dsl::InnerJoinOn<
    dsl::InnerJoinOn<e::table, users::table, dsl::Eq<users::id, e::user_id>>,
    memberships::table,
    dsl::And<
        dsl::Eq<memberships::group_id, e::group_id>,
        dsl::Eq<memberships::member_id, e::user_id>,
    >,
>;

/// [`non_synced_rows`]: local groups' licensed roles.
type NonSyncedRows<'a> = dsl::IntoBoxed<
    'a,
    dsl::Filter<
        dsl::Filter<WithMemberships, dsl::Eq<e::group_directory, &'static str>>,
        dsl::EqAny<e::role, [&'static str; 3]>,
    >,
    MultiBackend,
>;

/// Licensed roles held through local groups, with their memberships.
fn non_synced_rows<'a>() -> NonSyncedRows<'a> {
    e::table
        .inner_join(users::table.on(users::id.eq(e::user_id)))
        .inner_join(
            memberships::table.on(memberships::group_id
                .eq(e::group_id)
                .and(memberships::member_id.eq(e::user_id))),
        )
        .filter(e::group_directory.eq(super::directories::LOCAL_DIRECTORY))
        .filter(e::role.eq_any(LICENSED_ROLES))
        .into_boxed()
}

/// `(person, email, account, product, role)` for every role held by a
/// managed person none of whose identities is active. Liveness is worked
/// out here from the identities, not read from `persons.live`.
///
/// Such a role can only be held through an active *local* account (an
/// active account in an IdP's directory is itself an active identity), so
/// the search starts from the local accounts, 500 at a time, instead of
/// reading every entitlement: at 100k users with 20k licensed, 93 ms
/// became the time to list the local accounts.
#[allow(clippy::type_complexity)]
pub fn leavers(
    conn: &mut DbConn,
) -> QueryResult<Vec<(String, Option<String>, String, String, String)>> {
    use super::schema::{persons, user_entitlements as e, users};
    let local: Vec<String> = users::table
        .filter(users::directory_id.eq(super::directories::LOCAL_DIRECTORY))
        .filter(users::active.eq(true))
        .select(users::id)
        .load(conn)?;
    let mut out = Vec::new();
    for chunk in local.chunks(500) {
        let active_identity = users::table
            .filter(users::person_id.eq(persons::id.nullable()))
            .filter(users::directory_id.ne(super::directories::LOCAL_DIRECTORY))
            .filter(users::active.eq(true));
        out.extend(
            e::table
                .inner_join(persons::table.on(persons::id.eq(e::person_id)))
                .filter(e::user_id.eq_any(chunk))
                .filter(persons::managed.eq(true))
                .filter(diesel::dsl::not(diesel::dsl::exists(active_identity)))
                .select((
                    persons::id,
                    persons::email_key,
                    e::user_id,
                    e::product,
                    e::role,
                ))
                .load::<(String, Option<String>, String, String, String)>(conn)?,
        );
    }
    out.sort_by(|a, b| (&a.0, &a.3, &a.4, &a.2).cmp(&(&b.0, &b.3, &b.4, &b.2)));
    out.dedup();
    Ok(out)
}

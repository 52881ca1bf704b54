//! The queries behind the access report (`access::access_report`), one
//! `(product, role)` at a time.
//!
//! The report lists lines in (product, role, userName) order. Read as one
//! query, the database sorts every row of the view before the first line
//! comes out: 194,000 rows at 1M users, ~1 s on SQLite and ~2.4 s on
//! PostgreSQL for a page of 100. So the report is read pair by pair, and
//! each pair one of three ways, per directory:
//!
//! - [`holders_by_name`]: the directory's users in userName order (its
//!   unique index), each probed for a membership of a granting group, then
//!   [`rows_of`] for the users found. Cheap when holders are dense and few
//!   lines are wanted: a product mapped from a 200,000-member group. Where
//!   the names ahead turn out to hold few holders (past the last of them,
//!   say), the same holders are found from the groups' members instead.
//! - the same [`holders_by_name`] from the granting groups' members,
//!   sorted by name: cheap when the pair has few holders (or few granted
//!   from a time on: `memberships_group_granted`, migration 000019).
//! - [`rows_sorted`]: the pair's rows for the directory, sorted: the whole
//!   report at once.
//!
//! Each gives a directory's lines in the database's userName order (keys
//! are unique in a directory), from after a given key, so the caller may
//! take any way for any stretch and get the same lines.

use std::collections::BTreeMap;

use diesel::prelude::*;

use super::conn::{DbConn, MultiBackend};
use super::holder_filter::holds_access;
use super::models::EntitlementRow;
use super::schema::{
    group_mappings, group_user_counts, groups, memberships, products, role_implications,
    user_entitlements as e, users,
};

/// A group granting a role, with how many of its users hold access (kept
/// by triggers: `store::group_counts`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantingGroup {
    pub group_id: String,
    pub directory_id: String,
    pub holders: i64,
}

/// A role on a product, as the report lists it, and the groups granting it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantedRole {
    pub product: String,
    pub role: String,
    pub groups: Vec<GrantingGroup>,
}

impl GrantedRole {
    /// Portal-only customers hold the `customer` role and nothing else.
    pub fn is_customer(&self) -> bool {
        self.role == "customer"
    }
}

/// Every role the mappings grant on existing products (one product's when
/// given), in (product, role) order, with the groups granting it: the
/// `user_entitlements` view's mappings, through the role implications.
pub fn granted_roles(conn: &mut DbConn, product: Option<&str>) -> QueryResult<Vec<GrantedRole>> {
    let mut q = group_mappings::table
        .inner_join(products::table)
        .inner_join(groups::table.on(groups::id.nullable().eq(group_mappings::group_id)))
        .into_boxed::<MultiBackend>();
    if let Some(p) = product {
        q = q.filter(group_mappings::product_key.eq(p.to_owned()));
    }
    let mappings: Vec<(String, String, String, String)> = q
        .select((
            group_mappings::product_key,
            group_mappings::role,
            groups::id,
            groups::directory_id,
        ))
        .load(conn)?;
    let implied: Vec<(String, String)> = role_implications::table
        .select((role_implications::role, role_implications::grants))
        .load(conn)?;
    let group_ids: Vec<&String> = mappings.iter().map(|m| &m.2).collect();
    let counts: BTreeMap<String, (i64, i64)> = group_user_counts::table
        .filter(group_user_counts::group_id.eq_any(group_ids))
        .select((
            group_user_counts::group_id,
            (
                group_user_counts::holders,
                group_user_counts::customer_holders,
            ),
        ))
        .load::<(String, (i64, i64))>(conn)?
        .into_iter()
        .collect();
    let mut roles: BTreeMap<(String, String), Vec<GrantingGroup>> = BTreeMap::new();
    for (product, mapped, group_id, directory_id) in mappings {
        for (_, granted) in implied.iter().filter(|(role, _)| *role == mapped) {
            let (holders, customer_holders) = counts.get(&group_id).copied().unwrap_or_default();
            let holders = if granted == "customer" {
                customer_holders
            } else {
                holders
            };
            let granting = roles.entry((product.clone(), granted.clone())).or_default();
            // A group mapped twice to roles granting the same one grants it once.
            if !granting.iter().any(|g| g.group_id == group_id) {
                granting.push(GrantingGroup {
                    group_id: group_id.clone(),
                    directory_id: directory_id.clone(),
                    holders,
                });
            }
        }
    }
    Ok(roles
        .into_iter()
        .map(|((product, role), groups)| GrantedRole {
            product,
            role,
            groups,
        })
        .collect())
}

/// How [`holders_by_name`] finds a directory's holders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Walk {
    /// Along the directory's userName index, each user probed for a
    /// membership: costs the users passed, so cheap where holders are
    /// dense.
    Names,
    /// From the granting groups' members (with `since`, their grants from
    /// then on), sorted: costs every one of them, so the way where
    /// holders are few, or the names ahead hold few.
    Members,
}

/// Up to `limit` users of `directory` holding `role` (members of any of
/// its granting groups who hold access at all; with `since`, only those
/// whose every grant of it began from then on), in userName order, after
/// the userName key `after` and up to `upto`: `(id, userName key)`.
/// userName keys are unique in a directory, so a key alone says where to
/// go on.
pub fn holders_by_name(
    conn: &mut DbConn,
    directory: &str,
    role: &GrantedRole,
    (after, upto): (Option<&str>, Option<&str>),
    limit: usize,
    (walk, since): (Walk, Option<i64>),
) -> QueryResult<Vec<(String, String)>> {
    let granting: Vec<String> = role.groups.iter().map(|g| g.group_id.clone()).collect();
    let grant = memberships::group_id.eq_any(granting);
    let mut q = users::table
        .filter(users::directory_id.eq(directory.to_owned()))
        .filter(holds_access(role.is_customer()))
        .into_boxed::<MultiBackend>();
    if let Some(key) = after {
        q = q.filter(users::user_name_key.gt(key.to_owned()));
    }
    if let Some(key) = upto {
        q = q.filter(users::user_name_key.le(key.to_owned()));
    }
    let held = memberships::table
        .filter(grant.clone())
        .filter(memberships::member_id.eq(users::id));
    if let Some(t) = since {
        // No grant of it before: the line's earliest grant is that late.
        q = q.filter(diesel::dsl::not(diesel::dsl::exists(
            held.clone().filter(memberships::created_at.lt(t)),
        )));
    }
    let q = match (walk, since) {
        (Walk::Names, None) => q.filter(diesel::dsl::exists(held)),
        (Walk::Names, Some(t)) => q.filter(diesel::dsl::exists(
            held.filter(memberships::created_at.ge(t)),
        )),
        (Walk::Members, None) => q.filter(
            users::id.eq_any(
                memberships::table
                    .filter(grant)
                    .select(memberships::member_id),
            ),
        ),
        (Walk::Members, Some(t)) => q.filter(
            users::id.eq_any(
                memberships::table
                    .filter(grant)
                    .filter(memberships::created_at.ge(t))
                    .select(memberships::member_id),
            ),
        ),
    };
    // The members' order is by an expression, which keeps both planners
    // off the userName index (they would walk it, however far the next
    // holder is).
    let q = match walk {
        Walk::Names => q.order(users::user_name_key),
        Walk::Members => q.order(diesel::dsl::sql::<diesel::sql_types::Text>(
            "users.user_name_key || ''",
        )),
    };
    q.limit(i64::try_from(limit).unwrap_or(i64::MAX))
        .select((users::id, users::user_name_key))
        .load(conn)
}

/// How many grants `groups` made from `since` on (a member of two of them
/// counts twice): one range of `memberships_group_granted` per group.
pub fn grants_since(conn: &mut DbConn, groups: &[&str], since: i64) -> QueryResult<i64> {
    memberships::table
        .filter(memberships::group_id.eq_any(groups))
        .filter(memberships::created_at.ge(since))
        .count()
        .get_result(conn)
}

/// The userName key `width` users of `directory` past `after` (the end
/// of a stretch a walk will read), or `None` when the directory ends
/// sooner. Read from the index alone.
pub fn key_past(
    conn: &mut DbConn,
    directory: &str,
    after: Option<&str>,
    width: usize,
) -> QueryResult<Option<String>> {
    let mut q = users::table
        .filter(users::directory_id.eq(directory.to_owned()))
        .into_boxed::<MultiBackend>();
    if let Some(key) = after {
        q = q.filter(users::user_name_key.gt(key.to_owned()));
    }
    q.order(users::user_name_key)
        .offset(i64::try_from(width.saturating_sub(1)).unwrap_or(i64::MAX))
        .limit(1)
        .select(users::user_name_key)
        .first(conn)
        .optional()
}

/// The report's rows of `role` for these users, with their userNames:
/// one row per granting group, in group name order.
pub fn rows_of(
    conn: &mut DbConn,
    role: &GrantedRole,
    user_ids: &[String],
) -> QueryResult<Vec<(EntitlementRow, String)>> {
    e::table
        .inner_join(users::table.on(users::id.eq(e::user_id)))
        .filter(e::product.eq(&role.product))
        .filter(e::role.eq(&role.role))
        .filter(e::user_id.eq_any(user_ids))
        .order((e::user_id, e::group_display, e::group_id))
        .select((EntitlementRow::as_select(), users::user_name))
        .load(conn)
}

/// The report's rows of `role` for the users of `directory` whose
/// userName key comes after `after`, in (userName, group name) order,
/// handed to `visit` with the user's userName and its key; with `since`,
/// only the rows of users granted it through some group from then on (the
/// caller keeps a line only when its earliest grant is that late).
pub fn rows_sorted(
    conn: &mut DbConn,
    role: &GrantedRole,
    directory: &str,
    after: Option<&str>,
    since: Option<i64>,
    mut visit: impl FnMut(EntitlementRow, String, String),
) -> QueryResult<()> {
    let mut q = e::table
        .inner_join(users::table.on(users::id.eq(e::user_id)))
        .filter(e::product.eq(role.product.clone()))
        .filter(e::role.eq(role.role.clone()))
        .filter(users::directory_id.eq(directory.to_owned()))
        .into_boxed::<MultiBackend>();
    if let Some(key) = after {
        q = q.filter(users::user_name_key.gt(key.to_owned()));
    }
    if let Some(t) = since {
        let granting: Vec<String> = role.groups.iter().map(|g| g.group_id.clone()).collect();
        q = q.filter(diesel::dsl::exists(
            memberships::table
                .filter(memberships::member_id.eq(e::user_id))
                .filter(memberships::group_id.eq_any(granting))
                .filter(memberships::created_at.ge(t)),
        ));
    }
    let rows = q
        .order((users::user_name_key, e::group_display, e::group_id))
        .select((
            EntitlementRow::as_select(),
            users::user_name,
            users::user_name_key,
        ))
        .load_iter::<(EntitlementRow, String, String), diesel::connection::DefaultLoadingMode>(
            conn,
        )?;
    for row in rows {
        let (row, user_name, key) = row?;
        visit(row, user_name, key);
    }
    Ok(())
}

//! Admin roles held by persons or by the members of IdP groups, and the
//! console's OpenID sign-ins under way.

use diesel::prelude::*;

use super::conn::DbConn;
use super::dialect::lock_role_holders;
use super::models::{AdminRoleRow, OidcLoginRow};
use super::schema::{admin_roles, groups, memberships, oidc_logins, user_emails, users};

/// Adds a role.
pub fn insert(conn: &mut DbConn, row: &AdminRoleRow) -> QueryResult<()> {
    diesel::insert_into(admin_roles::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// One role by id.
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<AdminRoleRow> {
    admin_roles::table
        .find(id)
        .select(AdminRoleRow::as_select())
        .first(conn)
}

/// Every role, oldest first.
pub fn list(conn: &mut DbConn) -> QueryResult<Vec<AdminRoleRow>> {
    admin_roles::table
        .order((admin_roles::created_at, admin_roles::id))
        .select(AdminRoleRow::as_select())
        .load(conn)
}

/// Removes a role; how many went (0 or 1).
pub fn delete(conn: &mut DbConn, id: &str) -> QueryResult<usize> {
    diesel::delete(admin_roles::table.find(id)).execute(conn)
}

/// How many persons hold `role` directly (by email, not through a group),
/// their grants locked until the transaction ends (PostgreSQL; SQLite has
/// one writer): two removals can't both see the other's grant left.
pub fn persons_holding_locked(conn: &mut DbConn, role: &str) -> QueryResult<i64> {
    lock_role_holders(conn, role)?;
    persons_holding(conn, role)
}

/// How many persons hold `role` directly (by email, not through a group).
pub fn persons_holding(conn: &mut DbConn, role: &str) -> QueryResult<i64> {
    admin_roles::table
        .filter(admin_roles::role.eq(role))
        .filter(admin_roles::email_key.is_not_null())
        .count()
        .get_result(conn)
}

/// The roles granted to this (folded) email directly.
pub fn held_by_email(conn: &mut DbConn, email_key: &str) -> QueryResult<Vec<AdminRoleRow>> {
    admin_roles::table
        .filter(admin_roles::email_key.eq(email_key))
        .select(AdminRoleRow::as_select())
        .load(conn)
}

/// The live (active, unsuspended) accounts known by this email: as their
/// userName or one of their emails.
pub fn live_accounts(conn: &mut DbConn, email_key: &str) -> QueryResult<Vec<String>> {
    let by_email = user_emails::table
        .filter(user_emails::value_key.eq(email_key))
        .select(user_emails::user_id);
    users::table
        .filter(users::active.eq(true))
        .filter(users::suspended.eq(false))
        .filter(
            users::user_name_key
                .eq(email_key)
                .or(users::id.eq_any(by_email)),
        )
        .select(users::id)
        .load(conn)
}

/// The roles granted to groups these accounts are direct members of: `(role, group's directory)` pairs whose folded group name
/// matches; the caller keeps those whose directory is the role's (or any).
pub fn held_through_groups(
    conn: &mut DbConn,
    accounts: &[String],
) -> QueryResult<Vec<(AdminRoleRow, String)>> {
    let their_groups: Vec<(String, String)> = memberships::table
        .inner_join(groups::table.on(groups::id.eq(memberships::group_id)))
        .filter(memberships::member_id.eq_any(accounts))
        .select((groups::display_name_key, groups::directory_id))
        .distinct()
        .load(conn)?;
    if their_groups.is_empty() {
        return Ok(Vec::new());
    }
    let names: Vec<&String> = their_groups.iter().map(|(name, _)| name).collect();
    let granted: Vec<AdminRoleRow> = admin_roles::table
        .filter(admin_roles::group_name_key.eq_any(names))
        .select(AdminRoleRow::as_select())
        .load(conn)?;
    Ok(granted
        .into_iter()
        .flat_map(|role| {
            their_groups
                .iter()
                .filter(|(name, _)| Some(name) == role.group_name_key.as_ref())
                .map(|(_, directory)| (role.clone(), directory.clone()))
                .collect::<Vec<_>>()
        })
        .collect())
}

/// Records a sign-in under way.
pub fn insert_login(conn: &mut DbConn, row: &OidcLoginRow) -> QueryResult<()> {
    diesel::insert_into(oidc_logins::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Spends the sign-in with this state (unused, started after `since`):
/// the row, once; `None` for an unknown, used or stale state.
pub fn spend_login(
    conn: &mut DbConn,
    state_hash: &str,
    since: i64,
    now: i64,
) -> QueryResult<Option<OidcLoginRow>> {
    let spent = diesel::update(
        oidc_logins::table
            .filter(oidc_logins::state_hash.eq(state_hash))
            .filter(oidc_logins::used_at.is_null())
            .filter(oidc_logins::created_at.gt(since)),
    )
    .set(oidc_logins::used_at.eq(Some(now)))
    .execute(conn)?;
    if spent == 0 {
        return Ok(None);
    }
    oidc_logins::table
        .find(state_hash)
        .select(OidcLoginRow::as_select())
        .first(conn)
        .optional()
}

/// Forgets sign-ins started before `before` (spent or abandoned).
pub fn prune_logins(conn: &mut DbConn, before: i64) -> QueryResult<usize> {
    diesel::delete(oidc_logins::table.filter(oidc_logins::created_at.lt(before))).execute(conn)
}

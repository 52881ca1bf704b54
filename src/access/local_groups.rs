//! Groups made by admins (local groups, default groups among them) and
//! their members. Synced groups are read here but changed only by their
//! directory.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::json;

use super::admin_roles;
use super::audit::{self, Change};
use super::catalog::CUSTOMER;
use super::error::{found, AccessError};
use super::licensing::CapGuard;
use super::roles::Standing;
use super::sources::Source;
use super::{mappings as access_mappings, WriteContext, LOCAL_DIRECTORY};
use crate::scim::fold::fold;
use crate::scim::resource::format_time;
use crate::store::models::{GroupRow, MembershipRow};
use crate::store::{groups, mappings, memberships, products, users, DbConn, StoreError};

/// A group as the admin API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    pub id: String,
    #[serde(rename = "displayName")]
    pub display_name: String,
    pub directory: String,
    /// Pushed by a directory; changed only through it.
    pub synced: bool,
    /// The product whose default group this is.
    pub default_for: Option<String>,
    pub created: String,
}

/// One member of a group, with where the membership came from.
#[derive(Debug, Clone, Serialize)]
pub struct MemberView {
    pub user: String,
    pub source: String,
    pub actor: String,
    pub since: String,
    /// The break-glass reason of an admin grant made in IT-only mode.
    pub reason: Option<String>,
}

fn view(conn: &mut DbConn, row: GroupRow) -> Result<GroupView, AccessError> {
    Ok(GroupView {
        default_for: products::with_default_group(conn, &row.id)?,
        synced: row.directory_id != LOCAL_DIRECTORY,
        id: row.id,
        display_name: row.display_name,
        directory: row.directory_id,
        created: format_time(row.created_at),
    })
}

fn find(conn: &mut DbConn, id: &str) -> Result<GroupRow, AccessError> {
    found(groups::find(conn, None, id), || format!("group \"{id}\""))
}

/// A group that admins may change: a local one.
fn find_local(conn: &mut DbConn, id: &str) -> Result<GroupRow, AccessError> {
    let row = find(conn, id)?;
    if row.directory_id != LOCAL_DIRECTORY {
        return Err(AccessError::Forbidden(format!(
            "group \"{}\" is synced from directory {}; only the directory changes it",
            row.display_name, row.directory_id
        )));
    }
    Ok(row)
}

/// Any group, synced or local.
pub fn get(conn: &mut DbConn, id: &str) -> Result<GroupView, AccessError> {
    let row = find(conn, id)?;
    view(conn, row)
}

/// Every local group.
pub fn list(conn: &mut DbConn) -> Result<Vec<GroupView>, AccessError> {
    let rows = groups::list_local(conn)?;
    rows.into_iter().map(|r| view(conn, r)).collect()
}

/// Creates a local group; mappings waiting for its name bind to it.
pub fn create(
    conn: &mut DbConn,
    ctx: &WriteContext,
    display_name: &str,
) -> Result<GroupView, AccessError> {
    let name = display_name.trim();
    if name.is_empty() || name.len() > 256 {
        return Err(AccessError::Invalid(
            "displayName must be 1 to 256 characters".into(),
        ));
    }
    let row = GroupRow {
        id: crate::access::new_id(ctx.now),
        directory_id: LOCAL_DIRECTORY.to_owned(),
        display_name: name.to_owned(),
        display_name_key: fold(name),
        external_id: None,
        attributes: "{}".into(),
        version: 1,
        created_at: ctx.now,
        updated_at: ctx.now,
    };
    let (waiting, guard) = access_mappings::waiting_for(conn, &row)?;
    match groups::insert(conn, &row).map_err(StoreError::from) {
        Err(StoreError::Conflict(_)) => {
            return Err(AccessError::Conflict(format!(
                "a local group named \"{name}\" already exists"
            )))
        }
        other => other?,
    }
    access_mappings::bind(conn, ctx, &waiting, &row)?;
    guard.check(conn)?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "group.created",
            target_type: "Group",
            target_id: &row.id,
            before: None,
            after: Some(json!({"displayName": row.display_name, "directory": LOCAL_DIRECTORY})),
        },
    )?;
    view(conn, row)
}

/// Deletes a local group that is no product's default group.
pub fn delete(conn: &mut DbConn, ctx: &WriteContext, id: &str) -> Result<(), AccessError> {
    let row = find_local(conn, id)?;
    if let Some(product) = products::with_default_group(conn, id)? {
        return Err(AccessError::Conflict(format!(
            "group \"{}\" is the default group of product \"{product}\" and can't be deleted",
            row.display_name
        )));
    }
    access_mappings::record_unbinding(conn, ctx, &row)?;
    // Its members lose it from `groups`, and its grants.
    crate::store::users::touch_members_leaving(conn, id, ctx.now)?;
    memberships::remove_member_everywhere(conn, id)?;
    groups::delete(conn, LOCAL_DIRECTORY, id)?;
    // Its mappings wait again, or bind to the group of its name left.
    access_mappings::rebind(conn, ctx, &row.display_name_key)?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "group.deleted",
            target_type: "Group",
            target_id: id,
            before: Some(json!({"displayName": row.display_name})),
            after: None,
        },
    )?;
    Ok(())
}

/// The members of any group, with their sources.
pub fn members(conn: &mut DbConn, id: &str) -> Result<Vec<MemberView>, AccessError> {
    find(conn, id)?;
    Ok(memberships::rows_of(conn, id)?
        .into_iter()
        .map(member_view)
        .collect())
}

fn member_view(m: MembershipRow) -> MemberView {
    MemberView {
        user: m.member_id,
        source: m.source,
        actor: m.actor,
        since: format_time(m.created_at),
        reason: m.reason,
    }
}

/// A grant of group membership: who joins, for whom, from where, and why.
#[derive(Debug, Clone, Copy)]
pub struct Grant<'a> {
    pub users: &'a [String],
    /// What the admin making the grant holds, when their reach is to be
    /// checked (`None`: the system's own grants, already decided).
    pub granter: Option<&'a Standing>,
    /// Where the membership comes from.
    pub source: Source,
    /// A break-glass reason, for an admin grant in IT-only mode.
    pub reason: Option<&'a str>,
}

/// An admin adding users to a local group. In IT-only mode this is access
/// outside synced groups: refused unless it carries a break-glass reason,
/// which is then recorded on the membership and in the audit log.
pub fn admin_add_members(
    conn: &mut DbConn,
    ctx: &WriteContext,
    id: &str,
    grant: Grant<'_>,
) -> Result<Vec<MemberView>, AccessError> {
    let reason = grant.reason.map(str::trim).filter(|r| !r.is_empty());
    if reason.is_none() {
        for product in mappings::products_of_groups(conn, &[id.to_owned()])? {
            let policy = super::policy::for_product(conn, &product)?;
            if policy.it_only {
                return Err(AccessError::Refused {
                    setting: "it_only",
                    detail: format!(
                        "IT-only mode is on for product \"{product}\": access outside synced groups needs a break_glass_reason"
                    ),
                });
            }
        }
    }
    add_members(conn, ctx, id, Grant { reason, ..grant })
}

/// Adds users (of any directory) to a local group and returns their
/// memberships. Refused as a whole if any user is unknown, a portal-only
/// customer would get a non-customer role, the granter may not grant, or
/// a license cap would be passed.
pub fn add_members(
    conn: &mut DbConn,
    ctx: &WriteContext,
    id: &str,
    grant: Grant<'_>,
) -> Result<Vec<MemberView>, AccessError> {
    let (user_ids, source) = (grant.users, grant.source);
    let group = find_local(conn, id)?;
    // The group's row before any product's cap (`CapGuard`), in the order
    // a member PATCH and a mapping take them; a mapping made beside these
    // members waits for them, and so counts their licenses.
    mappings::hold_group(conn, id)?;
    if user_ids.is_empty() {
        return Err(AccessError::Invalid(
            "users must list at least one user id".into(),
        ));
    }
    let mut seen = HashSet::new();
    let wanted: Vec<String> = user_ids
        .iter()
        .filter(|u| seen.insert(*u))
        .cloned()
        .collect();
    let kinds = users::kinds(conn, &wanted)?;
    if let Some(missing) = wanted.iter().find(|u| !kinds.iter().any(|(k, _)| k == *u)) {
        return Err(AccessError::Invalid(format!(
            "user \"{missing}\" not found"
        )));
    }
    let group_mappings = mappings::of_group(conn, id)?;
    if let Some((customer, _)) = kinds.iter().find(|(_, portal_only)| *portal_only) {
        if let Some(m) = group_mappings.iter().find(|m| m.role != CUSTOMER) {
            return Err(AccessError::Forbidden(format!(
                "user {customer} is a portal-only customer and can never hold a product role; group \"{}\" grants {}:{}",
                group.display_name, m.product_key, m.role
            )));
        }
    }
    let mut granted: Vec<String> = group_mappings
        .iter()
        .map(|m| m.product_key.clone())
        .collect();
    granted.sort();
    granted.dedup();
    let ctx = &match grant.granter {
        Some(standing) => admin_roles::acting(
            ctx,
            admin_roles::over_holders(
                conn,
                standing,
                &granted,
                &format!("group \"{}\"", group.display_name),
            )?,
        ),
        None => ctx.clone(),
    };
    let guard = CapGuard::before(conn, &granted)?;
    let rows: Vec<MembershipRow> = wanted
        .iter()
        .map(|u| MembershipRow {
            group_id: id.to_owned(),
            member_id: u.clone(),
            member_type: "User".into(),
            source: source.as_str().to_owned(),
            actor: ctx
                .actor
                .person
                .as_deref()
                .unwrap_or(&ctx.actor.id)
                .to_owned(),
            created_at: ctx.now,
            reason: grant.reason.map(str::to_owned),
        })
        .collect();
    memberships::add(conn, &rows)?;
    guard.check(conn)?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "group.member_added",
            target_type: "Group",
            target_id: id,
            before: None,
            after: Some(
                json!({"members": wanted, "source": source.as_str(), "break_glass_reason": grant.reason}),
            ),
        },
    )?;
    // The memberships of the users named, not the whole group: a grant
    // to a 100k-member default group costs what it adds.
    Ok(memberships::rows_for(conn, id, &wanted)?
        .into_iter()
        .map(member_view)
        .collect())
}

/// Removes a user from a local group; a non-member is a 404. A scoped
/// admin (`granter`) removes only from groups granting products they
/// administer, as they add.
pub fn remove_member(
    conn: &mut DbConn,
    ctx: &WriteContext,
    id: &str,
    user_id: &str,
    granter: Option<&Standing>,
) -> Result<(), AccessError> {
    let group = find_local(conn, id)?;
    let ctx = &match granter {
        Some(standing) => admin_roles::acting(
            ctx,
            admin_roles::over_group(conn, standing, id, &group.display_name)?,
        ),
        None => ctx.clone(),
    };
    if memberships::remove(conn, id, &[user_id.to_owned()], ctx.now)? == 0 {
        return Err(AccessError::NotFound(format!(
            "user \"{user_id}\" is not a member of group \"{id}\""
        )));
    }
    audit::record(
        conn,
        ctx,
        Change {
            action: "group.member_removed",
            target_type: "Group",
            target_id: id,
            before: Some(json!({"member": user_id})),
            after: None,
        },
    )?;
    Ok(())
}

//! Group mappings: "members of group G hold role R on product P". A mapping
//! may name a group before its directory pushes it; it binds when a group
//! of that name arrives.

use serde::Serialize;
use serde_json::{json, Value};

use super::audit::{self, Change};
use super::catalog::{self, CUSTOMER};
use super::error::{found, AccessError};
use super::licensing::CapGuard;
use super::WriteContext;
use crate::scim::fold::fold;
use crate::scim::resource::format_time;
use crate::store::models::{GroupRow, MappingRow, ProductRow};
use crate::store::{directories, groups, mappings, memberships, users, DbConn};

/// A mapping as the admin API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct MappingView {
    pub id: String,
    pub product: String,
    pub role: String,
    /// The bound group (`id` null while waiting for it).
    pub group: Value,
    pub directory: Option<String>,
    /// `bound`, or `waiting` for a group of its name to be pushed.
    pub status: &'static str,
    pub created: String,
    pub created_by: String,
}

fn view(row: &MappingRow, group: Option<&GroupRow>) -> MappingView {
    MappingView {
        id: row.id.clone(),
        product: row.product_key.clone(),
        role: row.role.clone(),
        group: match group {
            Some(g) => {
                json!({"id": g.id, "displayName": g.display_name, "directory": g.directory_id})
            }
            None => json!({"id": null, "displayName": row.group_name}),
        },
        directory: row.directory_id.clone(),
        status: if row.group_id.is_some() {
            "bound"
        } else {
            "waiting"
        },
        created: format_time(row.created_at),
        created_by: row.created_by.clone(),
    }
}

fn render(conn: &mut DbConn, row: &MappingRow) -> Result<MappingView, AccessError> {
    let group = match &row.group_id {
        Some(id) => groups::find(conn, None, id).ok(),
        None => None,
    };
    Ok(view(row, group.as_ref()))
}

/// What an admin gives to create a mapping: the group by id or displayName.
#[derive(Debug, Clone)]
pub struct NewMapping {
    pub group: String,
    pub product: String,
    pub role: String,
    pub directory: Option<String>,
    /// Why a local group must grant access while IT-only mode is on.
    pub break_glass_reason: Option<String>,
}

/// The group a mapping names: by id, else by displayName (in `directory`
/// when given). `None`: no such group yet, the mapping waits for it.
fn resolve_group(
    conn: &mut DbConn,
    group: &str,
    directory: Option<&str>,
) -> Result<Option<GroupRow>, AccessError> {
    if let Ok(row) = groups::find(conn, directory, group) {
        return Ok(Some(row));
    }
    let mut named = groups::named(conn, &fold(group), directory)?;
    match named.len() {
        0 => Ok(None),
        1 => Ok(named.pop()),
        _ => Err(AccessError::Conflict(format!(
            "{} groups are named \"{group}\" (in directories {}); give the group's id or a directory",
            named.len(),
            named
                .iter()
                .map(|g| g.directory_id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// Portal-only customers never hold a role other than `customer`.
fn check_customers(conn: &mut DbConn, role: &str, group_id: &str) -> Result<(), AccessError> {
    if role != CUSTOMER && memberships::has_portal_only_member(conn, group_id)? {
        return Err(AccessError::Forbidden(format!(
            "the group has portal-only customers as members, who can never hold the \"{role}\" role"
        )));
    }
    Ok(())
}

/// Creates a mapping; refused if it would take the product past its cap.
/// Returns the mapping and whether it is new: asking again for a mapping
/// that exists gives it back unchanged.
pub fn create(
    conn: &mut DbConn,
    ctx: &WriteContext,
    new: NewMapping,
) -> Result<(MappingView, bool), AccessError> {
    let product = catalog::find(conn, &new.product)?;
    if !catalog::roles(&product).contains(&new.role.as_str()) {
        return Err(AccessError::Invalid(format!(
            "product \"{}\" has no role \"{}\" (its roles: {})",
            product.product_key,
            new.role,
            catalog::roles(&product).join(", ")
        )));
    }
    if new.group.trim().is_empty() {
        return Err(AccessError::Invalid(
            "group must be a group id or displayName".into(),
        ));
    }
    if let Some(d) = &new.directory {
        found(directories::find(conn, d), || format!("directory \"{d}\""))?;
    }
    let group = resolve_group(conn, new.group.trim(), new.directory.as_deref())?;
    if let Some(g) = &group {
        // Before the product's cap (`CapGuard`), as a member PATCH takes them.
        mappings::hold_group(conn, &g.id)?;
    }
    let row = MappingRow {
        id: crate::access::new_id(ctx.now),
        product_key: product.product_key.clone(),
        role: new.role.clone(),
        group_id: group.as_ref().map(|g| g.id.clone()),
        group_name: group
            .as_ref()
            .map_or_else(|| new.group.trim().to_owned(), |g| g.display_name.clone()),
        group_name_key: group
            .as_ref()
            .map_or_else(|| fold(new.group.trim()), |g| g.display_name_key.clone()),
        directory_id: new.directory.clone(),
        created_at: ctx.now,
        created_by: ctx.actor.id.clone(),
    };
    if let Some(same) = mappings::find_same(conn, &row)? {
        // The same mapping again: it exists; nothing is added.
        return Ok((render(conn, &same)?, false));
    }
    if let Some(g) = &group {
        check_customers(conn, &row.role, &g.id)?;
        let reason = new
            .break_glass_reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        if g.directory_id == super::LOCAL_DIRECTORY
            && reason.is_none()
            && super::policy::for_product(conn, &product.product_key)?.it_only
        {
            return Err(AccessError::Refused {
                setting: "it_only",
                detail: format!(
                    "IT-only mode is on: \"{}\" is a local group, and only groups synced by the identity provider may grant access (give a break_glass_reason for an emergency)",
                    g.display_name
                ),
            });
        }
    }
    let guard = CapGuard::before(conn, std::slice::from_ref(&product.product_key))?;
    mappings::insert(conn, &row)?;
    guard.check(conn)?;
    if let Some(g) = &row.group_id {
        users::touch_members_of(conn, g, ctx.now)?;
    }
    let view = view(&row, group.as_ref());
    audit::record(
        conn,
        ctx,
        Change {
            action: "mapping.created",
            target_type: "Mapping",
            target_id: &row.id,
            before: None,
            after: Some(json!({"mapping": view, "break_glass_reason": new.break_glass_reason})),
        },
    )?;
    Ok((view, true))
}

/// Maps a new product's default group to its `user` role.
pub fn map_default_group(
    conn: &mut DbConn,
    ctx: &WriteContext,
    product: &ProductRow,
    group: &GroupRow,
) -> Result<(), AccessError> {
    map_role_group(conn, ctx, product, group, "user")
}

/// Maps a group Gatehouse made for a product role to that role.
pub fn map_role_group(
    conn: &mut DbConn,
    ctx: &WriteContext,
    product: &ProductRow,
    group: &GroupRow,
    role: &str,
) -> Result<(), AccessError> {
    let row = MappingRow {
        id: crate::access::new_id(ctx.now),
        product_key: product.product_key.clone(),
        role: role.to_owned(),
        group_id: Some(group.id.clone()),
        group_name: group.display_name.clone(),
        group_name_key: group.display_name_key.clone(),
        directory_id: None,
        created_at: ctx.now,
        created_by: ctx.actor.id.clone(),
    };
    mappings::insert(conn, &row)?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "mapping.created",
            target_type: "Mapping",
            target_id: &row.id,
            before: None,
            after: Some(serde_json::to_value(view(&row, Some(group))).unwrap_or_default()),
        },
    )?;
    Ok(())
}

/// Deletes a mapping. The mapping of a product's default group to `user`
/// stays as long as the product: every product keeps a default group.
pub fn delete(conn: &mut DbConn, ctx: &WriteContext, id: &str) -> Result<(), AccessError> {
    let row = found(mappings::find(conn, id), || format!("mapping \"{id}\""))?;
    let product = catalog::find(conn, &row.product_key)?;
    if row.group_id.as_deref() == Some(product.default_group_id.as_str()) && row.role == "user" {
        return Err(AccessError::Conflict(format!(
            "this maps the default group of product \"{}\" to its user role, which every product keeps",
            product.product_key
        )));
    }
    let before = render(conn, &row)?;
    mappings::delete(conn, &row)?;
    if let Some(g) = &row.group_id {
        users::touch_members_of(conn, g, ctx.now)?;
    }
    audit::record(
        conn,
        ctx,
        Change {
            action: "mapping.deleted",
            target_type: "Mapping",
            target_id: id,
            before: Some(serde_json::to_value(&before).unwrap_or_default()),
            after: None,
        },
    )?;
    Ok(())
}

/// One mapping.
pub fn get(conn: &mut DbConn, id: &str) -> Result<MappingView, AccessError> {
    let row = found(mappings::find(conn, id), || format!("mapping \"{id}\""))?;
    render(conn, &row)
}

/// Mappings, optionally of one product.
pub fn list(conn: &mut DbConn, product: Option<&str>) -> Result<Vec<MappingView>, AccessError> {
    let rows = mappings::list(conn, product)?;
    rows.iter().map(|r| render(conn, r)).collect()
}

/// The mappings waiting for a group named like `group` that may bind to
/// it, with the capped products they grant, for a change about to create
/// it (`group` is not stored yet).
pub fn waiting_for(
    conn: &mut DbConn,
    group: &GroupRow,
) -> Result<(Vec<MappingRow>, CapGuard), AccessError> {
    let others = groups::named(conn, &group.display_name_key, None)?;
    let mut waiting = Vec::new();
    for m in mappings::waiting_for(conn, &group.display_name_key, &group.directory_id)? {
        let ambiguous = m.directory_id.is_none()
            && others
                .iter()
                .any(|o| o.id != group.id && o.directory_id != group.directory_id);
        if !ambiguous && may_bind(conn, &m, group)? {
            waiting.push(m);
        }
    }
    let products: Vec<String> = waiting.iter().map(|m| m.product_key.clone()).collect();
    let guard = CapGuard::before(conn, &products)?;
    Ok((waiting, guard))
}

/// Whether a waiting mapping may bind to `group`: in IT-only mode a local
/// group grants access only through a mapping made with a break-glass
/// reason, never by binding later.
fn may_bind(conn: &mut DbConn, m: &MappingRow, group: &GroupRow) -> Result<bool, AccessError> {
    Ok(group.directory_id != super::LOCAL_DIRECTORY
        || !super::policy::for_product(conn, &m.product_key)?.it_only)
}

/// After a group of this name was deleted: each mapping left waiting for
/// the name binds to the one group that now answers it unambiguously (in
/// its directory, or, without one, in any directory), if there is one;
/// audited like any binding, and refused past a license cap.
pub fn rebind(conn: &mut DbConn, ctx: &WriteContext, name_key: &str) -> Result<(), AccessError> {
    let candidates = groups::named(conn, name_key, None)?;
    for m in mappings::waiting_named(conn, name_key)? {
        let matching: Vec<&GroupRow> = candidates
            .iter()
            .filter(|g| m.directory_id.as_ref().is_none_or(|d| *d == g.directory_id))
            .collect();
        let [group] = matching.as_slice() else {
            continue;
        };
        if !may_bind(conn, &m, group)? {
            continue;
        }
        // Before the product's cap, as a member PATCH takes them.
        mappings::hold_group(conn, &group.id)?;
        let guard = CapGuard::before(conn, std::slice::from_ref(&m.product_key))?;
        bind(conn, ctx, std::slice::from_ref(&m), group)?;
        guard.check(conn)?;
    }
    Ok(())
}

/// Binds waiting mappings to the group that arrived, and audits each.
pub fn bind(
    conn: &mut DbConn,
    ctx: &WriteContext,
    waiting: &[MappingRow],
    group: &GroupRow,
) -> Result<(), AccessError> {
    if waiting.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = waiting.iter().map(|m| m.id.clone()).collect();
    mappings::bind(conn, &ids, &group.id)?;
    users::touch_members_of(conn, &group.id, ctx.now)?;
    for m in waiting {
        audit::record(
            conn,
            ctx,
            Change {
                action: "mapping.bound",
                target_type: "Mapping",
                target_id: &m.id,
                before: None,
                after: Some(
                    json!({"group": group.id, "displayName": group.display_name, "product": m.product_key, "role": m.role}),
                ),
            },
        )?;
    }
    Ok(())
}

/// Records that the mappings of a group about to be deleted go back to
/// waiting for its name (the database unbinds them with the row).
pub fn record_unbinding(
    conn: &mut DbConn,
    ctx: &WriteContext,
    group: &GroupRow,
) -> Result<(), AccessError> {
    for m in mappings::of_group(conn, &group.id)? {
        audit::record(
            conn,
            ctx,
            Change {
                action: "mapping.unbound",
                target_type: "Mapping",
                target_id: &m.id,
                before: Some(
                    json!({"group": group.id, "displayName": group.display_name, "product": m.product_key, "role": m.role}),
                ),
                after: None,
            },
        )?;
    }
    Ok(())
}

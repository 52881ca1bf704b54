//! Who holds which admin role: granted to a person by email or to the
//! members of an IdP group (so IT can run admin access from the IdP, as it
//! runs product roles), found afresh on every request so a change takes
//! effect on the next one; and the checks that a scoped role reaches the
//! site or product a change touches.

use serde::Serialize;
use serde_json::json;

use super::audit::{self, Change};
use super::effective;
use super::emails::looks_like_email;
use super::error::{found, AccessError};
use super::roles::{Held, Role, Standing};
use super::WriteContext;
use crate::scim::fold::fold;
use crate::scim::resource::format_time;
use crate::store::models::{AdminRoleRow, AdminTokenRow};
use crate::store::{admin_roles, guests, mappings, products, requests, DbConn, StoreResult};

/// An admin role as the API and the CLI show it.
#[derive(Debug, Clone, Serialize)]
pub struct RoleView {
    pub id: String,
    pub role: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Held by this person (folded email)…
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// …or by the members of this IdP group (in `directory`, or any).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directory: Option<String>,
    pub created: String,
    pub created_by: String,
}

impl From<AdminRoleRow> for RoleView {
    fn from(r: AdminRoleRow) -> Self {
        RoleView {
            id: r.id,
            role: r.role,
            site: r.site_id,
            product: r.product_key,
            email: r.email_key,
            group: r.group_name,
            directory: r.directory_id,
            created: format_time(r.created_at),
            created_by: r.created_by,
        }
    }
}

/// A role to grant, as asked for.
#[derive(Debug, Clone, Default)]
pub struct NewRole {
    pub role: String,
    pub site: Option<String>,
    pub product: Option<String>,
    pub email: Option<String>,
    pub group: Option<String>,
    pub directory: Option<String>,
}

/// A role and its scope, checked: the site and product exist, and each
/// role has exactly the scope it takes. Sites are named by id or name;
/// the id is kept.
pub fn scoped(
    conn: &mut DbConn,
    role: &str,
    site: Option<&str>,
    product: Option<&str>,
) -> Result<Held, AccessError> {
    let role = Role::parse(role).ok_or_else(|| {
        AccessError::Invalid(format!(
            "role must be one of org-admin, site-admin, user-access-admin, auditor; not \"{role}\""
        ))
    })?;
    let site = site.map(str::trim).filter(|s| !s.is_empty());
    let product = product.map(str::trim).filter(|p| !p.is_empty());
    match (role, site, product) {
        (Role::SiteAdmin, Some(site), None) => {
            let row = found(products::find_site(conn, site), || {
                format!("site \"{site}\"")
            })?;
            Ok(Held {
                role,
                site: Some(row.id),
                product: None,
            })
        }
        (Role::UserAccessAdmin, None, Some(product)) => {
            let row = found(products::find(conn, product), || {
                format!("product \"{product}\"")
            })?;
            Ok(Held {
                role,
                site: None,
                product: Some(row.product_key),
            })
        }
        (Role::OrgAdmin | Role::Auditor, None, None) => Ok(Held::whole(role)),
        (Role::SiteAdmin, ..) => Err(AccessError::Invalid(
            "a site-admin role takes a site (and no product)".into(),
        )),
        (Role::UserAccessAdmin, ..) => Err(AccessError::Invalid(
            "a user-access-admin role takes a product (and no site)".into(),
        )),
        _ => Err(AccessError::Invalid(format!(
            "the {role} role covers the whole organization: it takes no site or product"
        ))),
    }
}

/// Grants a role to a person or a group; granting what is already held
/// returns the existing grant. Audited.
pub fn grant(
    conn: &mut DbConn,
    ctx: &WriteContext,
    new: &NewRole,
) -> Result<(RoleView, bool), AccessError> {
    let held = scoped(conn, &new.role, new.site.as_deref(), new.product.as_deref())?;
    let email = new
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty());
    let group = new
        .group
        .as_deref()
        .map(str::trim)
        .filter(|g| !g.is_empty());
    let directory = new
        .directory
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    // Longer than any email address (RFC 5321: 254) or IdP group name.
    const LONGEST: usize = 320;
    if email.or(group).is_some_and(|h| h.chars().count() > LONGEST) {
        return Err(AccessError::Invalid(format!(
            "an email or group name is at most {LONGEST} characters"
        )));
    }
    let (email_key, group_name) =
        match (email, group) {
            (Some(email), None) if looks_like_email(email) => (Some(fold(email)), None),
            (Some(email), None) => {
                return Err(AccessError::Invalid(format!(
                    "\"{email}\" is not an email address"
                )))
            }
            (None, Some(group)) => (None, Some(group.to_owned())),
            _ => return Err(AccessError::Invalid(
                "a role is granted to a person (email) or to an IdP group (group), one of the two"
                    .into(),
            )),
        };
    if directory.is_some() && group_name.is_none() {
        return Err(AccessError::Invalid(
            "directory narrows a group grant; a person's grant takes none".into(),
        ));
    }
    let group_name_key = group_name.as_deref().map(fold);
    let existing = admin_roles::list(conn)?.into_iter().find(|r| {
        r.role == held.role.as_str()
            && r.site_id == held.site
            && r.product_key == held.product
            && r.email_key == email_key
            && r.group_name_key == group_name_key
            && r.directory_id.as_deref() == directory
    });
    if let Some(row) = existing {
        return Ok((row.into(), false));
    }
    let row = AdminRoleRow {
        id: super::new_id(ctx.now),
        role: held.role.as_str().to_owned(),
        site_id: held.site.clone(),
        product_key: held.product.clone(),
        email_key,
        group_name,
        group_name_key,
        directory_id: directory.map(str::to_owned),
        created_at: ctx.now,
        created_by: ctx.actor.name(),
    };
    admin_roles::insert(conn, &row)?;
    let view = RoleView::from(row);
    audit::record(
        conn,
        ctx,
        Change {
            action: "admin_role.granted",
            target_type: "AdminRole",
            target_id: &view.id,
            before: None,
            after: Some(json!(view)),
        },
    )?;
    Ok((view, true))
}

/// Removes a grant. The last person holding org-admin can't be removed:
/// an organization whose admins sign in with its IdP would be left with
/// no one to run it (the operator's CLI link stays as the way back in).
pub fn revoke(conn: &mut DbConn, ctx: &WriteContext, id: &str) -> Result<(), AccessError> {
    let row = found(admin_roles::find(conn, id), || {
        format!("admin role \"{id}\"")
    })?;
    if row.role == Role::OrgAdmin.as_str()
        && row.email_key.is_some()
        && admin_roles::persons_holding_locked(conn, Role::OrgAdmin.as_str())? <= 1
    {
        return Err(AccessError::Coded {
            status: 409,
            code: "last_org_admin",
            detail: format!(
                "{} is the last person holding org-admin; grant org-admin to someone else first",
                row.email_key.as_deref().unwrap_or_default()
            ),
        });
    }
    admin_roles::delete(conn, id)?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "admin_role.revoked",
            target_type: "AdminRole",
            target_id: id,
            before: Some(json!(RoleView::from(row))),
            after: None,
        },
    )?;
    Ok(())
}

/// How many persons hold org-admin directly (the first run has none).
pub fn org_admin_persons(conn: &mut DbConn) -> StoreResult<i64> {
    Ok(admin_roles::persons_holding(conn, Role::OrgAdmin.as_str())?)
}

/// Every grant, oldest first.
pub fn list(conn: &mut DbConn) -> StoreResult<Vec<RoleView>> {
    Ok(admin_roles::list(conn)?
        .into_iter()
        .map(RoleView::from)
        .collect())
}

fn held_of(role: &str, site: Option<String>, product: Option<String>) -> Option<Held> {
    Some(Held {
        role: Role::parse(role)?,
        site,
        product,
    })
}

/// What a person (by folded email) holds now: their own grants, those of
/// the IdP groups their live accounts are members of, and — seed 001 — a
/// product's `user-access-admin` (or `admin`) product role, held through
/// a group mapping like any product role, as user-access-admin of it.
pub fn of_person(conn: &mut DbConn, email_key: &str) -> StoreResult<Standing> {
    let mut holds: Vec<Held> = admin_roles::held_by_email(conn, email_key)?
        .into_iter()
        .filter_map(|r| held_of(&r.role, r.site_id, r.product_key))
        .collect();
    let accounts = admin_roles::live_accounts(conn, email_key)?;
    let mut add = |held: Held| {
        if !holds.contains(&held) {
            holds.push(held);
        }
    };
    for entitlements in effective::of_users(conn, &accounts)?.into_values() {
        for e in entitlements {
            if e.role == "user-access-admin" || e.role == "admin" {
                add(Held {
                    role: Role::UserAccessAdmin,
                    site: None,
                    product: Some(e.product),
                });
            }
        }
    }
    for (row, group_directory) in admin_roles::held_through_groups(conn, &accounts)? {
        if row
            .directory_id
            .as_ref()
            .is_some_and(|d| *d != group_directory)
        {
            continue;
        }
        if let Some(held) = held_of(&row.role, row.site_id, row.product_key) {
            add(held);
        }
    }
    Ok(Standing { holds })
}

/// What a token holds: the one role it was made with.
pub fn of_token(token: &AdminTokenRow) -> Standing {
    Standing {
        holds: held_of(
            &token.role,
            token.site_id.clone(),
            token.product_key.clone(),
        )
        .into_iter()
        .collect(),
    }
}

/// A 403 naming the scope a change needed.
fn beyond(standing: &Standing, needed: String) -> AccessError {
    AccessError::Forbidden(format!(
        "this change needs {needed}; {}",
        standing.describe()
    ))
}

/// The holding that covers changes to site `site` (by id or name).
pub fn over_site(conn: &mut DbConn, standing: &Standing, site: &str) -> Result<Held, AccessError> {
    let row = found(products::find_site(conn, site), || {
        format!("site \"{site}\"")
    })?;
    standing.over_site(&row.id).ok_or_else(|| {
        beyond(
            standing,
            format!("org-admin or site-admin of site \"{}\"", row.id),
        )
    })
}

/// The holding that covers changes to product `key`'s settings and
/// mappings: its site's.
pub fn over_product_settings(
    conn: &mut DbConn,
    standing: &Standing,
    key: &str,
) -> Result<Held, AccessError> {
    let product = super::catalog::find(conn, key)?;
    standing.over_site(&product.site_id).ok_or_else(|| {
        beyond(
            standing,
            format!(
                "org-admin or site-admin of site \"{}\" (product \"{key}\"'s site)",
                product.site_id
            ),
        )
    })
}

/// The holding that lets the caller decide who holds every product in
/// `granted` (org-admin; else each product's site-admin or
/// user-access-admin). Seed 001: a user-access-admin grants through
/// groups that grant nothing they don't administer, so a group granting
/// nothing, or also another product, is beyond them.
pub fn over_holders(
    conn: &mut DbConn,
    standing: &Standing,
    granted: &[String],
    what: &str,
) -> Result<Held, AccessError> {
    if let Some(org) = standing.holds.iter().find(|h| h.role == Role::OrgAdmin) {
        return Ok(org.clone());
    }
    let mut used = None;
    let mut beyond_reach = Vec::new();
    for product in granted {
        let row = super::catalog::find(conn, product)?;
        match standing.over_product(&row.site_id, product) {
            Some(held) => used = used.or(Some(held)),
            None => beyond_reach.push((product, row.site_id)),
        }
    }
    match (beyond_reach.first(), used) {
        (None, Some(held)) => Ok(held),
        (None, None) => Err(beyond(
            standing,
            format!("org-admin ({what} grants no product, so no scoped role reaches it)"),
        )),
        // Seed 001: reach over one product the group grants is not reach
        // over the others it grants.
        (Some((product, _)), Some(_)) => Err(beyond(
            standing,
            format!(
                "a role over \"{product}\" too: {what} also grants it; a user-access-admin grants through a group that grants only their product"
            ),
        )),
        (Some((product, site)), None) => Err(beyond(
            standing,
            format!(
                "org-admin, site-admin of site \"{site}\" or user-access-admin of product \"{product}\" ({what} grants \"{product}\")"
            ),
        )),
    }
}

/// `over_holders` for the products a group grants.
pub fn over_group(
    conn: &mut DbConn,
    standing: &Standing,
    group_id: &str,
    group_name: &str,
) -> Result<Held, AccessError> {
    let mut granted = mappings::products_of_groups(conn, &[group_id.to_owned()])?;
    granted.sort();
    granted.dedup();
    over_holders(conn, standing, &granted, &format!("group \"{group_name}\""))
}

/// The holding that covers organization-wide changes (org-admin).
pub fn over_organization(standing: &Standing) -> Result<Held, AccessError> {
    standing
        .holds
        .iter()
        .find(|h| h.role == Role::OrgAdmin)
        .cloned()
        .ok_or_else(|| beyond(standing, "org-admin (it is organization-wide)".into()))
}

/// The holding that covers a change to mapping `id` (its product's site).
pub fn over_mapping(conn: &mut DbConn, standing: &Standing, id: &str) -> Result<Held, AccessError> {
    let mapping = found(mappings::find(conn, id), || format!("mapping \"{id}\""))?;
    over_product_settings(conn, standing, &mapping.product_key)
}

/// The holding that covers a change to guest `id` (their site).
pub fn over_guest(conn: &mut DbConn, standing: &Standing, id: &str) -> Result<Held, AccessError> {
    let guest = found(guests::find(conn, id), || format!("guest \"{id}\""))?;
    over_site(conn, standing, &guest.site_id)
}

/// The holding that lets the caller decide access request `id` (who
/// holds its product).
pub fn over_request(conn: &mut DbConn, standing: &Standing, id: &str) -> Result<Held, AccessError> {
    let request = found(requests::find(conn, id), || {
        format!("access request \"{id}\"")
    })?;
    over_holders(
        conn,
        standing,
        std::slice::from_ref(&request.product_key),
        "the request",
    )
}

/// `ctx`, audited under the holding that allowed the change.
pub fn acting(ctx: &WriteContext, held: Held) -> WriteContext {
    let mut ctx = ctx.clone();
    ctx.actor.held = Some(held);
    ctx
}

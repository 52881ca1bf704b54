//! Guests (seed 003): a site admin invites an external email as a guest of
//! a site; a space admin adds the guest to one space — at most one per
//! site — which grants the product's `guest` role (no license); the guest
//! can be promoted to a licensed role, taken out of the space (staying a
//! guest), or removed from the site.

use serde::Serialize;
use serde_json::json;

use super::audit::{self, Change};
use super::error::{found, AccessError};
use super::local_groups::{self, Grant};
use super::sources::Source;
use super::{accounts, policy, products, WriteContext};
use crate::scim::resource::format_time;
use crate::store::models::{GuestRow, GuestSpaceRow};
use crate::store::{guests, memberships, users, DbConn, StoreError};

/// A guest as admins see it.
#[derive(Debug, Clone, Serialize)]
pub struct GuestView {
    pub id: String,
    pub user: String,
    pub email: String,
    pub site: String,
    /// `site_guest` (sees nothing) or `in_space`.
    pub status: String,
    pub space: Option<String>,
    pub product: Option<String>,
    pub created: String,
}

fn view(conn: &mut DbConn, row: GuestRow) -> Result<GuestView, AccessError> {
    let user = users::find(conn, None, &row.user_id)?;
    let space = guests::space_of(conn, &row.id)?;
    Ok(GuestView {
        id: row.id,
        user: row.user_id,
        email: user.user_name,
        site: row.site_id,
        status: row.status,
        space: space.as_ref().map(|s| s.space.clone()),
        product: space.map(|s| s.product_key),
        created: format_time(row.created_at),
    })
}

fn find(conn: &mut DbConn, id: &str) -> Result<GuestRow, AccessError> {
    found(guests::find(conn, id), || format!("guest \"{id}\""))
}

/// Invites an external email as a guest of a site.
pub fn invite(
    conn: &mut DbConn,
    ctx: &WriteContext,
    email: &str,
    site: &str,
) -> Result<GuestView, AccessError> {
    let site = products::find_site(conn, site)?;
    let policy = policy::effective(conn, Some(&site.id))?;
    policy.refuse_if_it_only("guest invitations")?;
    let not_external = |why: String| AccessError::Coded {
        status: 409,
        code: "not_external",
        detail: format!("{why}; guests are external people"),
    };
    if policy.is_verified_domain(email.trim()) {
        return Err(not_external(format!(
            "{} is on a verified domain of the organization",
            email.trim()
        )));
    }
    if let Some(person) = super::person_views::find(conn, email)? {
        if person.managed {
            return Err(not_external(format!(
                "{} is managed by the organization's identity provider",
                email.trim()
            )));
        }
        let accounts = crate::store::persons::accounts(conn, &person.id)?;
        if accounts.iter().any(|a| a.portal_only) {
            return Err(not_external(format!(
                "{} is a portal-only customer, who never holds a product role",
                email.trim()
            )));
        }
    }
    // The site admin vouches for the address they invite.
    let user = accounts::find_or_create_member(conn, ctx, email, true)?;
    let row = GuestRow {
        id: crate::access::new_id(ctx.now),
        user_id: user.id.clone(),
        site_id: site.id.clone(),
        status: "site_guest".into(),
        created_at: ctx.now,
    };
    match guests::insert(conn, &row).map_err(StoreError::from) {
        Err(StoreError::Conflict(_)) => {
            return Err(AccessError::Conflict(format!(
                "{} is already a guest of site \"{}\"",
                user.user_name, site.name
            )))
        }
        other => other?,
    }
    audit::record(
        conn,
        ctx,
        Change {
            action: "guest.invited",
            target_type: "Guest",
            target_id: &row.id,
            before: None,
            after: Some(json!({"email": user.user_name, "site": site.id})),
        },
    )?;
    view(conn, row)
}

/// Adds a guest to a space of one of its site's products; returns the
/// guest and whether anything changed (adding the space it is in already
/// changes nothing). A second space on the same site is refused until the
/// first is removed.
pub fn add_to_space(
    conn: &mut DbConn,
    ctx: &WriteContext,
    id: &str,
    space: &str,
    product: Option<&str>,
) -> Result<(GuestView, bool), AccessError> {
    let guest = find(conn, id)?;
    let space = space.trim();
    if space.is_empty() {
        return Err(AccessError::Invalid("space must name a space".into()));
    }
    if let Some(current) = guests::space_of(conn, id)? {
        let same_product = product.is_none_or(|p| {
            products::find(conn, p).is_ok_and(|found| found.product_key == current.product_key)
        });
        if current.space == space && same_product {
            return Ok((view(conn, guest)?, false));
        }
        return Err(AccessError::Conflict(format!(
            "the guest is already in space \"{}\"; a guest is in at most one space per site, so remove it from that one first",
            current.space
        )));
    }
    let on_site: Vec<_> = crate::store::products::list(conn)?
        .into_iter()
        .filter(|p| p.site_id == guest.site_id)
        .collect();
    let product = match product {
        Some(key) => on_site
            .into_iter()
            .find(|p| p.product_key == key || p.bare_key == key)
            .ok_or_else(|| AccessError::Invalid(format!("product \"{key}\" is not on the guest's site")))?,
        None => match <[_; 1]>::try_from(on_site) {
            Ok([only]) => only,
            Err(_) => {
                return Err(AccessError::Invalid(
                    "the site has several products (or none): say which product the space is in with \"product\"".into(),
                ))
            }
        },
    };
    guests::insert_space(
        conn,
        &GuestSpaceRow {
            guest_id: id.to_owned(),
            space: space.to_owned(),
            product_key: product.product_key.clone(),
            created_at: ctx.now,
        },
    )?;
    guests::set_status(conn, id, "in_space")?;
    let group = products::role_group(conn, ctx, &product, "guest")?;
    local_groups::add_members(
        conn,
        ctx,
        &group.id,
        Grant {
            users: std::slice::from_ref(&guest.user_id),
            granter: None,
            source: Source::GuestInvite,
            reason: None,
        },
    )?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "guest.space_assigned",
            target_type: "Guest",
            target_id: id,
            before: None,
            after: Some(json!({"space": space, "product": product.product_key})),
        },
    )?;
    let row = find(conn, id)?;
    Ok((view(conn, row)?, true))
}

/// Takes a guest out of its space and the product's guest role.
fn leave_space(
    conn: &mut DbConn,
    ctx: &WriteContext,
    guest: &GuestRow,
) -> Result<Option<String>, AccessError> {
    let Some(space) = guests::space_of(conn, &guest.id)? else {
        return Ok(None);
    };
    let product = products::find(conn, &space.product_key)?;
    let group = products::role_group(conn, ctx, &product, "guest")?;
    memberships::remove(
        conn,
        &group.id,
        std::slice::from_ref(&guest.user_id),
        ctx.now,
    )?;
    guests::delete_space(conn, &guest.id)?;
    Ok(Some(space.space))
}

/// Removes a guest from a space; it stays a guest of the site.
pub fn remove_from_space(
    conn: &mut DbConn,
    ctx: &WriteContext,
    id: &str,
    space: &str,
) -> Result<GuestView, AccessError> {
    let guest = find(conn, id)?;
    match guests::space_of(conn, id)? {
        Some(s) if s.space == space => {}
        _ => {
            return Err(AccessError::NotFound(format!(
                "the guest is not in space \"{space}\""
            )))
        }
    }
    leave_space(conn, ctx, &guest)?;
    guests::set_status(conn, id, "site_guest")?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "guest.space_removed",
            target_type: "Guest",
            target_id: id,
            before: Some(json!({"space": space})),
            after: None,
        },
    )?;
    let row = find(conn, id)?;
    view(conn, row)
}

/// Promotes a guest to a licensed role on a product: it joins the role's
/// group (licensing starts; the cap applies). A guest promoted on the
/// product of its space stops being a guest; promoted on another product
/// of the site, it keeps its space on the first.
pub fn promote(
    conn: &mut DbConn,
    ctx: &WriteContext,
    id: &str,
    product_key: &str,
    role: &str,
) -> Result<super::effective::UserAccess, AccessError> {
    let guest = find(conn, id)?;
    let product = products::find(conn, product_key)?;
    if product.site_id != guest.site_id {
        return Err(AccessError::Invalid(format!(
            "product \"{product_key}\" is not on the guest's site"
        )));
    }
    if !crate::store::entitlements::LICENSED_ROLES.contains(&role) {
        return Err(AccessError::Invalid(format!(
            "promotion is to a licensed role (user, admin, user-access-admin), not \"{role}\""
        )));
    }
    policy::for_product(conn, product_key)?.refuse_if_it_only("guest promotions")?;
    let in_same = guests::space_of(conn, id)?.is_none_or(|s| s.product_key == product.product_key);
    let space = if in_same {
        let space = leave_space(conn, ctx, &guest)?;
        guests::delete(conn, id)?;
        space
    } else {
        None
    };
    let group = products::role_group(conn, ctx, &product, role)?;
    local_groups::add_members(
        conn,
        ctx,
        &group.id,
        Grant {
            users: std::slice::from_ref(&guest.user_id),
            granter: None,
            source: Source::Admin,
            reason: None,
        },
    )?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "guest.promoted",
            target_type: "Guest",
            target_id: id,
            before: Some(json!({"space": space})),
            after: Some(json!({"product": product_key, "role": role, "user": guest.user_id})),
        },
    )?;
    super::effective::of_user(conn, &guest.user_id)
}

/// Removes a guest from the site (and its space).
pub fn remove(conn: &mut DbConn, ctx: &WriteContext, id: &str) -> Result<(), AccessError> {
    let guest = find(conn, id)?;
    let space = leave_space(conn, ctx, &guest)?;
    guests::delete(conn, id)?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "guest.removed",
            target_type: "Guest",
            target_id: id,
            before: Some(json!({"user": guest.user_id, "site": guest.site_id, "space": space})),
            after: None,
        },
    )?;
    Ok(())
}

/// One guest.
pub fn get(conn: &mut DbConn, id: &str) -> Result<GuestView, AccessError> {
    let row = find(conn, id)?;
    view(conn, row)
}

/// Every guest.
pub fn list(conn: &mut DbConn) -> Result<Vec<GuestView>, AccessError> {
    let rows = guests::list(conn)?;
    rows.into_iter().map(|(g, _)| view(conn, g)).collect()
}

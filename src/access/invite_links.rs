//! Invite links (PRODUCT.md §3): anyone holding a link joins its product
//! with no approval, for 30 days or until revoked. A link is dead while
//! invitations are not allowed for its product (IT-only mode, invitations
//! switched off, an invite mode of `off`); a person on one of the
//! organization's verified domains must come through the IdP instead.

use serde::Serialize;
use serde_json::json;

use super::audit::{self, Change};
use super::directories::{hash_token, new_secret};
use super::error::{found, AccessError};
use super::invitations::{invitable_by_users, OPEN_FOR_US};
use super::local_groups::{self, Grant};
use super::products::InviteMode;
use super::{accounts, policy, products, requests, WriteContext};
use crate::access::sources::Source;
use crate::scim::fold::fold;
use crate::scim::resource::format_time;
use crate::store::models::{InviteLinkRow, ProductRow};
use crate::store::{invitations as store, DbConn};

/// A link as the admin API shows it (never its token, which is shown once).
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub id: String,
    pub product: String,
    pub role: String,
    /// `open`, `expired` or `revoked`.
    pub status: &'static str,
    pub created: String,
    pub expires_at: String,
    pub revoked: Option<String>,
}

fn view(row: &InviteLinkRow, now: i64) -> LinkView {
    LinkView {
        id: row.id.clone(),
        product: row.product_key.clone(),
        role: row.role.clone(),
        status: if row.revoked_at.is_some() {
            "revoked"
        } else if row.expires_at <= now {
            "expired"
        } else {
            "open"
        },
        created: format_time(row.created_at),
        expires_at: format_time(row.expires_at),
        revoked: row.revoked_at.map(format_time),
    }
}

/// A link as issued: its token is here and nowhere else.
#[derive(Debug, Clone)]
pub struct IssuedLink {
    pub link: LinkView,
    pub token: String,
}

/// Why invitations are not allowed for a product now, if they are not:
/// `(setting, detail)`.
fn closed(
    conn: &mut DbConn,
    product: &ProductRow,
) -> Result<Option<(&'static str, String)>, AccessError> {
    let policy = policy::for_product(conn, &product.product_key)?;
    if policy.it_only {
        return Ok(Some((
            "it_only",
            "IT-only mode is on: access comes only through the identity provider".into(),
        )));
    }
    if policy.invitations == policy::Invitations::Off {
        return Ok(Some((
            "invitations",
            "invitations are switched off for this site".into(),
        )));
    }
    if InviteMode::of(product) == InviteMode::Off {
        return Ok(Some((
            "invite_mode",
            format!(
                "invitations to \"{}\" are switched off",
                product.product_key
            ),
        )));
    }
    Ok(None)
}

/// Makes a link to a product (its default role unless `role` names
/// another that is not an admin's).
pub fn create(
    conn: &mut DbConn,
    ctx: &WriteContext,
    product: &str,
    role: Option<&str>,
) -> Result<IssuedLink, AccessError> {
    let product = products::find(conn, product)?;
    if let Some((setting, detail)) = closed(conn, &product)? {
        return Err(AccessError::Refused { setting, detail });
    }
    let role = role.unwrap_or(invitable_by_users(&product)).to_owned();
    if !products::roles(&product).contains(&role.as_str()) {
        return Err(AccessError::Invalid(format!(
            "product \"{}\" has no role \"{role}\"",
            product.product_key
        )));
    }
    if ["admin", "user-access-admin"].contains(&role.as_str()) {
        return Err(AccessError::Coded {
            status: 403,
            code: "invite_role",
            detail: format!("a link can't grant the {role} role: anyone holding it would have it"),
        });
    }
    let token = new_secret();
    let row = InviteLinkRow {
        id: crate::access::new_id(ctx.now),
        token_hash: hash_token(&token),
        product_key: product.product_key.clone(),
        role,
        created_by: ctx.actor.id.clone(),
        created_at: ctx.now,
        expires_at: ctx.now + OPEN_FOR_US,
        revoked_at: None,
    };
    store::insert_link(conn, &row)?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "invite_link.created",
            target_type: "InviteLink",
            target_id: &row.id,
            before: None,
            after: Some(
                json!({"product": row.product_key, "role": row.role, "expires_at": format_time(row.expires_at)}),
            ),
        },
    )?;
    Ok(IssuedLink {
        link: view(&row, ctx.now),
        token,
    })
}

/// Links, newest first; one product's when given.
pub fn list(
    conn: &mut DbConn,
    product: Option<&str>,
    now: i64,
) -> Result<Vec<LinkView>, AccessError> {
    let product = match product {
        Some(p) => Some(products::find(conn, p)?.product_key),
        None => None,
    };
    Ok(store::list_links(conn, product.as_deref())?
        .iter()
        .map(|r| view(r, now))
        .collect())
}

/// Revokes a link: joining with it is refused (410) from now on.
pub fn revoke(conn: &mut DbConn, ctx: &WriteContext, id: &str) -> Result<LinkView, AccessError> {
    let row = found(store::find_link(conn, id), || {
        format!("invite link \"{id}\"")
    })?;
    if store::revoke_link(conn, id, ctx.now)? == 0 {
        return Err(AccessError::Conflict(format!(
            "invite link {id} is already revoked"
        )));
    }
    audit::record(
        conn,
        ctx,
        Change {
            action: "invite_link.revoked",
            target_type: "InviteLink",
            target_id: id,
            before: Some(json!({"product": row.product_key})),
            after: None,
        },
    )?;
    let row = found(store::find_link(conn, id), || {
        format!("invite link \"{id}\"")
    })?;
    Ok(view(&row, ctx.now))
}

/// The live link a token opens, with its product; a dead one is gone (410).
fn live(
    conn: &mut DbConn,
    token: &str,
    now: i64,
) -> Result<(InviteLinkRow, ProductRow), AccessError> {
    let row = store::link_by_hash(conn, &hash_token(token))?
        .ok_or_else(|| AccessError::NotFound("no such invite link".into()))?;
    let gone = |detail: &str| AccessError::Gone {
        setting: None,
        detail: detail.to_owned(),
    };
    if row.revoked_at.is_some() {
        return Err(gone("this invite link was revoked"));
    }
    if row.expires_at <= now {
        return Err(gone("this invite link has expired"));
    }
    let product = products::find(conn, &row.product_key)?;
    if let Some((setting, detail)) = closed(conn, &product)? {
        return Err(AccessError::Gone {
            setting: Some(setting),
            detail: format!("this invite link is dead: {detail}"),
        });
    }
    Ok((row, product))
}

/// What a product shows someone who opens a link.
pub fn info(conn: &mut DbConn, token: &str, now: i64) -> Result<LinkView, AccessError> {
    let (row, _) = live(conn, token, now)?;
    Ok(view(&row, now))
}

/// What joining through a link came to.
#[derive(Debug, Clone, Serialize)]
pub struct JoinView {
    /// `joined`, or `pending` when the product's invite mode wants an
    /// admin's approval (an access request was filed).
    pub status: &'static str,
    pub user: Option<String>,
    pub request: Option<String>,
    pub product: String,
    pub role: String,
}

/// Joins a link's product: the person with that verified email (their
/// account, made if new) joins the role's group. People of the
/// organization's verified domains come through the IdP instead.
pub fn join(
    conn: &mut DbConn,
    ctx: &WriteContext,
    token: &str,
    email: &str,
    email_verified: bool,
) -> Result<JoinView, AccessError> {
    let (row, product) = live(conn, token, ctx.now)?;
    let email = fold(email.trim());
    if !super::emails::looks_like_email(&email) {
        return Err(AccessError::Invalid(format!(
            "\"{email}\" is not an email address"
        )));
    }
    if !email_verified {
        return Err(AccessError::Forbidden(
            "joining through a link needs a verified email address".into(),
        ));
    }
    let policy = policy::for_product(conn, &product.product_key)?;
    if policy.is_verified_domain(&email) {
        return Err(AccessError::Forbidden(format!(
            "{email} is on a domain the organization manages: its people get access through the identity provider"
        )));
    }
    if InviteMode::of(&product) == InviteMode::ApprovedDomains
        && policy.domain_mode(&email).is_none()
    {
        return Err(AccessError::Refused {
            setting: "invite_mode",
            detail: format!(
                "\"{}\" takes people only from approved domains; {email}'s is not one",
                product.product_key
            ),
        });
    }
    if InviteMode::of(&product) == InviteMode::AdminApproval {
        let request = requests::file_for(conn, ctx, &product, &email, "invite_link", None)?;
        return Ok(JoinView {
            status: "pending",
            user: None,
            request: Some(request),
            product: row.product_key,
            role: row.role,
        });
    }
    let user = accounts::find_or_create_member(conn, ctx, &email, true)?;
    let group = products::role_group(conn, ctx, &product, &row.role)?;
    local_groups::add_members(
        conn,
        ctx,
        &group.id,
        Grant {
            users: std::slice::from_ref(&user.id),
            granter: None,
            source: Source::InviteLink,
            reason: None,
        },
    )?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "invite_link.joined",
            target_type: "InviteLink",
            target_id: &row.id,
            before: None,
            after: Some(
                json!({"user": user.id, "email": email, "product": row.product_key, "role": row.role}),
            ),
        },
    )?;
    Ok(JoinView {
        status: "joined",
        user: Some(user.id),
        request: None,
        product: row.product_key,
        role: row.role,
    })
}

//! Invitations: someone invites an email address to a product role; the
//! person accepting it joins the role's group. Governed by the policy (who
//! may invite: admins or users; refused in IT-only mode) and the product's
//! invite mode (whom: anyone, approved domains, with an admin's approval,
//! nobody). An invitation is open for 30 days, then expired; an admin may
//! revoke it, and turning IT-only mode on or invitations off revokes every
//! open one.

use serde::Serialize;
use serde_json::json;

use super::audit::{self, Change};
use super::error::{found, AccessError};
use super::local_groups::{self, Grant};
use super::person_views;
use super::policy::Invitations;
use super::products::InviteMode;
use super::{accounts, effective, policy, products, requests, WriteContext};
use crate::access::sources::Source;
use crate::scim::fold::fold;
use crate::scim::resource::format_time;
use crate::store::models::{InvitationRow, ProductRow};
use crate::store::{invitations as store, persons as store_persons, DbConn};

/// How long an invitation (or an invite link) stays open.
pub const OPEN_FOR_US: i64 = 30 * 24 * 3600 * 1_000_000;

/// An invitation as the APIs show it.
#[derive(Debug, Clone, Serialize)]
pub struct InvitationView {
    pub id: String,
    pub product: String,
    pub role: String,
    pub email: String,
    pub invited_by: Option<String>,
    /// `open`, `accepted`, `revoked` or `expired`.
    pub status: String,
    pub user: Option<String>,
    pub created: String,
    pub expires: String,
    pub accepted: Option<String>,
    pub closed: Option<String>,
    /// Why it was revoked: `admin`, `it_only`, `invitations_off`.
    pub closed_reason: Option<String>,
}

/// The status an invitation has at `now`: an open one past its expiry is
/// expired (nothing needs to write that down).
fn status_at(row: &InvitationRow, now: i64) -> String {
    if row.status == "open" && row.expires_at <= now {
        "expired".into()
    } else {
        row.status.clone()
    }
}

fn view(row: InvitationRow, now: i64) -> InvitationView {
    InvitationView {
        status: status_at(&row, now),
        id: row.id,
        product: row.product_key,
        role: row.role,
        email: row.email,
        invited_by: row.invited_by,
        user: row.user_id,
        created: format_time(row.created_at),
        expires: format_time(row.expires_at),
        accepted: row.accepted_at.map(format_time),
        closed: row.closed_at.map(format_time),
        closed_reason: row.closed_reason,
    }
}

/// What a product sends to invite someone.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub email: String,
    pub product: String,
    pub role: String,
    /// The inviting user (an account id, a person id or an email); none
    /// when an admin invites through the product.
    pub invited_by: Option<String>,
}

/// What an invitation came to.
#[derive(Debug, Clone)]
pub enum Invited {
    /// Sent: the invitee may accept it.
    Sent(InvitationView),
    /// The product's invite mode wants an admin's approval: an access
    /// request about the invitee was filed instead.
    PendingApproval(requests::RequestView),
}

/// The role a product's users may invite others as: its default group's
/// (`user`), or `customer` on a service desk, where `user` is an agent.
pub fn invitable_by_users(product: &ProductRow) -> &'static str {
    if product.service_desk {
        products::CUSTOMER
    } else {
        "user"
    }
}

/// The roles the person an inviter names holds on a product, through any
/// of their accounts.
fn roles_of_inviter(
    conn: &mut DbConn,
    inviter: &str,
    product: &str,
) -> Result<Vec<String>, AccessError> {
    let person = person_views::find(conn, inviter)?
        .ok_or_else(|| AccessError::NotFound(format!("inviter \"{inviter}\" not found")))?;
    if !person.live {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = store_persons::accounts(conn, &person.id)?
        .into_iter()
        .map(|a| a.id)
        .collect();
    Ok(effective::of_users(conn, &ids)?
        .into_values()
        .flatten()
        .filter(|e| e.product == product)
        .map(|e| e.role)
        .collect())
}

/// Refuses what no invitation may do on this product now: IT-only mode,
/// invitations switched off by the policy or by the product's mode.
fn check_open(conn: &mut DbConn, product: &ProductRow) -> Result<policy::Policy, AccessError> {
    let policy = policy::for_product(conn, &product.product_key)?;
    policy.refuse_if_it_only("invitations")?;
    if policy.invitations == Invitations::Off {
        return Err(AccessError::Refused {
            setting: "invitations",
            detail: "invitations are switched off for this site".into(),
        });
    }
    if InviteMode::of(product) == InviteMode::Off {
        return Err(AccessError::Refused {
            setting: "invite_mode",
            detail: format!(
                "invitations to \"{}\" are switched off (invite mode off)",
                product.product_key
            ),
        });
    }
    Ok(policy)
}

/// Sends an invitation, if the policy and the product's mode let the
/// inviter invite this address as this role. Users invite only to a
/// product they hold and only as its default role; admin, user-access-admin
/// and agent roles are invited only by admins (403 `invite_role`).
pub fn invite(
    conn: &mut DbConn,
    ctx: &WriteContext,
    new: &NewInvitation,
) -> Result<Invited, AccessError> {
    let product = products::find(conn, &new.product)?;
    let policy = check_open(conn, &product)?;
    if !products::roles(&product).contains(&new.role.as_str()) {
        return Err(AccessError::Invalid(format!(
            "product \"{}\" has no role \"{}\"",
            product.product_key, new.role
        )));
    }
    if let Some(inviter) = &new.invited_by {
        let held = roles_of_inviter(conn, inviter, &product.product_key)?;
        let administers = held
            .iter()
            .any(|r| r == "admin" || r == "user-access-admin");
        if !administers {
            if policy.invitations == Invitations::Admins {
                return Err(AccessError::Refused {
                    setting: "invitations",
                    detail: format!(
                        "only admins may invite to \"{}\"; {inviter} is not one",
                        product.product_key
                    ),
                });
            }
            if held.is_empty() {
                return Err(AccessError::Forbidden(format!(
                    "{inviter} can't invite to \"{}\" without having it",
                    product.product_key
                )));
            }
            let allowed = invitable_by_users(&product);
            if new.role != allowed {
                return Err(AccessError::Coded {
                    status: 403,
                    code: "invite_role",
                    detail: format!(
                        "users invite to \"{}\" only as {allowed}; the {} role is granted by admins",
                        product.product_key, new.role
                    ),
                });
            }
        }
    }
    let email = fold(new.email.trim());
    if !super::emails::looks_like_email(&email) {
        return Err(AccessError::Invalid(format!(
            "\"{}\" is not an email address",
            new.email
        )));
    }
    let mode = InviteMode::of(&product);
    if mode == InviteMode::ApprovedDomains && policy.domain_mode(&email).is_none() {
        return Err(AccessError::Refused {
            setting: "invite_mode",
            detail: format!(
                "\"{}\" takes invitations only for approved domains; {email}'s is not one",
                product.product_key
            ),
        });
    }
    if mode == InviteMode::AdminApproval {
        return Ok(Invited::PendingApproval(approval_request(
            conn,
            ctx,
            &product,
            &email,
            new.invited_by.as_deref(),
        )?));
    }
    if let Some(open) = store::open_for(conn, &product.product_key, &email, ctx.now)? {
        return Err(AccessError::Conflict(format!(
            "invitation {} to {email} is already open",
            open.id
        )));
    }
    let row = InvitationRow {
        id: crate::access::new_id(ctx.now),
        product_key: product.product_key.clone(),
        role: new.role.clone(),
        email,
        invited_by: new.invited_by.clone(),
        status: "open".into(),
        user_id: None,
        created_at: ctx.now,
        accepted_at: None,
        expires_at: ctx.now + OPEN_FOR_US,
        closed_at: None,
        closed_reason: None,
    };
    store::insert(conn, &row)?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "invitation.sent",
            target_type: "Invitation",
            target_id: &row.id,
            before: None,
            after: Some(
                json!({"email": row.email, "product": row.product_key, "role": row.role, "invited_by": row.invited_by}),
            ),
        },
    )?;
    Ok(Invited::Sent(view(row, ctx.now)))
}

/// An access request about an invitee, for a product whose invitations
/// need an admin's approval: approving it lets them in as a request would.
fn approval_request(
    conn: &mut DbConn,
    ctx: &WriteContext,
    product: &ProductRow,
    email: &str,
    inviter: Option<&str>,
) -> Result<requests::RequestView, AccessError> {
    let inviter = match inviter {
        Some(i) => person_views::find(conn, i)?.and_then(|p| p.email_key),
        None => None,
    };
    let id = requests::file_for(conn, ctx, product, email, "invitation", inviter)?;
    requests::get(conn, &id)
}

/// Accepts an invitation: the account is linked (or made), and joins the
/// group of the invited role. A closed or expired invitation is gone (410).
pub fn accept(
    conn: &mut DbConn,
    ctx: &WriteContext,
    id: &str,
) -> Result<InvitationView, AccessError> {
    let mut row = found(store::find(conn, id), || format!("invitation \"{id}\""))?;
    let status = status_at(&row, ctx.now);
    if status != "open" {
        return Err(AccessError::Gone {
            setting: None,
            detail: format!("invitation {id} is {status}; ask for a new one"),
        });
    }
    let product = products::find(conn, &row.product_key)?;
    check_open(conn, &product)?;
    // Accepting proves the invited address.
    let user = accounts::find_or_create_member(conn, ctx, &row.email, true)?;
    let group = products::role_group(conn, ctx, &product, &row.role)?;
    local_groups::add_members(
        conn,
        ctx,
        &group.id,
        Grant {
            users: std::slice::from_ref(&user.id),
            granter: None,
            source: Source::Invitation,
            reason: None,
        },
    )?;
    row.status = "accepted".into();
    row.user_id = Some(user.id.clone());
    row.accepted_at = Some(ctx.now);
    store::update(conn, &row)?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "invitation.accepted",
            target_type: "Invitation",
            target_id: id,
            before: Some(json!({"status": "open"})),
            after: Some(json!({"status": "accepted", "user": user.id})),
        },
    )?;
    Ok(view(row, ctx.now))
}

/// Invitations, newest first, by status (as shown) and product.
pub fn list(
    conn: &mut DbConn,
    status: Option<&str>,
    product: Option<&str>,
    now: i64,
    offset: i64,
    limit: i64,
) -> Result<Vec<InvitationView>, AccessError> {
    if let Some(s) = status {
        if !["open", "accepted", "revoked", "expired"].contains(&s) {
            return Err(AccessError::Invalid(format!(
                "status is open, accepted, revoked or expired; not \"{s}\""
            )));
        }
    }
    let product = match product {
        Some(p) => Some(products::find(conn, p)?.product_key),
        None => None,
    };
    Ok(
        store::list(conn, status, product.as_deref(), now, offset, limit)?
            .into_iter()
            .map(|r| view(r, now))
            .collect(),
    )
}

/// One invitation.
pub fn get(conn: &mut DbConn, id: &str, now: i64) -> Result<InvitationView, AccessError> {
    let row = found(store::find(conn, id), || format!("invitation \"{id}\""))?;
    Ok(view(row, now))
}

/// Revokes an open invitation (an admin's doing).
pub fn revoke(
    conn: &mut DbConn,
    ctx: &WriteContext,
    id: &str,
) -> Result<InvitationView, AccessError> {
    let row = found(store::find(conn, id), || format!("invitation \"{id}\""))?;
    let status = status_at(&row, ctx.now);
    if status != "open" {
        return Err(AccessError::Conflict(format!(
            "invitation {id} is {status}, not open"
        )));
    }
    Ok(view(close(conn, ctx, row, "admin")?, ctx.now))
}

fn close(
    conn: &mut DbConn,
    ctx: &WriteContext,
    mut row: InvitationRow,
    reason: &str,
) -> Result<InvitationRow, AccessError> {
    row.status = "revoked".into();
    row.closed_at = Some(ctx.now);
    row.closed_reason = Some(reason.to_owned());
    store::update(conn, &row)?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "invitation.revoked",
            target_type: "Invitation",
            target_id: &row.id,
            before: Some(json!({"status": "open"})),
            after: Some(json!({"status": "revoked", "reason": reason})),
        },
    )?;
    Ok(row)
}

/// Revokes the open invitations to these products that their policy or
/// mode no longer allows (IT-only mode on, invitations switched off),
/// each with its reason and audited. Returns their ids.
pub fn close_disallowed(
    conn: &mut DbConn,
    ctx: &WriteContext,
    product_keys: &[String],
) -> Result<Vec<String>, AccessError> {
    let mut closed = Vec::new();
    for row in store::open_to(conn, product_keys, ctx.now)? {
        let product = products::find(conn, &row.product_key)?;
        let reason = match check_open(conn, &product) {
            Ok(_) => continue,
            Err(AccessError::Refused {
                setting: "it_only", ..
            }) => "it_only",
            Err(AccessError::Refused { .. }) => "invitations_off",
            Err(e) => return Err(e),
        };
        closed.push(close(conn, ctx, row, reason)?.id);
    }
    Ok(closed)
}

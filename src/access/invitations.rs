//! Invitations and approved-domain signups: ways into a product outside
//! the IdP, each governed by the policy and refused in IT-only mode.

use serde::Serialize;
use serde_json::json;

use super::audit::{self, Change};
use super::error::{found, AccessError};
use super::local_groups::{self, Grant};
use super::policy::{DomainMode, Invitations};
use super::{accounts, effective, policy, products, requests, WriteContext};
use crate::scim::resource::format_time;
use crate::store::models::{AccessRequestRow, InvitationRow};
use crate::store::{requests as store_requests, users, DbConn};

/// Membership source of access from an accepted invitation.
pub const SOURCE_INVITATION: &str = "invitation";
/// Membership source of access from an approved-domain signup.
pub const SOURCE_DOMAIN: &str = "approved_domain";

/// An invitation as the APIs show it.
#[derive(Debug, Clone, Serialize)]
pub struct InvitationView {
    pub id: String,
    pub product: String,
    pub role: String,
    pub email: String,
    pub invited_by: Option<String>,
    pub status: String,
    pub user: Option<String>,
    pub created: String,
    pub accepted: Option<String>,
}

impl From<InvitationRow> for InvitationView {
    fn from(r: InvitationRow) -> Self {
        InvitationView {
            id: r.id,
            product: r.product_key,
            role: r.role,
            email: r.email,
            invited_by: r.invited_by,
            status: r.status,
            user: r.user_id,
            created: format_time(r.created_at),
            accepted: r.accepted_at.map(format_time),
        }
    }
}

/// What a product sends to invite someone.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub email: String,
    pub product: String,
    pub role: String,
    /// The inviting user; none when an admin invites through the product.
    pub invited_by: Option<String>,
}

/// Sends an invitation, if the policy lets the inviter.
pub fn invite(
    conn: &mut DbConn,
    ctx: &WriteContext,
    new: &NewInvitation,
) -> Result<InvitationView, AccessError> {
    let product = products::find(conn, &new.product)?;
    let policy = policy::for_product(conn, &product.product_key)?;
    policy.refuse_if_it_only("invitations")?;
    if policy.invitations == Invitations::Off {
        return Err(AccessError::Refused {
            setting: "invitations",
            detail: "invitations are switched off for this site".into(),
        });
    }
    if !products::roles(&product).contains(&new.role.as_str()) {
        return Err(AccessError::Invalid(format!(
            "product \"{}\" has no role \"{}\"",
            product.product_key, new.role
        )));
    }
    if let Some(inviter) = &new.invited_by {
        let user = found(users::find(conn, None, inviter), || {
            format!("inviter \"{inviter}\"")
        })?;
        let held = effective::of_users(conn, std::slice::from_ref(&user.id))?
            .remove(&user.id)
            .unwrap_or_default();
        let on_product: Vec<&str> = held
            .iter()
            .filter(|e| e.product == product.product_key)
            .map(|e| e.role.as_str())
            .collect();
        let administers = on_product
            .iter()
            .any(|r| *r == "admin" || *r == "user-access-admin");
        match policy.invitations {
            Invitations::Admins if !administers => {
                return Err(AccessError::Refused {
                    setting: "invitations",
                    detail: format!(
                        "only admins may invite to \"{}\"; {} is not one",
                        product.product_key, user.user_name
                    ),
                })
            }
            Invitations::Users if !administers && !on_product.contains(&"user") => {
                return Err(AccessError::Forbidden(format!(
                    "{} can't invite to \"{}\" without having it",
                    user.user_name, product.product_key
                )))
            }
            _ => {}
        }
    }
    let email = new.email.trim().to_lowercase();
    if !accounts::looks_like_email(&email) {
        return Err(AccessError::Invalid(format!(
            "\"{}\" is not an email address",
            new.email
        )));
    }
    if let Some(open) = store_requests::open_invitation(conn, &product.product_key, &email)? {
        return Err(AccessError::Conflict(format!(
            "invitation {} to {email} is already open",
            open.id
        )));
    }
    let row = InvitationRow {
        id: crate::access::new_id(),
        product_key: product.product_key.clone(),
        role: new.role.clone(),
        email,
        invited_by: new.invited_by.clone(),
        status: "sent".into(),
        user_id: None,
        created_at: ctx.now,
        accepted_at: None,
    };
    store_requests::insert_invitation(conn, &row)?;
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
    Ok(row.into())
}

/// Accepts an invitation: the account is linked (or made), and joins the
/// group of the invited role.
pub fn accept(
    conn: &mut DbConn,
    ctx: &WriteContext,
    id: &str,
) -> Result<InvitationView, AccessError> {
    let mut row = found(store_requests::find_invitation(conn, id), || {
        format!("invitation \"{id}\"")
    })?;
    if row.status != "sent" {
        return Err(AccessError::Conflict(format!(
            "invitation {id} is {}, not open",
            row.status
        )));
    }
    let product = products::find(conn, &row.product_key)?;
    policy::for_product(conn, &product.product_key)?.refuse_if_it_only("invitations")?;
    // Accepting proves the invited address.
    let user = accounts::find_or_create_member(conn, ctx, &row.email, true)?;
    let group = products::role_group(conn, ctx, &product, &row.role)?;
    local_groups::add_members(
        conn,
        ctx,
        &group.id,
        Grant {
            users: std::slice::from_ref(&user.id),
            acting_as: None,
            source: SOURCE_INVITATION,
            reason: None,
        },
    )?;
    row.status = "accepted".into();
    row.user_id = Some(user.id.clone());
    row.accepted_at = Some(ctx.now);
    store_requests::update_invitation(conn, &row)?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "invitation.accepted",
            target_type: "Invitation",
            target_id: id,
            before: Some(json!({"status": "sent"})),
            after: Some(json!({"status": "accepted", "user": user.id})),
        },
    )?;
    Ok(row.into())
}

/// What a signup came to.
#[derive(Debug, Clone, Serialize)]
pub struct SignupView {
    /// `joined` (direct) or `pending` (a request awaits an admin).
    pub status: &'static str,
    pub user: Option<String>,
    pub request: Option<String>,
    pub product: String,
}

/// A person with a verified email on an approved domain joins a product by
/// themselves, directly or through a request, as the domain's mode says.
pub fn signup(
    conn: &mut DbConn,
    ctx: &WriteContext,
    email: &str,
    product_key: &str,
    email_verified: bool,
) -> Result<SignupView, AccessError> {
    let product = products::find(conn, product_key)?;
    let policy = policy::for_product(conn, &product.product_key)?;
    policy.refuse_if_it_only("approved-domain signups")?;
    let email = email.trim().to_lowercase();
    if !accounts::looks_like_email(&email) {
        return Err(AccessError::Invalid(format!(
            "\"{email}\" is not an email address"
        )));
    }
    if !email_verified {
        return Err(AccessError::Forbidden(
            "signing up needs a verified email address".into(),
        ));
    }
    let Some(mode) = policy.domain_mode(&email) else {
        return Err(AccessError::Refused {
            setting: "approved_domains",
            detail: format!("the domain of {email} is not an approved domain"),
        });
    };
    match mode {
        DomainMode::Direct => {
            let user = accounts::find_or_create_member(conn, ctx, &email, true)?;
            local_groups::add_members(
                conn,
                ctx,
                &product.default_group_id,
                Grant {
                    users: std::slice::from_ref(&user.id),
                    acting_as: None,
                    source: SOURCE_DOMAIN,
                    reason: None,
                },
            )?;
            Ok(SignupView {
                status: "joined",
                user: Some(user.id),
                request: None,
                product: product.product_key,
            })
        }
        DomainMode::Approval => {
            let existing = users::find_by_email(conn, &email)?;
            let subject_id = existing.as_ref().map(|u| u.id.clone());
            requests::check_may_ask(conn, &product.product_key, subject_id.as_deref(), &email)?;
            let row = AccessRequestRow {
                id: crate::access::new_id(),
                product_key: product.product_key.clone(),
                requester_id: subject_id.clone(),
                requester_email: Some(email.clone()),
                subject_id: subject_id.clone(),
                subject_email: Some(email),
                email_verified: true,
                origin: "approved_domain".into(),
                status: "pending".into(),
                message: None,
                created_at: ctx.now,
                decided_at: None,
                decided_by: None,
            };
            requests::insert(conn, ctx, &row)?;
            Ok(SignupView {
                status: "pending",
                user: subject_id,
                request: Some(row.id),
                product: product.product_key,
            })
        }
    }
}

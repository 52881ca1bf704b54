//! Access requests (seed 000): a user who can't reach a product asks for
//! it, for themselves or for someone else; an admin approves (the subject
//! joins the product's default group and licensing starts) or denies (and
//! the subject can never request that product again).

use serde::Serialize;
use serde_json::{json, Value};

use super::audit::{self, Change};
use super::error::{found, AccessError};
use super::local_groups::{self, Grant};
use super::people::{self, Person};
use super::{accounts, effective, policy, products, WriteContext};
use crate::access::sources::Source;
use crate::scim::resource::format_time;
use crate::store::models::{AccessRequestRow, UserRow};
use crate::store::{requests, users, DbConn};

/// What a product sends to file a request.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub requester: String,
    pub product: String,
    pub for_whom: Option<String>,
    pub email_verified: bool,
}

/// The roles that mean a user can use a product.
const USING_ROLES: [&str; 2] = ["user", "admin"];

fn holds(conn: &mut DbConn, user_id: &str, product: &str) -> Result<bool, AccessError> {
    Ok(effective::of_users(conn, &[user_id.to_owned()])?
        .remove(user_id)
        .unwrap_or_default()
        .iter()
        .any(|e| e.product == product && USING_ROLES.contains(&e.role.as_str())))
}

fn check_usable(user: &UserRow, who: &str) -> Result<(), AccessError> {
    if !user.active || user.suspended {
        return Err(AccessError::Forbidden(format!(
            "the {who} is deactivated or suspended"
        )));
    }
    Ok(())
}

/// Files a request, after every rule of the policy and the seed.
pub fn create(
    conn: &mut DbConn,
    ctx: &WriteContext,
    new: &NewRequest,
) -> Result<RequestView, AccessError> {
    let product = products::find(conn, &new.product)?;
    let policy = policy::for_product(conn, &product.product_key)?;
    policy.refuse_if_it_only("access requests")?;
    if !policy.access_requests {
        return Err(AccessError::Refused {
            setting: "access_requests",
            detail: "access requests are switched off for this site".into(),
        });
    }
    let requester = people::resolve(conn, &new.requester)?;
    let subject = match &new.for_whom {
        Some(f) => people::resolve(conn, f)?,
        None => requester.clone(),
    };
    let for_self = subject.same_as(&requester);
    match &requester {
        Person::Email(_) => {
            // A new user: verified email, and only for themselves.
            if !new.email_verified {
                return Err(AccessError::Forbidden(
                    "a new user needs a verified email address to request access".into(),
                ));
            }
            if !for_self {
                return Err(AccessError::Forbidden(
                    "a new user can request access only for themselves".into(),
                ));
            }
        }
        Person::User(user) => {
            check_usable(user, "requester")?;
            if !for_self && !holds(conn, &user.id, &product.product_key)? {
                return Err(AccessError::Forbidden(format!(
                    "a user can request \"{}\" for someone else only if they have it",
                    product.product_key
                )));
            }
        }
    }
    if let Person::User(user) = &subject {
        if user.portal_only {
            return Err(AccessError::Forbidden(
                "portal-only customers can never be given product access".into(),
            ));
        }
        if holds(conn, &user.id, &product.product_key)? {
            return Err(AccessError::Conflict(format!(
                "{} already has \"{}\"",
                user.user_name, product.product_key
            )));
        }
    }
    let email = subject.email_key();
    check_may_ask(conn, &product.product_key, subject.user_id(), &email)?;
    let row = AccessRequestRow {
        id: crate::access::new_id(ctx.now),
        product_key: product.product_key.clone(),
        requester_id: requester.user_id().map(str::to_owned),
        requester_email: Some(requester.email_key()),
        subject_id: subject.user_id().map(str::to_owned),
        subject_email: Some(email),
        email_verified: new.email_verified,
        origin: "request".into(),
        status: "pending".into(),
        message: None,
        created_at: ctx.now,
        decided_at: None,
        decided_by: None,
    };
    insert(conn, ctx, &row)?;
    view(conn, row)
}

/// Refuses a request about someone denied that product before (for good)
/// or with one already pending.
pub fn check_may_ask(
    conn: &mut DbConn,
    product: &str,
    subject_id: Option<&str>,
    email: &str,
) -> Result<(), AccessError> {
    if requests::find_about(conn, product, subject_id, Some(email), "denied")?.is_some() {
        return Err(AccessError::Forbidden(format!(
            "a request of {email} for \"{product}\" was denied; it can't be requested again"
        )));
    }
    if let Some(open) = requests::find_about(conn, product, subject_id, Some(email), "pending")? {
        return Err(AccessError::Conflict(format!(
            "request {} for the same person and product is already pending",
            open.id
        )));
    }
    Ok(())
}

/// Records a new pending request (also used by approved-domain signups).
pub fn insert(
    conn: &mut DbConn,
    ctx: &WriteContext,
    row: &AccessRequestRow,
) -> Result<(), AccessError> {
    requests::insert(conn, row)?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "access_request.created",
            target_type: "AccessRequest",
            target_id: &row.id,
            before: None,
            after: Some(
                json!({"product": row.product_key, "requester": row.requester_email, "subject": row.subject_email, "origin": row.origin}),
            ),
        },
    )?;
    Ok(())
}

fn find(conn: &mut DbConn, id: &str) -> Result<AccessRequestRow, AccessError> {
    found(requests::find(conn, id), || {
        format!("access request \"{id}\"")
    })
}

fn decide(
    conn: &mut DbConn,
    ctx: &WriteContext,
    id: &str,
) -> Result<AccessRequestRow, AccessError> {
    let row = find(conn, id)?;
    if row.status != "pending" {
        return Err(AccessError::Conflict(format!(
            "access request {id} is {}, not pending",
            row.status
        )));
    }
    let mut row = row;
    row.decided_at = Some(ctx.now);
    row.decided_by = Some(ctx.actor.id.clone());
    Ok(row)
}

/// Approves a request: the subject (made an account if new) joins the
/// product's default group, and licensing starts.
pub fn approve(
    conn: &mut DbConn,
    ctx: &WriteContext,
    id: &str,
) -> Result<RequestView, AccessError> {
    let mut row = decide(conn, ctx, id)?;
    let product = products::find(conn, &row.product_key)?;
    policy::for_product(conn, &product.product_key)?
        .refuse_if_it_only("access request approvals")?;
    let subject = match &row.subject_id {
        Some(uid) => users::find(conn, None, uid).map_err(|_| {
            AccessError::Conflict(format!("the subject of request {id} no longer exists"))
        })?,
        // The address is proven only when its owner asked, with a
        // verified email; one typed by someone else links to no person.
        None => accounts::find_or_create_member(
            conn,
            ctx,
            row.subject_email.as_deref().unwrap_or_default(),
            row.email_verified && row.requester_email == row.subject_email,
        )?,
    };
    local_groups::add_members(
        conn,
        ctx,
        &product.default_group_id,
        Grant {
            users: std::slice::from_ref(&subject.id),
            granter: None,
            // A signup that needed approval keeps its own source.
            source: if row.origin == "approved_domain" {
                Source::ApprovedDomain
            } else {
                Source::AccessRequest
            },
            reason: None,
        },
    )?;
    row.subject_id = Some(subject.id.clone());
    row.status = "approved".into();
    requests::update(conn, &row)?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "access_request.approved",
            target_type: "AccessRequest",
            target_id: id,
            before: Some(json!({"status": "pending"})),
            after: Some(
                json!({"status": "approved", "user": subject.id, "product": row.product_key}),
            ),
        },
    )?;
    view(conn, row)
}

/// Denies a request, with an optional message; the subject can never
/// request that product again.
pub fn deny(
    conn: &mut DbConn,
    ctx: &WriteContext,
    id: &str,
    message: Option<&str>,
) -> Result<RequestView, AccessError> {
    let mut row = decide(conn, ctx, id)?;
    row.status = "denied".into();
    row.message = message.map(str::to_owned);
    requests::update(conn, &row)?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "access_request.denied",
            target_type: "AccessRequest",
            target_id: id,
            before: Some(json!({"status": "pending"})),
            after: Some(json!({"status": "denied", "message": message})),
        },
    )?;
    view(conn, row)
}

/// Closes every pending request of these products (IT-only mode turned on).
pub fn close_pending(
    conn: &mut DbConn,
    ctx: &WriteContext,
    products: &[String],
) -> Result<Vec<String>, AccessError> {
    let mut closed = Vec::new();
    for mut row in requests::pending_for(conn, products)? {
        row.status = "closed".into();
        row.decided_at = Some(ctx.now);
        row.decided_by = Some(ctx.actor.id.clone());
        row.message = Some("closed: IT-only mode was turned on".into());
        requests::update(conn, &row)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "access_request.closed",
                target_type: "AccessRequest",
                target_id: &row.id,
                before: Some(json!({"status": "pending"})),
                after: Some(json!({"status": "closed", "setting": "it_only"})),
            },
        )?;
        closed.push(row.id);
    }
    Ok(closed)
}

/// A request as admins review it: everything known about the people in it.
#[derive(Debug, Clone, Serialize)]
pub struct RequestView {
    pub id: String,
    pub product: String,
    pub status: String,
    pub origin: String,
    pub requester: Value,
    pub subject: Value,
    pub for_self: bool,
    pub email_verified: bool,
    pub message: Option<String>,
    pub created: String,
    pub decided: Option<String>,
    pub decided_by: Option<String>,
}

/// What an admin needs to know about a person in a request.
fn person(conn: &mut DbConn, id: Option<&str>, email: Option<&str>) -> Result<Value, AccessError> {
    let Some(user) = id.and_then(|i| users::find(conn, None, i).ok()) else {
        return Ok(json!({"id": null, "email": email, "new_user": true}));
    };
    let access = effective::of_user(conn, &user.id)?;
    let products: Vec<String> = access.entitlements.iter().map(|e| e.value()).collect();
    Ok(json!({
        "id": user.id,
        "email": email,
        "userName": user.user_name,
        "displayName": user.display_name,
        "directory": user.directory_id,
        "synced": user.directory_id != super::LOCAL_DIRECTORY,
        "active": user.active,
        "suspended": user.suspended,
        "new_user": false,
        "entitlements": products,
        "created": format_time(user.created_at),
    }))
}

/// Renders a request.
pub fn view(conn: &mut DbConn, row: AccessRequestRow) -> Result<RequestView, AccessError> {
    let requester = person(
        conn,
        row.requester_id.as_deref(),
        row.requester_email.as_deref(),
    )?;
    let subject = person(
        conn,
        row.subject_id.as_deref(),
        row.subject_email.as_deref(),
    )?;
    Ok(RequestView {
        for_self: row.requester_email == row.subject_email,
        id: row.id,
        product: row.product_key,
        status: row.status,
        origin: row.origin,
        requester,
        subject,
        email_verified: row.email_verified,
        message: row.message,
        created: format_time(row.created_at),
        decided: row.decided_at.map(format_time),
        decided_by: row.decided_by,
    })
}

/// Requests, optionally in one status.
pub fn list(conn: &mut DbConn, status: Option<&str>) -> Result<Vec<RequestView>, AccessError> {
    if let Some(s) = status {
        if !["pending", "approved", "denied", "closed"].contains(&s) {
            return Err(AccessError::Invalid(format!(
                "status is pending, approved, denied or closed, not \"{s}\""
            )));
        }
    }
    let rows = requests::list(conn, status)?;
    rows.into_iter().map(|r| view(conn, r)).collect()
}

/// How many requests are in `status` (without building their views).
pub fn count(conn: &mut DbConn, status: &str) -> Result<usize, AccessError> {
    Ok(requests::list(conn, Some(status))?.len())
}

/// The `limit` newest decided (approved or denied) requests, newest first.
pub fn recently_decided(conn: &mut DbConn, limit: i64) -> Result<Vec<RequestView>, AccessError> {
    let mut rows = requests::newest(conn, "approved", limit)?;
    rows.extend(requests::newest(conn, "denied", limit)?);
    rows.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    rows.into_iter().map(|r| view(conn, r)).collect()
}

/// One request.
pub fn get(conn: &mut DbConn, id: &str) -> Result<RequestView, AccessError> {
    let row = find(conn, id)?;
    view(conn, row)
}

/// Files a pending request for a person who joins a product but needs an
/// admin's approval (`origin`: `approved_domain`, `invitation`,
/// `invite_link`); returns its id. The requester is the person joining,
/// or, for an invitation, the inviter (`inviter`, an email). `email` is
/// verified by the caller's road (a signup or a link requires it), except
/// for an invitation, which the invitee has not answered yet.
pub fn file_for(
    conn: &mut DbConn,
    ctx: &WriteContext,
    product: &crate::store::models::ProductRow,
    email: &str,
    origin: &str,
    inviter: Option<String>,
) -> Result<String, AccessError> {
    let existing = users::find_by_email(conn, email)?;
    let subject_id = existing.as_ref().map(|u| u.id.clone());
    check_may_ask(conn, &product.product_key, subject_id.as_deref(), email)?;
    let row = AccessRequestRow {
        id: crate::access::new_id(ctx.now),
        product_key: product.product_key.clone(),
        requester_id: if inviter.is_some() {
            None
        } else {
            subject_id.clone()
        },
        requester_email: inviter.or_else(|| Some(email.to_owned())),
        subject_id,
        subject_email: Some(email.to_owned()),
        email_verified: origin != "invitation",
        origin: origin.to_owned(),
        status: "pending".into(),
        message: None,
        created_at: ctx.now,
        decided_at: None,
        decided_by: None,
    };
    insert(conn, ctx, &row)?;
    Ok(row.id)
}

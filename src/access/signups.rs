//! Approved-domain signups: a person with a verified email on an approved
//! domain joins a product by themselves, directly or through a request.

use serde::Serialize;

use super::error::AccessError;
use super::invitations::SOURCE_DOMAIN;
use super::local_groups::{self, Grant};
use super::policy::DomainMode;
use super::{accounts, policy, products, requests, WriteContext};
use crate::store::models::AccessRequestRow;
use crate::store::{users, DbConn};

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

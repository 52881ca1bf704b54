//! Approved-domain signups: a person with a verified email on an approved
//! domain joins a product by themselves, directly or through a request.

use serde::Serialize;

use super::error::AccessError;
use super::local_groups::{self, Grant};
use super::policy::DomainMode;
use super::sources::Source;
use super::{accounts, policy, products, requests, WriteContext};
use crate::scim::fold::fold;
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
    let email = fold(email.trim());
    if !super::emails::looks_like_email(&email) {
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
                    granter: None,
                    source: Source::ApprovedDomain,
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
            let request = requests::file_for(conn, ctx, &product, &email, "approved_domain", None)?;
            let user = users::find_by_email(conn, &email)?.map(|u| u.id);
            Ok(SignupView {
                status: "pending",
                user,
                request: Some(request),
                product: product.product_key,
            })
        }
    }
}

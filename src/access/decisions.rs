//! Decisions: may this user use this product now, and as what? Asked by
//! products on every page view, so it is one indexed read.

use serde::Serialize;

use super::emails::looks_like_email;
use super::error::AccessError;
use super::person_views;
use super::{effective, products};
use crate::store::{persons as store_persons, DbConn};

/// The answer.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub allow: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    pub reason: String,
}

fn deny(reason: impl Into<String>) -> Decision {
    Decision {
        allow: false,
        role: None,
        reason: reason.into(),
    }
}

/// Roles that let a user in, strongest first.
const ENTERING_ROLES: [&str; 4] = ["admin", "user", "guest", "customer"];

/// Decides for a person (named by an account id, a person id or an email)
/// on a product, from every account of the person. A person whom every
/// IdP has deactivated or removed holds nothing. Unknown people get the
/// product's anonymous access, if it has it.
pub fn decide(conn: &mut DbConn, user: &str, product_key: &str) -> Result<Decision, AccessError> {
    let product = products::find(conn, product_key)?;
    let anonymous = |why: &str| {
        if product.anonymous_access {
            Decision {
                allow: true,
                role: Some("anonymous".into()),
                reason: format!("{why}; the product allows anonymous access"),
            }
        } else {
            deny(why)
        }
    };
    let Some(person) = person_views::find(conn, user)? else {
        return Ok(anonymous(if looks_like_email(user.trim()) {
            "no account for this email"
        } else {
            "unknown user"
        }));
    };
    if !person.live {
        return Ok(deny(
            "every identity of this person in the identity provider is deactivated or deleted",
        ));
    }
    let accounts = store_persons::accounts(conn, &person.id)?;
    if accounts.iter().all(|a| a.suspended) {
        return Ok(deny("the account is suspended"));
    }
    if accounts.iter().all(|a| !a.active) {
        return Ok(deny("the account is deactivated"));
    }
    let ids: Vec<String> = accounts.into_iter().map(|a| a.id).collect();
    let held: Vec<effective::Entitlement> = effective::of_users(conn, &ids)?
        .into_values()
        .flatten()
        .collect();
    let roles: Vec<&effective::Entitlement> = held
        .iter()
        .filter(|e| e.product == product.product_key)
        .collect();
    for role in ENTERING_ROLES {
        let granting: Vec<&&effective::Entitlement> =
            roles.iter().filter(|e| e.role == role).collect();
        if !granting.is_empty() {
            let mut via: Vec<&str> = granting
                .iter()
                .flat_map(|e| e.via.iter().map(|v| v.display_name.as_str()))
                .collect();
            via.sort_unstable();
            via.dedup();
            return Ok(Decision {
                allow: true,
                role: Some(role.to_owned()),
                reason: format!("{role} through {}", via.join(", ")),
            });
        }
    }
    if roles.iter().any(|e| e.role == "user-access-admin") {
        return Ok(anonymous(
            "user-access-admin manages access to the product but does not give access to it",
        ));
    }
    Ok(anonymous("no role on this product"))
}

//! Decisions: may this user use this product now, and as what? Asked by
//! products on every page view, so it is one indexed read.

use serde::Serialize;

use super::error::AccessError;
use super::people::{self, Person};
use super::{effective, products};
use crate::store::DbConn;

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

/// Decides for a user (id or email) on a product. Unknown people get the
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
    let person = match people::resolve(conn, user) {
        Ok(p) => p,
        Err(AccessError::NotFound(_)) => return Ok(anonymous("unknown user")),
        Err(e) => return Err(e),
    };
    let Person::User(row) = person else {
        return Ok(anonymous("no account for this email"));
    };
    if !row.active {
        return Ok(deny("the account is deactivated"));
    }
    if row.suspended {
        return Ok(deny("the account is suspended"));
    }
    let held = effective::of_users(conn, std::slice::from_ref(&row.id))?
        .remove(&row.id)
        .unwrap_or_default();
    let roles: Vec<&effective::Entitlement> = held
        .iter()
        .filter(|e| e.product == product.product_key)
        .collect();
    for role in ENTERING_ROLES {
        if let Some(e) = roles.iter().find(|e| e.role == role) {
            let via: Vec<&str> = e.via.iter().map(|v| v.display_name.as_str()).collect();
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

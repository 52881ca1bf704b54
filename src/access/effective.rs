//! Effective access: the roles a user holds, each with the groups that
//! grant it, read from the derived `user_entitlements` view.

use std::collections::HashMap;

use serde::Serialize;

use super::error::{found, AccessError};
use crate::store::models::EntitlementRow;
use crate::store::{entitlements, users, DbConn};

/// A group through which a user holds a role.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Via {
    pub group_id: String,
    #[serde(rename = "displayName")]
    pub display_name: String,
    /// The group's directory (`local` for groups made by admins).
    pub directory: String,
    /// Pushed by a directory (rather than made by an admin).
    pub synced: bool,
}

/// One role on one product, and the groups granting it.
#[derive(Debug, Clone, Serialize)]
pub struct Entitlement {
    pub product: String,
    #[serde(skip)]
    pub product_name: String,
    pub role: String,
    pub via: Vec<Via>,
}

impl Entitlement {
    /// The SCIM `entitlements.value`: `<product>:<role>`.
    pub fn value(&self) -> String {
        format!("{}:{}", self.product, self.role)
    }
}

/// Folds view rows (ordered by user, product, role) into entitlements per user.
fn fold(rows: Vec<EntitlementRow>) -> HashMap<String, Vec<Entitlement>> {
    let mut out: HashMap<String, Vec<Entitlement>> = HashMap::new();
    for row in rows {
        let list = out.entry(row.user_id).or_default();
        let via = Via {
            synced: row.group_directory != super::LOCAL_DIRECTORY,
            group_id: row.group_id,
            display_name: row.group_display,
            directory: row.group_directory,
        };
        match list
            .iter_mut()
            .find(|e| e.product == row.product && e.role == row.role)
        {
            // `admin` implies `user`: a group mapped to both grants `user` twice.
            Some(e) if !e.via.contains(&via) => e.via.push(via),
            Some(_) => {}
            None => list.push(Entitlement {
                product: row.product,
                product_name: row.product_name,
                role: row.role,
                via: vec![via],
            }),
        }
    }
    out
}

/// The entitlements of each of these users (users with none are absent).
pub fn of_users(
    conn: &mut DbConn,
    user_ids: &[String],
) -> Result<HashMap<String, Vec<Entitlement>>, diesel::result::Error> {
    Ok(fold(entitlements::of_users(conn, user_ids)?))
}

/// A user's access as the admin API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct UserAccess {
    pub user: String,
    #[serde(rename = "userName")]
    pub user_name: String,
    pub directory: String,
    pub active: bool,
    pub suspended: bool,
    pub portal_only: bool,
    pub entitlements: Vec<Entitlement>,
}

/// The access of one user (of any directory).
pub fn of_user(conn: &mut DbConn, user_id: &str) -> Result<UserAccess, AccessError> {
    let user = found(users::find(conn, None, user_id), || {
        format!("user \"{user_id}\"")
    })?;
    let entitlements = of_users(conn, std::slice::from_ref(&user.id))?
        .remove(&user.id)
        .unwrap_or_default();
    Ok(UserAccess {
        user: user.id,
        user_name: user.user_name,
        directory: user.directory_id,
        active: user.active,
        suspended: user.suspended,
        portal_only: user.portal_only,
        entitlements,
    })
}

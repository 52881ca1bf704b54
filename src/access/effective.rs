//! Effective access: the roles a user holds, each with the groups that
//! grant it, read from the derived `user_entitlements` view (or, for SCIM
//! user resources, composed by its rule from rows already read:
//! `composed`).

use std::collections::HashMap;

use serde::Serialize;

use super::error::{found, AccessError};
use crate::store::memberships::MembershipGrant;
use crate::store::models::{EntitlementRow, UserRow};
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

/// One role a user holds through one group: a row of the
/// `user_entitlements` view, or one `composed` from a user's memberships.
struct Held {
    user_id: String,
    product: String,
    product_name: String,
    role: String,
    via: Via,
}

impl Via {
    fn new(group_id: String, display_name: String, directory: String) -> Via {
        Via {
            synced: directory != super::LOCAL_DIRECTORY,
            group_id,
            display_name,
            directory,
        }
    }
}

/// Folds held roles (ordered by user, product, role, then granting group)
/// into entitlements per user.
fn fold(rows: impl IntoIterator<Item = Held>) -> HashMap<String, Vec<Entitlement>> {
    let mut out: HashMap<String, Vec<Entitlement>> = HashMap::new();
    for row in rows {
        let list = out.entry(row.user_id).or_default();
        match list
            .iter_mut()
            .find(|e| e.product == row.product && e.role == row.role)
        {
            // `admin` implies `user`: a group mapped to both grants `user` twice.
            Some(e) if !e.via.contains(&row.via) => e.via.push(row.via),
            Some(_) => {}
            None => list.push(Entitlement {
                product: row.product,
                product_name: row.product_name,
                role: row.role,
                via: vec![row.via],
            }),
        }
    }
    out
}

/// Folds view rows (ordered by user, product, role, group).
fn fold_view(rows: Vec<EntitlementRow>) -> HashMap<String, Vec<Entitlement>> {
    fold(rows.into_iter().map(|row| Held {
        user_id: row.user_id,
        product: row.product,
        product_name: row.product_name,
        role: row.role,
        via: Via::new(row.group_id, row.group_display, row.group_directory),
    }))
}

/// The entitlements of these users as the `user_entitlements` view gives
/// them, made from rows a caller has read anyway: the users, and their
/// memberships with the roles the groups' mappings grant and the
/// liveness of each granted member's person (`memberships::grants_of`).
/// The view's rule: a user holds the roles of its groups while active,
/// not suspended and its person (when linked) live; a portal-only user
/// holds `customer` only. Ordered as the view is read: by product and
/// role, each role's groups by name, then id (code point order, the same
/// on both databases). (A page of users reads its groups this way in one
/// statement, rather than the groups and then the view, which looks
/// every user up again.)
pub fn composed(
    users: &[UserRow],
    memberships: Vec<MembershipGrant>,
) -> HashMap<String, Vec<Entitlement>> {
    let holding: HashMap<&str, &UserRow> = users
        .iter()
        .filter(|u| u.active && !u.suspended)
        .map(|u| (u.id.as_str(), u))
        .collect();
    let mut held: Vec<Held> = memberships
        .into_iter()
        .filter_map(|m| {
            let user = holding.get(m.member_id.as_str())?;
            if !m.person_live.unwrap_or(true) {
                return None;
            }
            let grant = m.grant?;
            if user.portal_only && grant.role != super::catalog::CUSTOMER {
                return None;
            }
            Some(Held {
                user_id: m.member_id,
                product: grant.product,
                product_name: grant.product_name,
                role: grant.role,
                via: Via::new(m.group_id, m.group_display, m.group_directory),
            })
        })
        .collect();
    held.sort_by(|a, b| {
        (
            &a.user_id,
            &a.product,
            &a.role,
            &a.via.display_name,
            &a.via.group_id,
        )
            .cmp(&(
                &b.user_id,
                &b.product,
                &b.role,
                &b.via.display_name,
                &b.via.group_id,
            ))
    });
    fold(held)
}

/// The entitlements of each of these users (users with none are absent).
pub fn of_users(
    conn: &mut DbConn,
    user_ids: &[String],
) -> Result<HashMap<String, Vec<Entitlement>>, diesel::result::Error> {
    Ok(fold_view(entitlements::of_users(conn, user_ids)?))
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

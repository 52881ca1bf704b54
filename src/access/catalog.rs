//! Sites and products as they stand: the lookups and the fixed facts
//! (roles, invite modes) every part of the access model reads. A leaf:
//! changing the catalog is `products`'s job.

use serde::Serialize;

use super::error::{found, AccessError};
use crate::store::models::{ProductRow, SiteRow};
use crate::store::{products, DbConn};

/// Roles of every product.
const ROLES: [&str; 4] = ["user", "admin", "user-access-admin", "guest"];
/// The extra role of a service-desk product (portal customers).
pub const CUSTOMER: &str = "customer";

/// The roles a product offers.
pub fn roles(product: &ProductRow) -> Vec<&'static str> {
    let mut roles = ROLES.to_vec();
    if product.service_desk {
        roles.push(CUSTOMER);
    }
    roles
}

/// The site with this id or name.
pub fn find_site(conn: &mut DbConn, id_or_name: &str) -> Result<SiteRow, AccessError> {
    found(products::find_site(conn, id_or_name), || {
        format!("site \"{id_or_name}\"")
    })
}

/// Whom a product may be invited to (PRODUCT.md §3). The organization's
/// and the site's policy still win when stricter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InviteMode {
    /// Any email address.
    Anyone,
    /// Only addresses on an approved domain.
    ApprovedDomains,
    /// An invitation becomes an access request for an admin to decide.
    AdminApproval,
    /// No invitations, and invite links are dead.
    Off,
}

impl InviteMode {
    /// The stored and shown name.
    pub fn as_str(self) -> &'static str {
        match self {
            InviteMode::Anyone => "anyone",
            InviteMode::ApprovedDomains => "approved_domains",
            InviteMode::AdminApproval => "admin_approval",
            InviteMode::Off => "off",
        }
    }

    /// The mode a product has (an unknown stored name reads as `off`).
    pub fn of(product: &ProductRow) -> InviteMode {
        match product.invite_mode.as_str() {
            "anyone" => InviteMode::Anyone,
            "approved_domains" => InviteMode::ApprovedDomains,
            "admin_approval" => InviteMode::AdminApproval,
            _ => InviteMode::Off,
        }
    }
}

/// The product with this id: its key, or `key@site` where the key is on
/// more than one site (the site's id or name works there too).
pub fn find(conn: &mut DbConn, id: &str) -> Result<ProductRow, AccessError> {
    match products::find(conn, id) {
        Err(diesel::result::Error::NotFound) => {}
        other => return found(other, || format!("product \"{id}\"")),
    }
    if let Some((key, site)) = id.split_once('@') {
        let site = find_site(conn, site)?;
        return found(products::find_on_site(conn, &site.id, key), || {
            format!("product \"{key}\" on site \"{}\"", site.name)
        });
    }
    Err(AccessError::NotFound(format!("product \"{id}\" not found")))
}

/// The product a key names on a site, or by its id when no site is given.
pub fn find_on(
    conn: &mut DbConn,
    key: &str,
    site: Option<&str>,
) -> Result<ProductRow, AccessError> {
    match site {
        None => find(conn, key),
        Some(site) => {
            let site = find_site(conn, site)?;
            found(products::find_on_site(conn, &site.id, key), || {
                format!("product \"{key}\" on site \"{}\"", site.name)
            })
        }
    }
}

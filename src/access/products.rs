//! Sites and products: each product comes with its roles and a default
//! group, a local group mapped to its `user` role, where "giving a user
//! the product" puts them.

use serde::Serialize;
use serde_json::{json, Value};

use super::audit::{self, Change};
pub use super::catalog::{find, find_on, find_site, roles, InviteMode, CUSTOMER};
use super::error::{found, AccessError};
use super::{mappings, WriteContext, LOCAL_DIRECTORY};
use crate::scim::fold::fold;
use crate::scim::resource::format_time;
use crate::store::models::{GroupRow, ProductRow, SiteRow};
use crate::store::{groups, products, DbConn, StoreError};

/// A site as the admin API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub id: String,
    pub name: String,
    pub created: String,
}

impl From<SiteRow> for SiteView {
    fn from(row: SiteRow) -> Self {
        SiteView {
            id: row.id,
            name: row.name,
            created: format_time(row.created_at),
        }
    }
}

/// A product as the admin API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ProductView {
    /// Its id in the organization: the key, or `key@site` when the key is
    /// on more than one site. Entitlements name products by it.
    pub id: String,
    /// Its key on its site.
    pub key: String,
    pub site: String,
    /// Whom it may be invited to (see `InviteMode`).
    pub invite_mode: String,
    pub name: String,
    pub roles: Vec<&'static str>,
    pub default_group: Value,
    pub license_cap: Option<i64>,
    pub anonymous_access: bool,
    pub service_desk: bool,
    pub created: String,
    pub updated: String,
}

/// Creates a site.
pub fn create_site(
    conn: &mut DbConn,
    ctx: &WriteContext,
    name: &str,
) -> Result<SiteView, AccessError> {
    let name = name.trim();
    if name.is_empty() || name.len() > 200 {
        return Err(AccessError::Invalid(
            "a site needs a name of 1 to 200 characters".into(),
        ));
    }
    let row = SiteRow {
        id: crate::access::new_id(ctx.now),
        name: name.to_owned(),
        name_key: fold(name),
        created_at: ctx.now,
    };
    // Product ids (`key@site`) and default groups are named by the slug.
    if let Some(twin) = products::list_sites(conn)?
        .into_iter()
        .find(|s| s.name_key != row.name_key && site_slug(s) == site_slug(&row))
    {
        return Err(AccessError::Conflict(format!(
            "site \"{}\" would share the name \"{}\" in product ids and group names with site \"{}\"",
            name,
            site_slug(&row),
            twin.name
        )));
    }
    match products::insert_site(conn, &row).map_err(StoreError::from) {
        Err(StoreError::Conflict(_)) => {
            return Err(AccessError::Conflict(format!(
                "a site named \"{name}\" already exists"
            )))
        }
        other => other?,
    }
    audit::record(
        conn,
        ctx,
        Change {
            action: "site.created",
            target_type: "Site",
            target_id: &row.id,
            before: None,
            after: Some(json!({"name": row.name})),
        },
    )?;
    Ok(row.into())
}

/// What an admin gives to create a product.
#[derive(Debug, Clone)]
pub struct NewProduct {
    pub site: String,
    pub key: String,
    pub name: Option<String>,
    pub license_cap: Option<i64>,
    pub service_desk: Option<bool>,
    pub anonymous_access: bool,
    pub invite_mode: Option<InviteMode>,
}

/// A product key is the `<product>` of `<product>:<role>` entitlement
/// values, so it is kept to lowercase letters, digits and dashes.
fn check_key(key: &str) -> Result<(), AccessError> {
    let ok = !key.is_empty()
        && key.len() <= 64
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !key.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(AccessError::Invalid(format!(
            "product key \"{key}\" must be 1 to 64 lowercase letters, digits or dashes"
        )))
    }
}

fn check_cap(cap: Option<i64>) -> Result<(), AccessError> {
    match cap {
        Some(c) if c < 0 => Err(AccessError::Invalid(
            "license_cap must be zero or more (or null for no cap)".into(),
        )),
        _ => Ok(()),
    }
}

/// A site's name as it appears in names Gatehouse makes (`acme-eu`).
fn site_slug(site: &SiteRow) -> String {
    site.name_key
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect()
}

/// The name of a product's default group, e.g. `jira-software-users-acme`.
fn default_group_name(key: &str, site: &SiteRow) -> String {
    format!("{key}-users-{}", site_slug(site))
}

/// Creates a product on a site with its default group, mapped to `user`.
pub fn create_product(
    conn: &mut DbConn,
    ctx: &WriteContext,
    new: NewProduct,
) -> Result<ProductView, AccessError> {
    check_key(&new.key)?;
    check_cap(new.license_cap)?;
    let invite_mode = new.invite_mode.unwrap_or(InviteMode::Anyone);
    let site = find_site(conn, &new.site)?;
    if products::find_on_site(conn, &site.id, &new.key).is_ok() {
        return Err(AccessError::Conflict(format!(
            "site \"{}\" already has a product with key \"{}\"",
            site.name, new.key
        )));
    }
    // The id in entitlements and routes: the key, unless another site took
    // it; then `key@site`, and should two site names share a slug, the
    // site's id settles it.
    let mut id = new.key.clone();
    for candidate in [
        format!("{}@{}", new.key, site_slug(&site)),
        format!("{}@{}", new.key, site.id),
    ] {
        if products::find(conn, &id).is_err() {
            break;
        }
        id = candidate;
    }
    let group_name = default_group_name(&new.key, &site);
    // A group an IdP already pushed under that name would leave two groups
    // of one name, one of them granting the product outside the IdP.
    if let Some((group, directory)) = products::groups_named(conn, &fold(&group_name))?
        .into_iter()
        .next()
    {
        return Err(AccessError::Conflict(format!(
            "a group named \"{group_name}\" already exists (id {group}, directory {directory}); it would be this product's default group: rename it in the IdP, or delete it, first"
        )));
    }
    let group = GroupRow {
        id: crate::access::new_id(ctx.now),
        directory_id: LOCAL_DIRECTORY.to_owned(),
        display_name_key: fold(&group_name),
        display_name: group_name.clone(),
        external_id: None,
        attributes: "{}".into(),
        version: 1,
        created_at: ctx.now,
        updated_at: ctx.now,
    };
    match groups::insert(conn, &group).map_err(StoreError::from) {
        Err(StoreError::Conflict(_)) => {
            return Err(AccessError::Conflict(format!(
                "a local group named \"{group_name}\" already exists; it would be this product's default group"
            )))
        }
        other => other?,
    }
    let row = ProductRow {
        product_key: id,
        bare_key: new.key.clone(),
        invite_mode: invite_mode.as_str().to_owned(),
        site_id: site.id.clone(),
        name: new.name.unwrap_or_else(|| new.key.clone()),
        // Service desks are known by key unless the admin says otherwise.
        service_desk: new.service_desk.unwrap_or_else(|| {
            new.key.contains("service-management") || new.key.contains("service-desk")
        }),
        license_cap: new.license_cap,
        anonymous_access: new.anonymous_access,
        default_group_id: group.id.clone(),
        created_at: ctx.now,
        updated_at: ctx.now,
    };
    products::insert(conn, &row)?;
    let view = view(&row, &site, &group);
    audit::record(
        conn,
        ctx,
        Change {
            action: "product.created",
            target_type: "Product",
            target_id: &row.product_key,
            before: None,
            after: Some(serde_json::to_value(&view).unwrap_or_default()),
        },
    )?;
    mappings::map_default_group(conn, ctx, &row, &group)?;
    Ok(view)
}

fn view(row: &ProductRow, site: &SiteRow, group: &GroupRow) -> ProductView {
    ProductView {
        id: row.product_key.clone(),
        key: row.bare_key.clone(),
        invite_mode: row.invite_mode.clone(),
        site: site.id.clone(),
        name: row.name.clone(),
        roles: roles(row),
        default_group: json!({"id": group.id, "displayName": group.display_name}),
        license_cap: row.license_cap,
        anonymous_access: row.anonymous_access,
        service_desk: row.service_desk,
        created: format_time(row.created_at),
        updated: format_time(row.updated_at),
    }
}

/// A product as the admin API shows it.
pub fn get(conn: &mut DbConn, key: &str) -> Result<ProductView, AccessError> {
    let row = find(conn, key)?;
    render(conn, &row)
}

fn render(conn: &mut DbConn, row: &ProductRow) -> Result<ProductView, AccessError> {
    let site = find_site(conn, &row.site_id)?;
    let group = groups::find(conn, None, &row.default_group_id)?;
    Ok(view(row, &site, &group))
}

/// Every product.
pub fn list(conn: &mut DbConn) -> Result<Vec<ProductView>, AccessError> {
    let rows = products::list(conn)?;
    rows.iter().map(|r| render(conn, r)).collect()
}

/// Every site.
pub fn list_sites(conn: &mut DbConn) -> Result<Vec<SiteView>, AccessError> {
    Ok(products::list_sites(conn)?
        .into_iter()
        .map(SiteView::from)
        .collect())
}

/// The fields of a product an admin may change; `None` leaves one as it is.
#[derive(Debug, Clone, Default)]
pub struct ProductChanges {
    pub name: Option<String>,
    /// `Some(None)` removes the cap.
    pub license_cap: Option<Option<i64>>,
    pub anonymous_access: Option<bool>,
    pub invite_mode: Option<InviteMode>,
}

/// Changes a product. A cap below the licenses in use is refused: it would
/// leave the product over its cap from the moment it is set.
pub fn update(
    conn: &mut DbConn,
    ctx: &WriteContext,
    key: &str,
    changes: ProductChanges,
) -> Result<ProductView, AccessError> {
    let before = found(products::find_for_update(conn, key), || {
        format!("product \"{key}\"")
    })?;
    let mut row = before.clone();
    if let Some(name) = changes.name {
        if name.trim().is_empty() {
            return Err(AccessError::Invalid("name must not be empty".into()));
        }
        row.name = name;
    }
    if let Some(cap) = changes.license_cap {
        check_cap(cap)?;
        if let Some(cap) = cap {
            let used = super::licensing::used_now(conn, key)?;
            if used > cap {
                return Err(AccessError::Conflict(format!(
                    "product \"{key}\" uses {used} licenses; a cap of {cap} is below that"
                )));
            }
        }
        row.license_cap = cap;
    }
    if let Some(anonymous) = changes.anonymous_access {
        row.anonymous_access = anonymous;
    }
    if let Some(mode) = changes.invite_mode {
        row.invite_mode = mode.as_str().to_owned();
    }
    row.updated_at = ctx.now;
    products::update(conn, &row)?;
    if row.name != before.name {
        // Holders show the product's name (`entitlements.display`).
        for m in crate::store::mappings::list(conn, Some(key))? {
            if let Some(g) = &m.group_id {
                crate::store::users::touch_members_of(conn, g, ctx.now)?;
            }
        }
    }
    let view = render(conn, &row)?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "product.updated",
            target_type: "Product",
            target_id: key,
            before: Some(
                json!({"name": before.name, "license_cap": before.license_cap, "anonymous_access": before.anonymous_access, "invite_mode": before.invite_mode}),
            ),
            after: Some(
                json!({"name": row.name, "license_cap": row.license_cap, "anonymous_access": row.anonymous_access, "invite_mode": row.invite_mode}),
            ),
        },
    )?;
    Ok(view)
}

/// The local group through which a product's role is handed out: the
/// default group for `user`, else `<key>-<role>s-<site>`, made and mapped
/// on first use (every role gets a default group, as in the seeds).
pub fn role_group(
    conn: &mut DbConn,
    ctx: &WriteContext,
    product: &ProductRow,
    role: &str,
) -> Result<GroupRow, AccessError> {
    if !roles(product).contains(&role) {
        return Err(AccessError::Invalid(format!(
            "product \"{}\" has no role \"{role}\" (its roles: {})",
            product.product_key,
            roles(product).join(", ")
        )));
    }
    if role == "user" {
        return Ok(groups::find(conn, None, &product.default_group_id)?);
    }
    let site = find_site(conn, &product.site_id)?;
    let name = default_group_name(&product.product_key, &site).replacen(
        "-users-",
        &format!("-{role}s-"),
        1,
    );
    if let Some(existing) = groups::named(conn, &fold(&name), Some(LOCAL_DIRECTORY))?.pop() {
        return Ok(existing);
    }
    let group = GroupRow {
        id: crate::access::new_id(ctx.now),
        directory_id: LOCAL_DIRECTORY.to_owned(),
        display_name_key: fold(&name),
        display_name: name,
        external_id: None,
        attributes: "{}".into(),
        version: 1,
        created_at: ctx.now,
        updated_at: ctx.now,
    };
    groups::insert(conn, &group)?;
    mappings::map_role_group(conn, ctx, product, &group, role)?;
    Ok(group)
}

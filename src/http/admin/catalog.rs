//! `/sites`, `/products`, `/licenses`.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::access::admin_roles::{self, acting};
use crate::access::products::{self, InviteMode, NewProduct, ProductChanges};
use crate::access::{licensing, AccessError};
use crate::http::auth::AdminPrincipal;
use crate::http::rest::{created, items, ok, parse, query};
use crate::http::state::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewSite {
    name: String,
}

/// `POST /sites`.
pub async fn create_site(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    body: web::Bytes,
) -> Result<HttpResponse, AccessError> {
    let new: NewSite = parse(&body)?;
    let ctx = who.write_context(state.clock.now_micros());
    let site = state
        .store
        .write(move |conn| products::create_site(conn, &ctx, &new.name))
        .await?;
    Ok(created(&site))
}

/// `GET /sites`.
pub async fn list_sites(
    state: web::Data<AppState>,
    _: AdminPrincipal,
) -> Result<HttpResponse, AccessError> {
    Ok(items(state.store.read(products::list_sites).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProductBody {
    site: String,
    key: String,
    name: Option<String>,
    license_cap: Option<i64>,
    service_desk: Option<bool>,
    #[serde(default)]
    anonymous_access: bool,
    invite_mode: Option<InviteMode>,
}

/// `POST /products`.
pub async fn create_product(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    body: web::Bytes,
) -> Result<HttpResponse, AccessError> {
    let b: ProductBody = parse(&body)?;
    let new = NewProduct {
        site: b.site,
        key: b.key,
        name: b.name,
        license_cap: b.license_cap,
        service_desk: b.service_desk,
        anonymous_access: b.anonymous_access,
        invite_mode: b.invite_mode,
    };
    let ctx = who.write_context(state.clock.now_micros());
    let product = state
        .store
        .write(move |conn| {
            let ctx = acting(
                &ctx,
                admin_roles::over_site(conn, &who.standing, &new.site)?,
            );
            products::create_product(conn, &ctx, new.clone())
        })
        .await?;
    Ok(created(&product))
}

/// `GET /products`.
pub async fn list_products(
    state: web::Data<AppState>,
    _: AdminPrincipal,
) -> Result<HttpResponse, AccessError> {
    Ok(items(state.store.read(products::list).await?))
}

/// The product id `/products/{key}[?site=…]` names: its id (`key`, or
/// `key@site`), or a key on the site given.
fn product_id(
    conn: &mut crate::store::DbConn,
    key: &str,
    site: Option<&str>,
) -> Result<String, AccessError> {
    Ok(products::find_on(conn, key, site)?.product_key)
}

/// `GET /products/{key}[?site=…]`.
pub async fn get_product(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    key: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, AccessError> {
    let key = key.into_inner();
    let site = query(&req)?.remove("site");
    Ok(ok(&state
        .store
        .read(move |conn| {
            let id = product_id(conn, &key, site.as_deref())?;
            products::get(conn, &id)
        })
        .await?))
}

/// A PATCH body: absent fields stay; `"license_cap": null` removes the cap.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProductPatch {
    name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    license_cap: Option<Option<i64>>,
    anonymous_access: Option<bool>,
    invite_mode: Option<InviteMode>,
}

/// Tells a field sent as `null` (Some(None)) from one not sent (None).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    Ok(Some(Option::deserialize(d)?))
}

/// `PATCH /products/{key}[?site=…]`.
pub async fn update_product(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    key: web::Path<String>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AccessError> {
    let p: ProductPatch = parse(&body)?;
    let changes = ProductChanges {
        name: p.name,
        license_cap: p.license_cap,
        anonymous_access: p.anonymous_access,
        invite_mode: p.invite_mode,
    };
    let key = key.into_inner();
    let site = query(&req)?.remove("site");
    let ctx = who.write_context(state.clock.now_micros());
    let product = state
        .store
        .write(move |conn| {
            let id = product_id(conn, &key, site.as_deref())?;
            let ctx = acting(
                &ctx,
                admin_roles::over_product_settings(conn, &who.standing, &id)?,
            );
            let product = products::update(conn, &ctx, &id, changes.clone())?;
            // An invite mode of `off` revokes the open invitations.
            crate::access::invitations::close_disallowed(conn, &ctx, &[id])?;
            Ok::<_, AccessError>(product)
        })
        .await?;
    Ok(ok(&product))
}

/// `GET /products/{key}/licenses[?site=…]`: `{"product","used","cap"}`.
pub async fn product_licenses(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    key: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, AccessError> {
    let key = key.into_inner();
    let site = query(&req)?.remove("site");
    Ok(ok(&state
        .store
        .read(move |conn| {
            let id = product_id(conn, &key, site.as_deref())?;
            licensing::of_product(conn, &id)
        })
        .await?))
}

/// `GET /licenses`: every product's license use.
pub async fn licenses(
    state: web::Data<AppState>,
    _: AdminPrincipal,
) -> Result<HttpResponse, AccessError> {
    Ok(items(state.store.read(licensing::all).await?))
}

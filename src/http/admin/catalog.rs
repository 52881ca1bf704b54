//! `/sites`, `/products`, `/licenses`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::{created, items, ok, parse};
use crate::access::products::{self, NewProduct, ProductChanges};
use crate::access::{licensing, AccessError};
use crate::http::auth::AdminPrincipal;
use crate::http::AppState;

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
    };
    let ctx = who.write_context(state.clock.now_micros());
    let product = state
        .store
        .write(move |conn| products::create_product(conn, &ctx, new.clone()))
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

/// `GET /products/{key}`.
pub async fn get_product(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    key: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    let key = key.into_inner();
    Ok(ok(&state
        .store
        .read(move |conn| products::get(conn, &key))
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
}

/// Tells a field sent as `null` (Some(None)) from one not sent (None).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    Ok(Some(Option::deserialize(d)?))
}

/// `PATCH /products/{key}`.
pub async fn update_product(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    key: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AccessError> {
    let p: ProductPatch = parse(&body)?;
    let changes = ProductChanges {
        name: p.name,
        license_cap: p.license_cap,
        anonymous_access: p.anonymous_access,
    };
    let key = key.into_inner();
    let ctx = who.write_context(state.clock.now_micros());
    let product = state
        .store
        .write(move |conn| products::update(conn, &ctx, &key, changes.clone()))
        .await?;
    Ok(ok(&product))
}

/// `GET /products/{key}/licenses`: `{"product","used","cap"}`.
pub async fn product_licenses(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    key: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    let key = key.into_inner();
    Ok(ok(&state
        .store
        .read(move |conn| licensing::of_product(conn, &key))
        .await?))
}

/// `GET /licenses`: every product's license use.
pub async fn licenses(
    state: web::Data<AppState>,
    _: AdminPrincipal,
) -> Result<HttpResponse, AccessError> {
    Ok(items(state.store.read(licensing::all).await?))
}

//! `/mappings`: groups to product roles.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::access::mappings::{self, NewMapping};
use crate::access::{admin_roles, AccessError};
use crate::http::auth::AdminPrincipal;
use crate::http::rest::{created, items, ok, parse};
use crate::http::state::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingBody {
    group: String,
    product: String,
    role: String,
    directory: Option<String>,
    break_glass_reason: Option<String>,
}

/// `POST /mappings`.
pub async fn create(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    body: web::Bytes,
) -> Result<HttpResponse, AccessError> {
    let b: MappingBody = parse(&body)?;
    let new = NewMapping {
        group: b.group,
        product: b.product,
        role: b.role,
        directory: b.directory,
        break_glass_reason: b.break_glass_reason,
    };
    let ctx = who.write_context(state.clock.now_micros());
    let (mapping, new) = state
        .store
        .write(move |conn| {
            let held = admin_roles::over_product_settings(conn, &who.standing, &new.product)?;
            mappings::create(conn, &admin_roles::acting(&ctx, held), new.clone())
        })
        .await?;
    // The same mapping asked for again: 200 with the one that exists.
    Ok(if new { created(&mapping) } else { ok(&mapping) })
}

/// `GET /mappings[?product=KEY]`.
pub async fn list(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    req: HttpRequest,
) -> Result<HttpResponse, AccessError> {
    let product = crate::http::rest::query(&req)?.remove("product");
    Ok(items(
        state
            .store
            .read(move |conn| mappings::list(conn, product.as_deref()))
            .await?,
    ))
}

/// `GET /mappings/{id}`.
pub async fn get(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    let id = id.into_inner();
    Ok(ok(&state
        .store
        .read(move |conn| mappings::get(conn, &id))
        .await?))
}

/// `DELETE /mappings/{id}`.
pub async fn delete(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    let id = id.into_inner();
    let ctx = who.write_context(state.clock.now_micros());
    state
        .store
        .write(move |conn| {
            let held = admin_roles::over_mapping(conn, &who.standing, &id)?;
            mappings::delete(conn, &admin_roles::acting(&ctx, held), &id)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

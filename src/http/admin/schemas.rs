//! `/schemas`: extension schemas admins register (RFC 7643 §7 documents).
//! A registered extension's attributes are validated, stored, returned,
//! served in `/Schemas` and `/ResourceTypes`, and filtered in SQL through
//! indexes of their own.

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::Value;

use crate::access::{schemas, AccessError};
use crate::http::auth::AdminPrincipal;
use crate::http::rest::{created, items, ok, parse, query};
use crate::http::state::AppState;

/// `POST /schemas[?resource_type=User|Group]`: the body is the schema
/// document; the resource type defaults to the URN's last part (`…:Group`),
/// else User.
pub async fn register(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AccessError> {
    let document: Value = parse(&body)?;
    let resource_type = query(&req)?.remove("resource_type");
    let ctx = who.write_context(state.clock.now_micros());
    let current = state.registry();
    let view = state
        .store
        .write(move |conn| {
            schemas::register(conn, &ctx, &current, &document, resource_type.as_deref())
        })
        .await?;
    reload(&state).await?;
    Ok(created(&view))
}

/// `GET /schemas`.
pub async fn list(
    state: web::Data<AppState>,
    _: AdminPrincipal,
) -> Result<HttpResponse, AccessError> {
    Ok(items(state.store.read(schemas::list).await?))
}

/// `GET /schemas/{urn}`.
pub async fn get(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    urn: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    let urn = urn.into_inner();
    Ok(ok(&state
        .store
        .read(move |conn| schemas::get(conn, &urn))
        .await?))
}

/// `DELETE /schemas/{urn}`: values stored under it stay on the resources.
pub async fn remove(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    urn: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    let urn = urn.into_inner();
    let ctx = who.write_context(state.clock.now_micros());
    state
        .store
        .write(move |conn| schemas::remove(conn, &ctx, &urn))
        .await?;
    reload(&state).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Puts the change in force on this instance at once (others pick it up
/// at their next reload).
async fn reload(state: &web::Data<AppState>) -> Result<(), AccessError> {
    let live = state.schemas.clone();
    state
        .store
        .read(move |conn| live.reload(conn).map_err(AccessError::from))
        .await
}

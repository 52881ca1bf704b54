//! `/guests`: site guests and their one space per site.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use crate::access::{admin_roles, guests, AccessError};
use crate::http::auth::AdminPrincipal;
use crate::http::rest::with_refusals_audited;
use crate::http::rest::{created, items, ok, parse};
use crate::http::state::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewGuest {
    email: String,
    site: String,
}

/// `POST /guests {"email","site"}`.
pub async fn invite(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    body: web::Bytes,
) -> Result<HttpResponse, AccessError> {
    let new: NewGuest = parse(&body)?;
    let ctx = who.write_context(state.clock.now_micros());
    let summary = json!({"email": new.email, "site": new.site});
    let guest = with_refusals_audited(
        &state,
        ctx,
        "guest_invitation",
        summary,
        move |conn, ctx| {
            let held = admin_roles::over_site(conn, &who.standing, &new.site)?;
            guests::invite(conn, &admin_roles::acting(ctx, held), &new.email, &new.site)
        },
    )
    .await?;
    Ok(created(&guest))
}

/// `GET /guests`.
pub async fn list(
    state: web::Data<AppState>,
    _: AdminPrincipal,
) -> Result<HttpResponse, AccessError> {
    Ok(items(state.store.read(guests::list).await?))
}

/// `GET /guests/{id}`.
pub async fn get(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    let id = id.into_inner();
    Ok(ok(&state
        .store
        .read(move |conn| guests::get(conn, &id))
        .await?))
}

/// `DELETE /guests/{id}`: off the site.
pub async fn remove(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    let id = id.into_inner();
    let ctx = who.write_context(state.clock.now_micros());
    state
        .store
        .write(move |conn| {
            let held = admin_roles::over_guest(conn, &who.standing, &id)?;
            guests::remove(conn, &admin_roles::acting(&ctx, held), &id)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewSpace {
    space: String,
    product: Option<String>,
}

/// `POST /guests/{id}/spaces {"space","product"?}`: 409 for a second space.
pub async fn add_space(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AccessError> {
    let new: NewSpace = parse(&body)?;
    let id = id.into_inner();
    let ctx = who.write_context(state.clock.now_micros());
    let (guest, added) = state
        .store
        .write(move |conn| {
            let ctx = admin_roles::acting(&ctx, admin_roles::over_guest(conn, &who.standing, &id)?);
            guests::add_to_space(conn, &ctx, &id, &new.space, new.product.as_deref())
        })
        .await?;
    // The space it is in already: nothing to create.
    Ok(if added { created(&guest) } else { ok(&guest) })
}

/// `DELETE /guests/{id}/spaces/{space}`: stays a guest of the site.
pub async fn remove_space(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AccessError> {
    let (id, space) = path.into_inner();
    let ctx = who.write_context(state.clock.now_micros());
    Ok(ok(&state
        .store
        .write(move |conn| {
            let held = admin_roles::over_guest(conn, &who.standing, &id)?;
            guests::remove_from_space(conn, &admin_roles::acting(&ctx, held), &id, &space)
        })
        .await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Promotion {
    product: String,
    #[serde(default = "crate::http::rest::user_role")]
    role: String,
}

/// `POST /guests/{id}/promote {"product","role"}`.
pub async fn promote(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AccessError> {
    let p: Promotion = parse(&body)?;
    let id = id.into_inner();
    let ctx = who.write_context(state.clock.now_micros());
    Ok(ok(&state
        .store
        .write(move |conn| guests::promote(conn, &ctx, &id, &p.product, &p.role))
        .await?))
}

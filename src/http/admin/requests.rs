//! `/access-requests`: review, approve, deny.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::access::{admin_roles, requests, AccessError};
use crate::http::auth::AdminPrincipal;
use crate::http::rest::{items, ok, parse, query};
use crate::http::state::AppState;

/// `GET /access-requests[?status=pending]`.
pub async fn list(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    req: HttpRequest,
) -> Result<HttpResponse, AccessError> {
    let status = query(&req)?.remove("status");
    Ok(items(
        state
            .store
            .read(move |conn| requests::list(conn, status.as_deref()))
            .await?,
    ))
}

/// `GET /access-requests/{id}`.
pub async fn get(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    let id = id.into_inner();
    Ok(ok(&state
        .store
        .read(move |conn| requests::get(conn, &id))
        .await?))
}

/// `POST /access-requests/{id}/approve`.
pub async fn approve(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    let id = id.into_inner();
    let ctx = who.write_context(state.clock.now_micros());
    Ok(ok(&state
        .store
        .write(move |conn| {
            let held = admin_roles::over_request(conn, &who.standing, &id)?;
            requests::approve(conn, &admin_roles::acting(&ctx, held), &id)
        })
        .await?))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Denial {
    message: Option<String>,
}

/// `POST /access-requests/{id}/deny {"message"?}`.
pub async fn deny(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AccessError> {
    let denial: Denial = if body.iter().all(u8::is_ascii_whitespace) {
        Denial::default()
    } else {
        parse(&body)?
    };
    let id = id.into_inner();
    let ctx = who.write_context(state.clock.now_micros());
    Ok(ok(&state
        .store
        .write(move |conn| {
            let held = admin_roles::over_request(conn, &who.standing, &id)?;
            requests::deny(
                conn,
                &admin_roles::acting(&ctx, held),
                &id,
                denial.message.as_deref(),
            )
        })
        .await?))
}

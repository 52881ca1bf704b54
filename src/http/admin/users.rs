//! `/users/{id}/…` and `/customers`: a user's access, suspension, and
//! portal-only customers.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::access::{accounts, effective, AccessError};
use crate::http::auth::AdminPrincipal;
use crate::http::rest::{created, ok, parse};
use crate::http::state::AppState;

/// `GET /users/{id}/access`: entitlements and the groups granting them.
pub async fn access(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    let id = id.into_inner();
    Ok(ok(&state
        .store
        .read(move |conn| effective::of_user(conn, &id))
        .await?))
}

async fn set_suspended(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    id: String,
    suspended: bool,
) -> Result<HttpResponse, AccessError> {
    let ctx = who.write_context(state.clock.now_micros());
    Ok(ok(&state
        .store
        .write(move |conn| accounts::set_suspended(conn, &ctx, &id, suspended))
        .await?))
}

/// `POST /users/{id}/suspend`: no access, no license; the IdP's record stays.
pub async fn suspend(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    set_suspended(state, who, id.into_inner(), true).await
}

/// `POST /users/{id}/restore`: lifts a suspension (refused past a license cap).
pub async fn restore(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    set_suspended(state, who, id.into_inner(), false).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewCustomer {
    email: String,
    display_name: Option<String>,
}

/// `POST /customers`: a portal-only customer account.
pub async fn create_customer(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    body: web::Bytes,
) -> Result<HttpResponse, AccessError> {
    let new: NewCustomer = parse(&body)?;
    let ctx = who.write_context(state.clock.now_micros());
    let account = state
        .store
        .write(move |conn| {
            accounts::create_customer(conn, &ctx, &new.email, new.display_name.as_deref())
        })
        .await?;
    Ok(created(&account))
}

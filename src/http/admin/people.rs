//! `/people`: persons, the accounts that belong to each, and their access.

use actix_web::{web, HttpRequest, HttpResponse};

use crate::access::{person_views, AccessError};
use crate::http::auth::AdminPrincipal;
use crate::http::rest::{items, no_other_parameters, ok, query, take_window};
use crate::http::state::AppState;

/// Persons a page lists unless asked for more (at most 1,000).
const DEFAULT_PAGE: i64 = 100;

/// `GET /people[?email=…][&offset=N&limit=N]`: the person an email (or an
/// account id) names, or a page of every person.
pub async fn list(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    req: HttpRequest,
) -> Result<HttpResponse, AccessError> {
    let mut q = query(&req)?;
    let (offset, limit) = take_window(&mut q, DEFAULT_PAGE, 1000)?;
    let email = q.remove("email");
    no_other_parameters(&q)?;
    Ok(items(
        state
            .store
            .read(move |conn| person_views::list(conn, email.as_deref(), offset, limit))
            .await?,
    ))
}

/// `GET /people/{id}`: a person and their accounts (identities with their
/// directory and state, local accounts).
pub async fn get(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    let id = id.into_inner();
    Ok(ok(&state
        .store
        .read(move |conn| person_views::get(conn, &id))
        .await?))
}

/// `GET /people/{id}/access`: the person's effective access, with the
/// account, group and membership source of every grant.
pub async fn access(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    let id = id.into_inner();
    Ok(ok(&state
        .store
        .read(move |conn| person_views::access(conn, &id))
        .await?))
}

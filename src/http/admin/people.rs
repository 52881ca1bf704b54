//! `/people`: persons, the accounts that belong to each, and their access.

use actix_web::{web, HttpRequest, HttpResponse};

use super::{items, ok, query};
use crate::access::{persons, AccessError};
use crate::http::auth::AdminPrincipal;
use crate::http::AppState;

/// Persons a page lists unless asked for more (at most 1,000).
const DEFAULT_PAGE: i64 = 100;

fn number(value: Option<&String>, name: &str, default: i64, max: i64) -> Result<i64, AccessError> {
    match value {
        None => Ok(default),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=max).contains(n))
            .ok_or_else(|| {
                AccessError::Invalid(format!("{name} must be a number from 0 to {max}"))
            }),
    }
}

/// `GET /people[?email=…][&offset=N&limit=N]`: the person an email (or an
/// account id) names, or a page of every person.
pub async fn list(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    req: HttpRequest,
) -> Result<HttpResponse, AccessError> {
    let q = query(&req)?;
    let offset = number(q.get("offset"), "offset", 0, i64::MAX)?;
    let limit = number(q.get("limit"), "limit", DEFAULT_PAGE, 1000)?;
    let email = q.get("email").cloned();
    Ok(items(
        state
            .store
            .read(move |conn| persons::list(conn, email.as_deref(), offset, limit))
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
        .read(move |conn| persons::get(conn, &id))
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
        .read(move |conn| persons::access(conn, &id))
        .await?))
}

//! `/directories`: the IdP connections, their `strict_schema` setting and
//! their sync health (what each IdP sent that did not fit).

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::access::{directories, sync_health, AccessError};
use crate::http::auth::AdminPrincipal;
use crate::http::rest::{items, ok, parse, query};
use crate::http::state::AppState;

/// Issues a sync-health report lists unless asked for more (or fewer).
const DEFAULT_ISSUES: i64 = 100;

/// `GET /directories`.
pub async fn list(
    state: web::Data<AppState>,
    _: AdminPrincipal,
) -> Result<HttpResponse, AccessError> {
    let all = state
        .store
        .read(|conn| directories::list(conn).map_err(AccessError::from))
        .await?;
    Ok(items(all))
}

/// `GET /directories/{id}`.
pub async fn get(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    let id = id.into_inner();
    let dir = state
        .store
        .read(move |conn| directories::get(conn, &id).map_err(|e| not_found(e, &id)))
        .await?;
    Ok(ok(&dir))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DirectoryChange {
    strict_schema: bool,
}

/// `PATCH /directories/{id}`: `{"strict_schema": bool}`.
pub async fn update(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AccessError> {
    let change: DirectoryChange = parse(&body)?;
    let ctx = who.write_context(state.clock.now_micros());
    let id = id.into_inner();
    let dir = state
        .store
        .write(move |conn| {
            directories::set_strict_schema(conn, &ctx, &id, change.strict_schema)
                .map_err(|e| not_found(e, &id))
        })
        .await?;
    Ok(ok(&dir))
}

/// `GET /directories/{id}/sync-health[?issues=N]`: written out first, so
/// the report holds every request answered before it.
pub async fn sync_health(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, AccessError> {
    let limit = match query(&req)?.get("issues") {
        None => DEFAULT_ISSUES,
        Some(n) => n
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=sync_health::ISSUES_KEPT).contains(n))
            .ok_or_else(|| {
                AccessError::Invalid(format!(
                    "issues must be a number from 1 to {}",
                    sync_health::ISSUES_KEPT
                ))
            })?,
    };
    let now = state.clock.now_micros();
    state.sync.flush(&state.store, now, true).await;
    let id = id.into_inner();
    let report = state
        .store
        .read(move |conn| sync_health::report(conn, &id, now, limit))
        .await?;
    Ok(ok(&report))
}

fn not_found(e: crate::store::StoreError, id: &str) -> AccessError {
    match e {
        crate::store::StoreError::NotFound => {
            AccessError::NotFound(format!("directory {id} not found"))
        }
        other => other.into(),
    }
}

//! `/admin-tokens`: scoped admin API tokens, made, listed and revoked by
//! an org admin.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use crate::access::admins::{self, TokenSpec};
use crate::access::{admin_roles, AccessError};
use crate::http::auth::AdminPrincipal;
use crate::http::rest::{created, items, parse};
use crate::http::state::AppState;
use crate::store::StoreError;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenBody {
    name: Option<String>,
    role: String,
    site: Option<String>,
    product: Option<String>,
    /// A lifetime such as `90d`, `12h` or `30m`.
    expires: Option<String>,
}

/// `GET /admin-tokens`: every token, never its secret.
pub async fn list(
    state: web::Data<AppState>,
    _: AdminPrincipal,
) -> Result<HttpResponse, AccessError> {
    let now = state.clock.now_micros();
    Ok(items(
        state
            .store
            .read(move |conn| admins::list(conn, now).map_err(AccessError::from))
            .await?,
    ))
}

/// `POST /admin-tokens {"role",["site"|"product"],["expires":"90d"],["name"]}`:
/// the secret is in this response and nowhere else.
pub async fn create(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    body: web::Bytes,
) -> Result<HttpResponse, AccessError> {
    let b: TokenBody = parse(&body)?;
    let ctx = who.write_context(state.clock.now_micros());
    let expires_at = match b.expires.as_deref() {
        Some(text) => Some(ctx.now + admins::parse_lifetime(text)?),
        None => None,
    };
    let issued = state
        .store
        .write(move |conn| {
            let spec = TokenSpec {
                name: b.name.clone().unwrap_or_else(|| b.role.clone()),
                held: admin_roles::scoped(conn, &b.role, b.site.as_deref(), b.product.as_deref())?,
                expires_at,
            };
            Ok::<_, AccessError>(admins::issue(conn, &ctx, &spec)?)
        })
        .await?;
    Ok(created(&json!({"id": issued.id, "token": issued.secret})))
}

/// `DELETE /admin-tokens/{id}`.
pub async fn revoke(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    let id = id.into_inner();
    let ctx = who.write_context(state.clock.now_micros());
    let gone = id.clone();
    state
        .store
        .write(move |conn| match admins::revoke(conn, &ctx, &id) {
            Err(StoreError::NotFound) => Err(AccessError::NotFound(format!(
                "no live admin token \"{gone}\""
            ))),
            other => Ok(other?),
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

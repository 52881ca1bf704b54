//! `/admin-roles`: who holds which admin role, and `/me`: what the caller holds.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use crate::access::admin_roles::{self, NewRole};
use crate::access::AccessError;
use crate::http::auth::AdminPrincipal;
use crate::http::rest::{created, items, ok, parse};
use crate::http::state::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleBody {
    role: String,
    site: Option<String>,
    product: Option<String>,
    email: Option<String>,
    group: Option<String>,
    directory: Option<String>,
}

/// `GET /admin-roles`.
pub async fn list(
    state: web::Data<AppState>,
    _: AdminPrincipal,
) -> Result<HttpResponse, AccessError> {
    Ok(items(
        state
            .store
            .read(|conn| admin_roles::list(conn).map_err(AccessError::from))
            .await?,
    ))
}

/// `POST /admin-roles {"role","email"|"group",["site"|"product"],["directory"]}`.
pub async fn grant(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    body: web::Bytes,
) -> Result<HttpResponse, AccessError> {
    let b: RoleBody = parse(&body)?;
    let new = NewRole {
        role: b.role,
        site: b.site,
        product: b.product,
        email: b.email,
        group: b.group,
        directory: b.directory,
    };
    let ctx = who.write_context(state.clock.now_micros());
    let (view, fresh) = state
        .store
        .write(move |conn| admin_roles::grant(conn, &ctx, &new))
        .await?;
    Ok(if fresh { created(&view) } else { ok(&view) })
}

/// `DELETE /admin-roles/{id}`.
pub async fn revoke(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    let id = id.into_inner();
    let ctx = who.write_context(state.clock.now_micros());
    state
        .store
        .write(move |conn| admin_roles::revoke(conn, &ctx, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /me`: who the caller is and the roles they hold now.
pub async fn me(who: AdminPrincipal) -> HttpResponse {
    let roles: Vec<_> = who
        .standing
        .holds
        .iter()
        .map(|h| json!({"role": h.role.as_str(), "scope": h.scope(), "site": h.site, "product": h.product}))
        .collect();
    ok(&json!({
        "actor_type": who.actor.kind.as_str(),
        "actor": who.actor.id,
        "person": who.actor.person,
        "roles": roles,
    }))
}

//! `/invitations` (list, one, revoke) and `/invite-links` (make, list,
//! revoke): the self-service roads an admin keeps an eye on.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use crate::access::{invitations, invite_links, AccessError};
use crate::http::auth::AdminPrincipal;
use crate::http::rest::{created, items, no_other_parameters, ok, parse, query, take_window};
use crate::http::state::AppState;

/// Most invitations one page lists.
const MAX_PAGE: i64 = 1000;

/// `GET /invitations?status=open|accepted|revoked|expired&product=…&offset=&limit=`.
pub async fn list(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    req: HttpRequest,
) -> Result<HttpResponse, AccessError> {
    let mut q = query(&req)?;
    let (offset, limit) = take_window(&mut q, 100, MAX_PAGE)?;
    let (status, product) = (q.remove("status"), q.remove("product"));
    no_other_parameters(&q)?;
    let now = state.clock.now_micros();
    Ok(items(
        state
            .store
            .read(move |conn| {
                invitations::list(
                    conn,
                    status.as_deref(),
                    product.as_deref(),
                    now,
                    offset,
                    limit,
                )
            })
            .await?,
    ))
}

/// `GET /invitations/{id}`.
pub async fn get(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    let (id, now) = (id.into_inner(), state.clock.now_micros());
    Ok(ok(&state
        .store
        .read(move |conn| invitations::get(conn, &id, now))
        .await?))
}

/// `DELETE /invitations/{id}`: revokes an open invitation.
pub async fn revoke(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    let id = id.into_inner();
    let ctx = who.write_context(state.clock.now_micros());
    Ok(ok(&state
        .store
        .write(move |conn| invitations::revoke(conn, &ctx, &id))
        .await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewLink {
    product: String,
    role: Option<String>,
}

/// The URL a link's token opens: the product API's view of the link,
/// from the public URL, else the request's own origin.
fn link_url(state: &AppState, req: &HttpRequest, token: &str) -> String {
    let origin = match &state.settings.public_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => {
            let info = req.connection_info();
            format!("{}://{}", info.scheme(), info.host())
        }
    };
    format!("{origin}/api/v1/invite-links/{token}")
}

/// `POST /invite-links {"product","role"?}`: `{"id","token","url","expires_at",…}`;
/// the token is shown only now.
pub async fn create_link(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AccessError> {
    let new: NewLink = parse(&body)?;
    let ctx = who.write_context(state.clock.now_micros());
    let issued = state
        .store
        .write(move |conn| invite_links::create(conn, &ctx, &new.product, new.role.as_deref()))
        .await?;
    let url = link_url(&state, &req, &issued.token);
    let mut body = serde_json::to_value(&issued.link).unwrap_or_default();
    if let Some(o) = body.as_object_mut() {
        o.insert("token".into(), json!(issued.token));
        o.insert("url".into(), json!(url));
    }
    Ok(created(&body))
}

/// `GET /invite-links[?product=…]`.
pub async fn list_links(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    req: HttpRequest,
) -> Result<HttpResponse, AccessError> {
    let mut q = query(&req)?;
    let product = q.remove("product");
    no_other_parameters(&q)?;
    let now = state.clock.now_micros();
    Ok(items(
        state
            .store
            .read(move |conn| invite_links::list(conn, product.as_deref(), now))
            .await?,
    ))
}

/// `DELETE /invite-links/{id}`.
pub async fn revoke_link(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    let id = id.into_inner();
    let ctx = who.write_context(state.clock.now_micros());
    Ok(ok(&state
        .store
        .write(move |conn| invite_links::revoke(conn, &ctx, &id))
        .await?))
}

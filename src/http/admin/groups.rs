//! `/groups`: local groups and their members; synced groups read-only.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::access::local_groups::{self, Grant};
use crate::access::sources::Source;
use crate::access::AccessError;
use crate::http::auth::AdminPrincipal;
use crate::http::rest::{created, items, ok, parse};
use crate::http::state::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewGroup {
    #[serde(rename = "displayName")]
    display_name: String,
}

/// `POST /groups`: a local group.
pub async fn create(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    body: web::Bytes,
) -> Result<HttpResponse, AccessError> {
    let new: NewGroup = parse(&body)?;
    let ctx = who.write_context(state.clock.now_micros());
    let group = state
        .store
        .write(move |conn| local_groups::create(conn, &ctx, &new.display_name))
        .await?;
    Ok(created(&group))
}

/// `GET /groups`: the local groups.
pub async fn list(
    state: web::Data<AppState>,
    _: AdminPrincipal,
) -> Result<HttpResponse, AccessError> {
    Ok(items(state.store.read(local_groups::list).await?))
}

/// `GET /groups/{id}`: any group, synced or local.
pub async fn get(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    let id = id.into_inner();
    Ok(ok(&state
        .store
        .read(move |conn| local_groups::get(conn, &id))
        .await?))
}

/// `DELETE /groups/{id}`: a local group that is no default group.
pub async fn delete(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    let id = id.into_inner();
    let ctx = who.write_context(state.clock.now_micros());
    state
        .store
        .write(move |conn| local_groups::delete(conn, &ctx, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /groups/{id}/members`: members with their sources.
pub async fn members(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    let id = id.into_inner();
    Ok(items(
        state
            .store
            .read(move |conn| local_groups::members(conn, &id))
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewMembers {
    users: Vec<String>,
    /// Why access outside synced groups is needed while IT-only mode is on.
    break_glass_reason: Option<String>,
}

/// `POST /groups/{id}/members {"users":[…],"break_glass_reason"?}`: an
/// org admin adds to any local group; a site-admin or user-access-admin
/// only to groups granting products they administer, and nothing else.
pub async fn add_members(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AccessError> {
    let new: NewMembers = parse(&body)?;
    let id = id.into_inner();
    let ctx = who.write_context(state.clock.now_micros());
    let standing = who.standing;
    let members = state
        .store
        .write(move |conn| {
            local_groups::admin_add_members(
                conn,
                &ctx,
                &id,
                Grant {
                    users: &new.users,
                    granter: Some(&standing),
                    source: Source::Admin,
                    reason: new.break_glass_reason.as_deref(),
                },
            )
        })
        .await?;
    Ok(created(&serde_json::json!({ "items": members })))
}

/// `DELETE /groups/{id}/members/{user_id}`: within the caller's reach, as adding.
pub async fn remove_member(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AccessError> {
    let (id, user) = path.into_inner();
    let ctx = who.write_context(state.clock.now_micros());
    let standing = who.standing;
    state
        .store
        .write(move |conn| local_groups::remove_member(conn, &ctx, &id, &user, Some(&standing)))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

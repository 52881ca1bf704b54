//! `/Users`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::{
    condition, if_match, json_response, not_modified, path_id, projection, resource_response,
};
use crate::access::provisioning::users;
use crate::http::auth::DirectoryPrincipal;
use crate::http::body::ScimBody;
use crate::http::AppState;
use crate::scim::list::{list_response, ListParams};
use crate::scim::projection::Projection;
use crate::scim::resource::{location, UserResource};
use crate::scim::schema::ResourceKind;
use crate::scim::validate::validate_resource;
use crate::scim::ScimError;

const KIND: ResourceKind = ResourceKind::User;

fn render(
    state: &AppState,
    who: &DirectoryPrincipal,
    user: &UserResource,
    projection: &Projection,
) -> serde_json::Value {
    projection.apply(
        &state.registry,
        KIND,
        user.to_json(&state.registry, &who.base_url),
    )
}

/// `POST /Users`.
pub async fn create(
    state: web::Data<AppState>,
    who: DirectoryPrincipal,
    req: HttpRequest,
    body: ScimBody,
) -> Result<HttpResponse, ScimError> {
    let attributes = validate_resource(&state.registry, KIND, &body.0)?;
    let projection = projection(&state, &req)?;
    let ctx = who.write_context(state.clock.now_micros());
    let user = state
        .store
        .write(move |conn| users::create(conn, &ctx, attributes))
        .await?;
    let loc = location(&who.base_url, KIND, &user.id);
    Ok(resource_response(
        StatusCode::CREATED,
        &render(&state, &who, &user, &projection),
        &user.meta.etag(),
        Some(&loc),
    ))
}

/// `GET /Users/{id}`.
pub async fn get(
    state: web::Data<AppState>,
    who: DirectoryPrincipal,
    req: HttpRequest,
) -> Result<HttpResponse, ScimError> {
    let projection = projection(&state, &req)?;
    let (directory, id) = (who.directory_id.clone(), path_id(&req));
    let user = state
        .store
        .read(move |conn| users::get(conn, &directory, &id))
        .await?;
    if let Some(r) = not_modified(&req, &user.meta.etag()) {
        return Ok(r);
    }
    Ok(resource_response(
        StatusCode::OK,
        &render(&state, &who, &user, &projection),
        &user.meta.etag(),
        None,
    ))
}

/// `PUT /Users/{id}`.
pub async fn replace(
    state: web::Data<AppState>,
    who: DirectoryPrincipal,
    req: HttpRequest,
    body: ScimBody,
) -> Result<HttpResponse, ScimError> {
    let attributes = validate_resource(&state.registry, KIND, &body.0)?;
    let projection = projection(&state, &req)?;
    let ctx = who.write_context(state.clock.now_micros());
    let (id, if_match) = (path_id(&req), if_match(&req));
    let user = state
        .store
        .write(move |conn| users::replace(conn, &ctx, &id, attributes, if_match.as_deref()))
        .await?;
    Ok(resource_response(
        StatusCode::OK,
        &render(&state, &who, &user, &projection),
        &user.meta.etag(),
        None,
    ))
}

/// `DELETE /Users/{id}`.
pub async fn delete(
    state: web::Data<AppState>,
    who: DirectoryPrincipal,
    req: HttpRequest,
) -> Result<HttpResponse, ScimError> {
    let ctx = who.write_context(state.clock.now_micros());
    let (id, if_match) = (path_id(&req), if_match(&req));
    state
        .store
        .write(move |conn| users::delete(conn, &ctx, &id, if_match.as_deref()))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /Users` with filter and paging.
pub async fn list(
    state: web::Data<AppState>,
    who: DirectoryPrincipal,
    req: HttpRequest,
) -> Result<HttpResponse, ScimError> {
    let params = ListParams::from_query(req.query_string())?;
    let projection = Projection::parse(
        &state.registry,
        params.attributes.as_deref(),
        params.excluded_attributes.as_deref(),
    )?;
    let condition = condition(&state, KIND, params.filter.as_deref())?;
    let limit = params.page_size(state.settings.max_page_size);
    let offset = params.start_index - 1;
    let directory = who.directory_id.clone();
    let (total, found) = state
        .store
        .read(move |conn| users::list(conn, &directory, condition.as_ref(), offset, limit))
        .await?;
    let resources = found
        .iter()
        .map(|u| render(&state, &who, u, &projection))
        .collect();
    Ok(json_response(
        StatusCode::OK,
        &list_response(total, params.start_index, resources),
    ))
}

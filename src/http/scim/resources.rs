//! `/Users` and `/Groups`: one set of handlers, generic over the resource
//! type, so both endpoints behave alike by construction.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

use super::{
    if_match, json_response, list_query, not_modified, path_id, projection, resource_response,
};
use crate::access::provisioning::{groups, users, Written};
use crate::access::sync_health::RequestSeen;
use crate::access::WriteContext;
use crate::http::auth::{ScimCaller, ScimPrincipal};
use crate::http::body::ScimBody;
use crate::http::AppState;
use crate::scim::cursor::{query_digest, Cursor, Direction};
use crate::scim::list::{list_response, ListParams};
use crate::scim::patch::{self, Operation};
use crate::scim::projection::Projection;
use crate::scim::resource::{location, GroupResource, Meta, UserResource};
use crate::scim::schema::{ResourceKind, SchemaRegistry};
use crate::scim::validate::{validate_resource, Validated};
use crate::scim::{ScimError, ScimType};
use crate::store::sql_filter::{self, ListQuery};
use crate::store::DbConn;

/// A SCIM resource type as the handlers see it: the provisioning calls and
/// the rendering. `expanded` asks for the costly multi-valued part (a
/// group's members) only when the response will carry it.
pub trait Endpoint: 'static {
    const KIND: ResourceKind;
    type Resource: Send + 'static;

    fn create(
        conn: &mut DbConn,
        ctx: &WriteContext,
        validated: Validated,
    ) -> Result<Written<Self::Resource>, ScimError>;
    fn get(
        conn: &mut DbConn,
        directory: Option<&str>,
        id: &str,
        expanded: bool,
    ) -> Result<Self::Resource, ScimError>;
    fn replace(
        conn: &mut DbConn,
        ctx: &WriteContext,
        id: &str,
        validated: Validated,
        if_match: Option<&str>,
    ) -> Result<Written<Self::Resource>, ScimError>;
    fn delete(
        conn: &mut DbConn,
        ctx: &WriteContext,
        id: &str,
        if_match: Option<&str>,
    ) -> Result<(), ScimError>;
    /// PATCH, all operations or none.
    #[allow(clippy::too_many_arguments)]
    fn patch(
        conn: &mut DbConn,
        ctx: &WriteContext,
        registry: &SchemaRegistry,
        id: &str,
        operations: &[Operation],
        if_match: Option<&str>,
        expanded: bool,
    ) -> Result<Written<Self::Resource>, ScimError>;
    fn list(
        conn: &mut DbConn,
        directory: Option<&str>,
        query: &ListQuery,
        expanded: bool,
    ) -> Result<(u64, Vec<Self::Resource>), ScimError>;
    /// Whether the projection needs the costly part loaded.
    fn expanded(registry: &SchemaRegistry, projection: &Projection) -> bool;
    /// Whether a PATCH answers with the resource when the client did not
    /// ask for attributes: users yes; groups no (204), since a group's
    /// members are what its PATCHes change and can be 200,000 long.
    const PATCH_ANSWERS_RESOURCE: bool;
    fn to_json(resource: &Self::Resource, registry: &SchemaRegistry, base_url: &str) -> Value;
    fn id(resource: &Self::Resource) -> &str;
    fn meta(resource: &Self::Resource) -> &Meta;
}

/// `/Users`.
pub struct Users;
/// `/Groups`.
pub struct Groups;

impl Endpoint for Users {
    const KIND: ResourceKind = ResourceKind::User;
    const PATCH_ANSWERS_RESOURCE: bool = true;
    type Resource = UserResource;

    fn create(
        conn: &mut DbConn,
        ctx: &WriteContext,
        validated: Validated,
    ) -> Result<Written<UserResource>, ScimError> {
        users::create(conn, ctx, validated)
    }
    fn get(
        conn: &mut DbConn,
        directory: Option<&str>,
        id: &str,
        _: bool,
    ) -> Result<UserResource, ScimError> {
        users::get(conn, directory, id)
    }
    fn replace(
        conn: &mut DbConn,
        ctx: &WriteContext,
        id: &str,
        validated: Validated,
        if_match: Option<&str>,
    ) -> Result<Written<UserResource>, ScimError> {
        users::replace(conn, ctx, id, validated, if_match)
    }
    fn delete(
        conn: &mut DbConn,
        ctx: &WriteContext,
        id: &str,
        if_match: Option<&str>,
    ) -> Result<(), ScimError> {
        users::delete(conn, ctx, id, if_match)
    }
    fn list(
        conn: &mut DbConn,
        directory: Option<&str>,
        query: &ListQuery,
        _: bool,
    ) -> Result<(u64, Vec<UserResource>), ScimError> {
        users::list(conn, directory, query)
    }
    fn patch(
        conn: &mut DbConn,
        ctx: &WriteContext,
        registry: &SchemaRegistry,
        id: &str,
        operations: &[Operation],
        if_match: Option<&str>,
        _: bool,
    ) -> Result<Written<UserResource>, ScimError> {
        users::patch(conn, ctx, registry, id, operations, if_match)
    }
    fn expanded(_: &SchemaRegistry, _: &Projection) -> bool {
        true
    }
    fn to_json(resource: &UserResource, registry: &SchemaRegistry, base_url: &str) -> Value {
        resource.to_json(registry, base_url)
    }
    fn id(resource: &UserResource) -> &str {
        &resource.id
    }
    fn meta(resource: &UserResource) -> &Meta {
        &resource.meta
    }
}

impl Endpoint for Groups {
    const KIND: ResourceKind = ResourceKind::Group;
    const PATCH_ANSWERS_RESOURCE: bool = false;
    type Resource = GroupResource;

    fn create(
        conn: &mut DbConn,
        ctx: &WriteContext,
        validated: Validated,
    ) -> Result<Written<GroupResource>, ScimError> {
        groups::create(conn, ctx, validated)
    }
    fn get(
        conn: &mut DbConn,
        directory: Option<&str>,
        id: &str,
        expanded: bool,
    ) -> Result<GroupResource, ScimError> {
        groups::get(conn, directory, id, expanded)
    }
    fn replace(
        conn: &mut DbConn,
        ctx: &WriteContext,
        id: &str,
        validated: Validated,
        if_match: Option<&str>,
    ) -> Result<Written<GroupResource>, ScimError> {
        groups::replace(conn, ctx, id, validated, if_match)
    }
    fn delete(
        conn: &mut DbConn,
        ctx: &WriteContext,
        id: &str,
        if_match: Option<&str>,
    ) -> Result<(), ScimError> {
        groups::delete(conn, ctx, id, if_match)
    }
    fn list(
        conn: &mut DbConn,
        directory: Option<&str>,
        query: &ListQuery,
        expanded: bool,
    ) -> Result<(u64, Vec<GroupResource>), ScimError> {
        groups::list(conn, directory, query, expanded)
    }
    fn patch(
        conn: &mut DbConn,
        ctx: &WriteContext,
        registry: &SchemaRegistry,
        id: &str,
        operations: &[Operation],
        if_match: Option<&str>,
        expanded: bool,
    ) -> Result<Written<GroupResource>, ScimError> {
        groups::patch(conn, ctx, registry, id, operations, if_match, expanded)
    }
    fn expanded(registry: &SchemaRegistry, projection: &Projection) -> bool {
        projection.includes(registry, ResourceKind::Group, "members")
    }
    fn to_json(resource: &GroupResource, registry: &SchemaRegistry, base_url: &str) -> Value {
        resource.to_json(registry, base_url)
    }
    fn id(resource: &GroupResource) -> &str {
        &resource.id
    }
    fn meta(resource: &GroupResource) -> &Meta {
        &resource.meta
    }
}

fn render<E: Endpoint>(
    registry: &SchemaRegistry,
    base_url: &str,
    resource: &E::Resource,
    projection: &Projection,
) -> Value {
    projection.apply(registry, E::KIND, E::to_json(resource, registry, base_url))
}

/// Tells the directory's sync health, and the schema registry, what a
/// write kept that no schema defines and which members it skipped.
pub fn note_written<R>(
    state: &AppState,
    req: &HttpRequest,
    ctx: &WriteContext,
    (kind, resource_id): (ResourceKind, &str),
    status: StatusCode,
    written: &Written<R>,
) {
    if !written.unregistered.is_empty() {
        let kept: Vec<_> = written
            .unregistered
            .iter()
            .filter_map(|u| u.kept(kind))
            .collect();
        state.schemas.keep(&kept);
        state
            .sync
            .unregistered(&ctx.directory_id, kind, &written.unregistered, ctx.now);
    }
    if !written.skipped_members.is_empty() {
        let method = req.method().as_str();
        let seen = RequestSeen {
            directory_id: &ctx.directory_id,
            method,
            path: req.path(),
            status: status.as_u16(),
            error: None,
            request_id: ctx.request_id.as_deref(),
            now: ctx.now,
        };
        state
            .sync
            .skipped_members(seen, resource_id, &written.skipped_members);
    }
}

/// `POST /{Users,Groups}`.
pub async fn create<E: Endpoint>(
    state: web::Data<AppState>,
    who: ScimPrincipal,
    req: HttpRequest,
    body: ScimBody,
) -> Result<HttpResponse, ScimError> {
    let registry = state.registry();
    let validated = validate_resource(&registry, E::KIND, &body.0)?;
    let projection = projection(&registry, &req)?;
    let ctx = who.write_context(state.clock.now_micros())?;
    let write_ctx = ctx.clone();
    let created = state
        .store
        .write(move |conn| E::create(conn, &write_ctx, validated.clone()))
        .await?;
    let id = E::id(&created.resource);
    note_written(
        &state,
        &req,
        &ctx,
        (E::KIND, id),
        StatusCode::CREATED,
        &created,
    );
    let loc = location(&who.base_url, E::KIND, id);
    Ok(resource_response(
        StatusCode::CREATED,
        &render::<E>(&registry, &who.base_url, &created.resource, &projection),
        &E::meta(&created.resource).etag(),
        Some(&loc),
    ))
}

/// `GET /{Users,Groups}/{id}`, with `If-None-Match`.
pub async fn get<E: Endpoint>(
    state: web::Data<AppState>,
    caller: ScimCaller,
    req: HttpRequest,
) -> Result<HttpResponse, ScimError> {
    let result = get_checked::<E>(&state, &caller, &req).await;
    caller.vouch(&state, result).await
}

async fn get_checked<E: Endpoint>(
    state: &AppState,
    caller: &ScimCaller,
    req: &HttpRequest,
) -> Result<HttpResponse, ScimError> {
    let registry = state.registry();
    let projection = projection(&registry, req)?;
    let expanded = E::expanded(&registry, &projection);
    let (who, id) = (caller.clone(), path_id(req));
    let found = state
        .store
        .read(move |conn| {
            let who = who.authenticate(conn)?;
            E::get(conn, who.directory.as_deref(), &id, expanded)
        })
        .await?;
    let etag = E::meta(&found).etag();
    if let Some(r) = not_modified(req, &etag) {
        return Ok(r);
    }
    Ok(resource_response(
        StatusCode::OK,
        &render::<E>(&registry, &caller.base_url, &found, &projection),
        &etag,
        None,
    ))
}

/// `PUT /{Users,Groups}/{id}`, with `If-Match`.
pub async fn replace<E: Endpoint>(
    state: web::Data<AppState>,
    who: ScimPrincipal,
    req: HttpRequest,
    body: ScimBody,
) -> Result<HttpResponse, ScimError> {
    let registry = state.registry();
    let validated = validate_resource(&registry, E::KIND, &body.0)?;
    let projection = projection(&registry, &req)?;
    let ctx = who.write_context(state.clock.now_micros())?;
    let write_ctx = ctx.clone();
    let (id, if_match) = (path_id(&req), if_match(&req));
    let replaced = state
        .store
        .write(move |conn| {
            E::replace(
                conn,
                &write_ctx,
                &id,
                validated.clone(),
                if_match.as_deref(),
            )
        })
        .await?;
    note_written(
        &state,
        &req,
        &ctx,
        (E::KIND, E::id(&replaced.resource)),
        StatusCode::OK,
        &replaced,
    );
    Ok(resource_response(
        StatusCode::OK,
        &render::<E>(&registry, &who.base_url, &replaced.resource, &projection),
        &E::meta(&replaced.resource).etag(),
        None,
    ))
}

/// `PATCH /{Users,Groups}/{id}`, with `If-Match`. A user's PATCH answers
/// 200 with the user; a group's answers 204 (Entra ID's preference, which
/// Okta accepts), unless the request asks for attributes with `attributes`
/// or `excludedAttributes`: then 200 with the group as asked.
pub async fn patch<E: Endpoint>(
    state: web::Data<AppState>,
    who: ScimPrincipal,
    req: HttpRequest,
    body: ScimBody,
) -> Result<HttpResponse, ScimError> {
    let operations = patch::parse_request(&body.0)?;
    let registry = state.registry();
    let params = ListParams::from_query(req.query_string())?;
    let asked = params.attributes.is_some() || params.excluded_attributes.is_some();
    let answer = E::PATCH_ANSWERS_RESOURCE || asked;
    let projection = projection(&registry, &req)?;
    let expanded = answer && E::expanded(&registry, &projection);
    let ctx = who.write_context(state.clock.now_micros())?;
    let write_ctx = ctx.clone();
    let (id, if_match) = (path_id(&req), if_match(&req));
    let patch_registry = registry.clone();
    let patched = state
        .store
        .write(move |conn| {
            E::patch(
                conn,
                &write_ctx,
                &patch_registry,
                &id,
                &operations,
                if_match.as_deref(),
                expanded,
            )
        })
        .await?;
    let status = if answer {
        StatusCode::OK
    } else {
        StatusCode::NO_CONTENT
    };
    note_written(
        &state,
        &req,
        &ctx,
        (E::KIND, E::id(&patched.resource)),
        status,
        &patched,
    );
    let etag = E::meta(&patched.resource).etag();
    if !answer {
        let mut response = HttpResponse::NoContent().finish();
        if let Ok(v) = actix_web::http::header::HeaderValue::from_str(&etag) {
            response
                .headers_mut()
                .insert(actix_web::http::header::ETAG, v);
        }
        return Ok(response);
    }
    Ok(resource_response(
        StatusCode::OK,
        &render::<E>(&registry, &who.base_url, &patched.resource, &projection),
        &etag,
        None,
    ))
}

/// `DELETE /{Users,Groups}/{id}`, with `If-Match`.
pub async fn delete<E: Endpoint>(
    state: web::Data<AppState>,
    who: ScimPrincipal,
    req: HttpRequest,
) -> Result<HttpResponse, ScimError> {
    let ctx = who.write_context(state.clock.now_micros())?;
    let (id, if_match) = (path_id(&req), if_match(&req));
    state
        .store
        .write(move |conn| E::delete(conn, &ctx, &id, if_match.as_deref()))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /{Users,Groups}` with filter, sorting and paging.
pub async fn list<E: Endpoint>(
    state: web::Data<AppState>,
    caller: ScimCaller,
    req: HttpRequest,
) -> Result<HttpResponse, ScimError> {
    let result = match ListParams::from_query(req.query_string()) {
        Ok(params) => respond_list::<E>(&state, &caller, params).await,
        Err(e) => Err(e),
    };
    caller.vouch(&state, result).await
}

/// `POST /{Users,Groups}/.search`: the same, with the parameters in the body.
pub async fn search<E: Endpoint>(
    state: web::Data<AppState>,
    caller: ScimCaller,
    // Taken as a result so that a bad body is reported only to a caller
    // whose token checks out (`vouch`).
    body: Result<ScimBody, ScimError>,
) -> Result<HttpResponse, ScimError> {
    let result = match body.and_then(|b| ListParams::from_search_request(&b.0)) {
        Ok(params) => respond_list::<E>(&state, &caller, params).await,
        Err(e) => Err(e),
    };
    caller.vouch(&state, result).await
}

async fn respond_list<E: Endpoint>(
    state: &web::Data<AppState>,
    caller: &ScimCaller,
    params: ListParams,
) -> Result<HttpResponse, ScimError> {
    let body = if params.cursor.is_some() {
        cursor_page::<E>(state, caller, &params).await?
    } else {
        let (total, resources) = page::<E>(state, caller, &params, None).await?;
        list_response(total, params.start_index, resources)
    };
    Ok(json_response(StatusCode::OK, &body))
}

/// One page of rendered resources and the total. `page` overrides the
/// offset and size of `params` (the root search pages across types).
/// The caller's token is checked in the same database call as the read;
/// errors found before it are the handler's to `vouch` for.
pub async fn page<E: Endpoint>(
    state: &web::Data<AppState>,
    caller: &ScimCaller,
    params: &ListParams,
    page: Option<(u64, u64)>,
) -> Result<(u64, Vec<Value>), ScimError> {
    let registry = state.registry();
    let mut query = list_query(state, &registry, E::KIND, params)?;
    if let Some((offset, limit)) = page {
        query.offset = offset;
        query.limit = limit;
    }
    let (total, found, projection) = fetch::<E>(state, &registry, caller, params, query).await?;
    let resources = found
        .iter()
        .map(|r| render::<E>(&registry, &caller.base_url, r, &projection))
        .collect();
    Ok((total, resources))
}

async fn fetch<E: Endpoint>(
    state: &web::Data<AppState>,
    registry: &SchemaRegistry,
    caller: &ScimCaller,
    params: &ListParams,
    query: ListQuery,
) -> Result<(u64, Vec<E::Resource>, Projection), ScimError> {
    let projection = Projection::parse(
        registry,
        params.attributes.as_deref(),
        params.excluded_attributes.as_deref(),
    )?;
    let expanded = E::expanded(registry, &projection);
    let who = caller.clone();
    let (total, found) = state
        .store
        .read(move |conn| {
            let who = who.authenticate(conn)?;
            E::list(conn, who.directory.as_deref(), &query, expanded)
        })
        .await?;
    Ok((total, found, projection))
}

/// A page of cursor paging (RFC 9865): rows after (or before) the cursor's
/// position in creation order, with `nextCursor` / `previousCursor`.
async fn cursor_page<E: Endpoint>(
    state: &web::Data<AppState>,
    caller: &ScimCaller,
    params: &ListParams,
) -> Result<Value, ScimError> {
    if params.start_index_sent {
        return Err(ScimError::invalid_value(
            "startIndex and cursor cannot be used together; page with one or the other",
        ));
    }
    if params.sort_by.is_some() {
        return Err(ScimError::invalid_value(
            "sortBy cannot be combined with cursor: cursors follow creation order; page with startIndex to sort",
        ));
    }
    let max = state.settings.max_page_size;
    let size = params.count.unwrap_or(max);
    if size > max {
        return Err(ScimError::bad_request(
            ScimType::InvalidCount,
            format!("count {size} is above the maximum page size {max}"),
        ));
    }
    let digest = query_digest(E::KIND.name(), params.filter.as_deref());
    let position = match params.cursor.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(Cursor::decode(text, &digest)?),
    };
    let backwards = position
        .as_ref()
        .is_some_and(|c| c.direction == Direction::Previous);
    let registry = state.registry();
    let mut query = list_query(state, &registry, E::KIND, params)?;
    query.order = sql_filter::creation_order(E::KIND, backwards);
    query.seek = position
        .as_ref()
        .map(|c| sql_filter::seek(E::KIND, c.created_us, &c.id, !backwards));
    query.offset = 0;
    // One row more than the page tells whether another page follows.
    query.limit = size + 1;
    let (total, mut found, projection) =
        fetch::<E>(state, &registry, caller, params, query).await?;
    let more = found.len() as u64 > size;
    found.truncate(size as usize);
    if backwards {
        found.reverse();
    }
    let mark = |r: &E::Resource, direction| {
        Cursor {
            created_us: E::meta(r).created_us,
            id: E::id(r).to_owned(),
            direction,
            query: digest.clone(),
        }
        .encode()
    };
    // Forward: more rows follow only if the extra row came back; backward:
    // the page we came from follows. Earlier rows exist when we moved
    // forward from a position, or moving back found the extra row.
    let has_next = if backwards { true } else { more };
    let has_previous = if backwards { more } else { position.is_some() };
    let next = found
        .last()
        .filter(|_| has_next)
        .map(|r| mark(r, Direction::Next));
    let previous = found
        .first()
        .filter(|_| has_previous)
        .map(|r| mark(r, Direction::Previous));
    let resources: Vec<Value> = found
        .iter()
        .map(|r| render::<E>(&registry, &caller.base_url, r, &projection))
        .collect();
    let mut body = json!({
        "schemas": [crate::scim::LIST_RESPONSE_URN],
        "totalResults": total,
        "itemsPerPage": resources.len(),
    });
    if let Some(n) = next {
        body["nextCursor"] = n.into();
    }
    if let Some(p) = previous {
        body["previousCursor"] = p.into();
    }
    body["Resources"] = Value::Array(resources);
    Ok(body)
}

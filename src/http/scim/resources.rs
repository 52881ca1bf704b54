//! `/Users` and `/Groups`: one set of handlers, generic over the resource
//! type (`access::provisioning::Provisioned`), so both endpoints behave
//! alike by construction. Lists are in `listing`.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::Value;

use super::{if_match, not_modified, path_id, projection, resource_response};
use crate::access::provisioning::{Provisioned, Written};
use crate::access::sync_health::RequestSeen;
use crate::access::WriteContext;
use crate::http::auth::{ScimCaller, ScimPrincipal};
use crate::http::body::ScimBody;
use crate::http::state::AppState;
use crate::scim::list::ListParams;
use crate::scim::patch;
use crate::scim::projection::Projection;
use crate::scim::resource::{location, ScimResource};
use crate::scim::schema::{ResourceKind, SchemaRegistry};
use crate::scim::validate::validate_resource;
use crate::scim::ScimError;
use crate::store::write_reach::Reach;
use crate::store::DbConn;

pub(super) fn render<E: Provisioned>(
    registry: &SchemaRegistry,
    base_url: &str,
    resource: E::Resource,
    projection: &Projection,
) -> Value {
    projection.apply(registry, E::KIND, resource.into_json(registry, base_url))
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
pub async fn create<E: Provisioned>(
    state: web::Data<AppState>,
    who: ScimPrincipal,
    req: HttpRequest,
    body: ScimBody,
) -> Result<HttpResponse, ScimError> {
    let registry = state.registry();
    let validated = validate_resource(&registry, E::KIND, &body.0)?;
    let projection = projection(&registry, &req)?;
    let ctx = who.write_context(state.clock.now_micros())?;
    let asked = Arc::new((ctx.clone(), validated));
    let planned = asked.clone();
    let created = written::<E, _, _>(
        &state,
        &ctx,
        E::PLANS_WRITES
            .then_some(move |conn: &mut DbConn| E::plan_create(conn, &planned.0, &planned.1)),
        E::REACH,
        move |conn| E::create(conn, &asked.0, asked.1.clone()),
    )
    .await?;
    let id = created.resource.id();
    note_written(
        &state,
        &req,
        &ctx,
        (E::KIND, id),
        StatusCode::CREATED,
        &created,
    );
    let loc = location(&who.base_url, E::KIND, id);
    let etag = created.resource.meta().etag();
    Ok(resource_response(
        StatusCode::CREATED,
        &render::<E>(&registry, &who.base_url, created.resource, &projection),
        &etag,
        Some(&loc),
    ))
}

/// `GET /{Users,Groups}/{id}`, with `If-None-Match`.
pub async fn get<E: Provisioned>(
    state: web::Data<AppState>,
    caller: ScimCaller,
    req: HttpRequest,
) -> Result<HttpResponse, ScimError> {
    let result = get_checked::<E>(&state, &caller, &req).await;
    caller.vouch(&state, result).await
}

pub(super) async fn get_checked<E: Provisioned>(
    state: &AppState,
    caller: &ScimCaller,
    req: &HttpRequest,
) -> Result<HttpResponse, ScimError> {
    let registry = state.registry();
    let projection = projection(&registry, req)?;
    let expanded = E::expanded(&registry, &projection);
    let (who, id) = (caller.clone(), path_id(req));
    let on_worker = match (state.store.worker_lookups(), caller.kept()) {
        (Some(lookups), Some(Ok(who))) => {
            E::get_on_worker(lookups, who.directory.as_deref(), &id, expanded).await
        }
        _ => None,
    };
    let found = match on_worker {
        Some(found) => found?,
        None => {
            state
                .store
                .read(move |conn| {
                    let who = who.authenticate(conn)?;
                    E::get(conn, who.directory.as_deref(), &id, expanded)
                })
                .await?
        }
    };
    let etag = found.meta().etag();
    if let Some(r) = not_modified(req, &etag) {
        return Ok(r);
    }
    Ok(resource_response(
        StatusCode::OK,
        &render::<E>(&registry, &caller.base_url, found, &projection),
        &etag,
        None,
    ))
}

/// A POST's, PUT's or PATCH's write: in one statement where there is a
/// `plan` and it finds the change fits one (`Store::write_in_one_statement`),
/// otherwise `transaction`, whose reach is `reach`.
async fn written<E, P, T>(
    state: &AppState,
    ctx: &WriteContext,
    plan: Option<P>,
    reach: Reach,
    transaction: T,
) -> Result<Written<E::Resource>, ScimError>
where
    E: Provisioned,
    P: Fn(&mut DbConn) -> Result<Option<E::Planned>, ScimError> + Send + 'static,
    T: Fn(&mut DbConn) -> Result<Written<E::Resource>, ScimError> + Send + 'static,
{
    if let Some(plan) = plan {
        let ctx = ctx.clone();
        let in_one = state
            .store
            .write_in_one_statement(plan, move |conn, planned| {
                E::write_planned(conn, &ctx, planned)
            })
            .await?;
        if let Some(done) = in_one {
            return Ok(done);
        }
    }
    state.store.write_reaching(reach, transaction).await
}

/// `PUT /{Users,Groups}/{id}`, with `If-Match`.
pub async fn replace<E: Provisioned>(
    state: web::Data<AppState>,
    who: ScimPrincipal,
    req: HttpRequest,
    body: ScimBody,
) -> Result<HttpResponse, ScimError> {
    let registry = state.registry();
    let validated = validate_resource(&registry, E::KIND, &body.0)?;
    let projection = projection(&registry, &req)?;
    let ctx = who.write_context(state.clock.now_micros())?;
    let (id, if_match) = (path_id(&req), if_match(&req));
    let asked = Arc::new((ctx.clone(), id, if_match, validated));
    let planned = asked.clone();
    let replaced = written::<E, _, _>(
        &state,
        &ctx,
        E::PLANS_WRITES.then_some(move |conn: &mut DbConn| {
            let (ctx, id, if_match, validated) = &*planned;
            E::plan_replace(conn, ctx, id, validated, if_match.as_deref())
        }),
        E::REACH,
        move |conn| {
            let (ctx, id, if_match, validated) = &*asked;
            E::replace(conn, ctx, id, validated.clone(), if_match.as_deref())
        },
    )
    .await?;
    note_written(
        &state,
        &req,
        &ctx,
        (E::KIND, replaced.resource.id()),
        StatusCode::OK,
        &replaced,
    );
    let etag = replaced.resource.meta().etag();
    Ok(resource_response(
        StatusCode::OK,
        &render::<E>(&registry, &who.base_url, replaced.resource, &projection),
        &etag,
        None,
    ))
}

/// `PATCH /{Users,Groups}/{id}`, with `If-Match`. A user's PATCH answers
/// 200 with the user; a group's answers 204 (Entra ID's preference, which
/// Okta accepts), unless the request asks for attributes with `attributes`
/// or `excludedAttributes`: then 200 with the group as asked.
pub async fn patch<E: Provisioned>(
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
    let (id, if_match) = (path_id(&req), if_match(&req));
    let reach = E::patch_reach(&operations);
    let plan_first = E::PLANS_WRITES && E::patch_may_be_planned(&operations);
    let asked = Arc::new((ctx.clone(), registry.clone(), id, if_match, operations));
    let planned = asked.clone();
    let patched = written::<E, _, _>(
        &state,
        &ctx,
        plan_first.then_some(move |conn: &mut DbConn| {
            let (ctx, registry, id, if_match, operations) = &*planned;
            E::plan_patch(conn, ctx, registry, id, operations, if_match.as_deref())
        }),
        reach,
        move |conn| {
            let (ctx, registry, id, if_match, operations) = &*asked;
            E::patch(
                conn,
                ctx,
                registry,
                id,
                operations,
                if_match.as_deref(),
                expanded,
            )
        },
    )
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
        (E::KIND, patched.resource.id()),
        status,
        &patched,
    );
    let etag = patched.resource.meta().etag();
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
        &render::<E>(&registry, &who.base_url, patched.resource, &projection),
        &etag,
        None,
    ))
}

/// `DELETE /{Users,Groups}/{id}`, with `If-Match`.
pub async fn delete<E: Provisioned>(
    state: web::Data<AppState>,
    who: ScimPrincipal,
    req: HttpRequest,
) -> Result<HttpResponse, ScimError> {
    let ctx = who.write_context(state.clock.now_micros())?;
    let (id, if_match) = (path_id(&req), if_match(&req));
    state
        .store
        .write_reaching(E::REACH, move |conn| {
            E::delete(conn, &ctx, &id, if_match.as_deref())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

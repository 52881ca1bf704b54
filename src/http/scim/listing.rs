//! Lists of users and groups: `GET` with a query, `POST /.search`, paged by
//! `startIndex` or by cursor (RFC 9865). The request is checked and typed
//! here (`scim::query`); the access layer runs it.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::Value;

use super::list_response;
use super::resources::render;
use crate::access::provisioning::Provisioned;
use crate::http::auth::ScimCaller;
use crate::http::body::ScimBody;
use crate::http::state::AppState;
use crate::scim::cursor::CursorPage;
use crate::scim::list::{ListParams, ListResponse};
use crate::scim::projection::Projection;
use crate::scim::query::ListRequest;
use crate::scim::resource::{Rendered, RenderedView, ScimResource, Viewer};
use crate::scim::schema::{ResourceKind, SchemaRegistry};
use crate::scim::ScimError;

/// `GET /{Users,Groups}` with filter, sorting and paging.
pub async fn list<E: Provisioned>(
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
pub async fn search<E: Provisioned>(
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

async fn respond_list<E: Provisioned>(
    state: &web::Data<AppState>,
    caller: &ScimCaller,
    params: ListParams,
) -> Result<HttpResponse, ScimError> {
    let registry = state.registry();
    if params.cursor.is_some() {
        return cursor_page::<E>(state, &registry, caller, &params).await;
    }
    let request = ListRequest::paged(&params, state.settings.max_page_size)?;
    let (total, found, projection) = fetch::<E>(state, &registry, caller, &params, request).await?;
    let whole = render_whole(&registry, &caller.base_url, found);
    let resources = views(&registry, E::KIND, &projection, &whole);
    let count = resources.len();
    let body = ListResponse::indexed(total, params.start_index, resources);
    Ok(list_response(StatusCode::OK, &body, count))
}

/// One page of rendered resources and the total. `page` overrides the
/// offset and size of `params` (the root search pages across types).
/// The caller's token is checked in the same database call as the read;
/// errors found before it are the handler's to `vouch` for.
pub async fn page<E: Provisioned>(
    state: &web::Data<AppState>,
    caller: &ScimCaller,
    params: &ListParams,
    page: Option<(u64, u64)>,
) -> Result<(u64, Vec<Value>), ScimError> {
    let registry = state.registry();
    let mut request = ListRequest::paged(params, state.settings.max_page_size)?;
    if let Some((offset, limit)) = page {
        request.offset = offset;
        request.limit = limit;
    }
    let (total, found, projection) = fetch::<E>(state, &registry, caller, params, request).await?;
    let resources = found
        .into_iter()
        .map(|r| render::<E>(&registry, &caller.base_url, r, &projection))
        .collect();
    Ok((total, resources))
}

/// Each resource laid out whole, its values moved, not copied; the
/// projection is applied as the response is written (`views`).
fn render_whole<'b, R: ScimResource>(
    registry: &SchemaRegistry,
    base_url: &'b str,
    found: Vec<R>,
) -> Vec<Rendered<'b>> {
    found
        .into_iter()
        .map(|r| r.render(registry, base_url))
        .collect()
}

/// What the response carries of each resource, borrowed from `whole`.
fn views<'v>(
    registry: &SchemaRegistry,
    kind: ResourceKind,
    projection: &Projection,
    whole: &'v [Rendered<'_>],
) -> Vec<RenderedView<'v>> {
    let mut viewer = Viewer::new(projection, registry, kind);
    whole.iter().map(|r| viewer.view(r)).collect()
}

async fn fetch<E: Provisioned>(
    state: &web::Data<AppState>,
    registry: &Arc<SchemaRegistry>,
    caller: &ScimCaller,
    params: &ListParams,
    request: ListRequest,
) -> Result<(u64, Vec<E::Resource>, Projection), ScimError> {
    let projection = Projection::parse(
        registry,
        params.attributes.as_deref(),
        params.excluded_attributes.as_deref(),
    )?;
    let expanded = E::expanded(registry, &projection);
    if let (Some(lookups), Some(Ok(who))) = (state.store.worker_lookups(), caller.kept()) {
        let directory = who.directory.as_deref();
        if let Some(found) = E::list_on_worker(lookups, directory, &request, expanded).await {
            let (total, found) = found?;
            return Ok((total, found, projection));
        }
    }
    // The snapshot is shared, not copied: a copy of every schema cost a
    // lookup more than the rest of its bookkeeping.
    let (who, registry) = (caller.clone(), Arc::clone(registry));
    let (total, found) = state
        .store
        .read(move |conn| {
            let who = who.authenticate(conn)?;
            E::list(
                conn,
                who.directory.as_deref(),
                &registry,
                &request,
                expanded,
            )
        })
        .await?;
    Ok((total, found, projection))
}

/// A page of cursor paging (RFC 9865): rows after (or before) the cursor's
/// position in creation order, with `nextCursor` / `previousCursor`.
async fn cursor_page<E: Provisioned>(
    state: &web::Data<AppState>,
    registry: &Arc<SchemaRegistry>,
    caller: &ScimCaller,
    params: &ListParams,
) -> Result<HttpResponse, ScimError> {
    let (plan, request) = CursorPage::plan(E::KIND, params, state.settings.max_page_size)?;
    let (counted, found, projection) = fetch::<E>(state, registry, caller, params, request).await?;
    // Counted on the walk's first page; carried by the cursor since.
    let total = plan.counted().unwrap_or(counted);
    let page = plan.finish(found, |r| (r.meta().created_us, r.id().to_owned()), total);
    let whole = render_whole(registry, &caller.base_url, page.rows);
    let resources = views(registry, E::KIND, &projection, &whole);
    let count = resources.len();
    let body = ListResponse::cursored(total, page.next, page.previous, resources);
    Ok(list_response(StatusCode::OK, &body, count))
}

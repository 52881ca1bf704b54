//! Lists of users and groups: `GET` with a query, `POST /.search`, paged by
//! `startIndex` or by cursor (RFC 9865). The request is checked and typed
//! here (`scim::query`); the access layer runs it.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::Value;

use super::resources::render;
use super::{list_text, text_response};
use crate::access::provisioning::Provisioned;
use crate::http::auth::ScimCaller;
use crate::http::body::ScimBody;
use crate::http::state::AppState;
use crate::scim::cursor::CursorPage;
use crate::scim::list::{ListParams, ListResponse};
use crate::scim::projection::Projection;
use crate::scim::query::ListRequest;
use crate::scim::resource::{Rendered, RenderedView, ScimResource, Viewer};
use crate::scim::schema::SchemaRegistry;
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
    let writer = PageWriter::new(&registry, caller, &params)?;
    let start_index = params.start_index;
    let text = fetch::<E, _>(
        state,
        caller,
        writer,
        request,
        move |writer, total, found| {
            writer.write(found, |resources| {
                ListResponse::indexed(total, start_index, resources)
            })
        },
    )
    .await?;
    Ok(text_response(StatusCode::OK, text))
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
    let writer = PageWriter::new(&registry, caller, params)?;
    fetch::<E, _>(state, caller, writer, request, |writer, total, found| {
        let resources = found
            .into_iter()
            .map(|r| render::<E>(&writer.registry, &writer.base_url, r, &writer.projection))
            .collect();
        Ok((total, resources))
    })
    .await
}

/// What a page's response is written with once its resources are read:
/// the schemas, the caller's base URL and the projection asked for.
///
/// The page is written where it was read, on a reader for most lists: a
/// page of 100 full users is a few thousand small allocations, and made on
/// a reader and freed on the HTTP worker each went through the
/// allocator's queue of frees from other threads, its memory cold in the
/// other core's cache (profile of `name.familyName eq` pages at 1M users:
/// the allocator 24% of the server's CPU).
struct PageWriter {
    registry: Arc<SchemaRegistry>,
    base_url: String,
    projection: Projection,
}

impl PageWriter {
    fn new(
        registry: &Arc<SchemaRegistry>,
        caller: &ScimCaller,
        params: &ListParams,
    ) -> Result<PageWriter, ScimError> {
        let projection = Projection::parse(
            registry,
            params.attributes.as_deref(),
            params.excluded_attributes.as_deref(),
        )?;
        Ok(PageWriter {
            // The snapshot is shared, not copied: a copy of every schema
            // cost a lookup more than the rest of its bookkeeping.
            registry: Arc::clone(registry),
            base_url: caller.base_url.clone(),
            projection,
        })
    }

    /// Whether the page shows groups and access (`Provisioned::expanded`).
    fn expanded<E: Provisioned>(&self) -> bool {
        E::expanded(&self.registry, &self.projection)
    }

    /// The text of the list response `body` makes of the page's views:
    /// each resource laid out whole, its values moved, not copied, and the
    /// projection applied as the response is written.
    fn write<R: ScimResource>(
        &self,
        found: Vec<R>,
        body: impl FnOnce(Vec<RenderedView<'_>>) -> ListResponse<RenderedView<'_>>,
    ) -> Result<Vec<u8>, ScimError> {
        let whole: Vec<Rendered<'_>> = found
            .into_iter()
            .map(|r| r.render(&self.registry, &self.base_url))
            .collect();
        let mut viewer = Viewer::of_snapshot(&self.projection, &self.registry, R::KIND);
        let resources: Vec<RenderedView<'_>> = whole.iter().map(|r| viewer.view(r)).collect();
        let count = resources.len();
        list_text(&body(resources), count)
    }
}

/// Reads a page, with groups and access when `writer`'s projection shows
/// them, and makes `finish` of its total and resources where they were
/// read: on the HTTP worker for a lookup it answers itself, else on the
/// reader (`PageWriter`).
async fn fetch<E: Provisioned, T: Send + 'static>(
    state: &web::Data<AppState>,
    caller: &ScimCaller,
    writer: PageWriter,
    request: ListRequest,
    finish: impl Fn(&PageWriter, u64, Vec<E::Resource>) -> Result<T, ScimError> + Send + 'static,
) -> Result<T, ScimError> {
    let expanded = writer.expanded::<E>();
    if let (Some(lookups), Some(Ok(who))) = (state.store.worker_lookups(), caller.kept()) {
        let directory = who.directory.as_deref();
        if let Some(found) = E::list_on_worker(lookups, directory, &request, expanded).await {
            let (total, found) = found?;
            return finish(&writer, total, found);
        }
    }
    let who = caller.clone();
    state
        .store
        .read(move |conn| {
            let who = who.authenticate(conn)?;
            let (total, found) = E::list(
                conn,
                who.directory.as_deref(),
                &writer.registry,
                &request,
                expanded,
            )?;
            finish(&writer, total, found)
        })
        .await
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
    let writer = PageWriter::new(registry, caller, params)?;
    let text = fetch::<E, _>(
        state,
        caller,
        writer,
        request,
        move |writer, counted, found| {
            // Counted on the walk's first page; carried by the cursor since.
            let total = plan.counted().unwrap_or(counted);
            let page = plan.finish(found, |r| (r.meta().created_us, r.id().to_owned()), total);
            writer.write(page.rows, |resources| {
                ListResponse::cursored(total, page.next, page.previous, resources)
            })
        },
    )
    .await?;
    Ok(text_response(StatusCode::OK, text))
}

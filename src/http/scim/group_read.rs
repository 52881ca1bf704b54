//! `GET /Groups/{id}` with members. A group whose members fit one page is
//! answered as any resource is; a larger one is sent as it is read, a page
//! of members at a time (`access::provisioning::group_pages`), so the
//! server holds a page per reader, not the group: eight clients reading a
//! 200,000-member group at once once grew the server by 730 MB.

use std::sync::Arc;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::stream::{self, Stream, StreamExt};
use serde_json::Value;

use super::resources::{get_checked, render};
use super::{not_modified, path_id, projection, resource_response};
use crate::access::provisioning::group_pages::{self, MembersPage};
use crate::access::provisioning::{Groups, Provisioned};
use crate::http::auth::ScimCaller;
use crate::http::error::SCIM_CONTENT_TYPE;
use crate::http::state::AppState;
use crate::scim::members_stream::{members_part, GroupFrame, MemberShape};
use crate::scim::ScimError;
use crate::store::{as_share, readers::current_share};

/// `GET /Groups/{id}`.
pub async fn get(
    state: web::Data<AppState>,
    caller: ScimCaller,
    req: HttpRequest,
) -> Result<HttpResponse, ScimError> {
    let result = get_streamed(&state, &caller, &req).await;
    caller.vouch(&state, result).await
}

async fn get_streamed(
    state: &web::Data<AppState>,
    caller: &ScimCaller,
    req: &HttpRequest,
) -> Result<HttpResponse, ScimError> {
    let registry = state.registry();
    let projection = projection(&registry, req)?;
    if !Groups::expanded(&registry, &projection) {
        return get_checked::<Groups>(state, caller, req).await;
    }
    let (who, id) = (caller.clone(), path_id(req));
    let read_id = id.clone();
    let (mut group, first) = state
        .store
        .read(move |conn| {
            let who = who.authenticate(conn)?;
            group_pages::first_page(conn, who.directory.as_deref(), &read_id)
        })
        .await?;
    let etag = group.meta.etag();
    if let Some(r) = not_modified(req, &etag) {
        return Ok(r);
    }
    let base_url = &caller.base_url;
    if first.next.is_none() {
        group.members = Some(first.members);
        let body = render::<Groups>(&registry, base_url, group, &projection);
        return Ok(resource_response(StatusCode::OK, &body, &etag, None));
    }
    let version = group.meta.version;
    let Value::Object(bare) = render::<Groups>(&registry, base_url, group, &projection) else {
        return Err(ScimError::new(
            500,
            "a group rendered as something else than an object",
        ));
    };
    let frame = GroupFrame::around(&bare);
    let pages = Pages {
        state: state.clone(),
        shape: MemberShape::of(&registry, &projection),
        base_url: base_url.clone(),
        id,
        version,
        share: current_share(),
    };
    let body = stream::once(async move { Ok(Bytes::from(frame.head)) })
        .chain(pages.stream(first))
        .chain(stream::once(async move { Ok(Bytes::from(frame.tail)) }));
    let mut response = HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, SCIM_CONTENT_TYPE))
        .streaming(body);
    if let Ok(v) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(header::ETAG, v);
    }
    Ok(response)
}

/// What reading the pages after the first needs.
struct Pages {
    state: web::Data<AppState>,
    /// Which sub-attributes of each member the request asked for.
    shape: MemberShape,
    base_url: String,
    id: String,
    /// The group's version when its first page was read.
    version: i64,
    /// The request's fair share: the body is read after the handler
    /// returned, outside the request's own marking (`fair_share`).
    share: Option<u64>,
}

/// Where a streamed read is: the page read and not yet sent, the member
/// to read the next page after, and whether any member has been sent (the
/// next one needs a comma before it).
struct Walk {
    page: Option<MembersPage>,
    after: Option<String>,
    sent_any: bool,
}

impl Pages {
    /// The members, page by page: a page is read when the client has taken
    /// the one before it, so a slow client holds no reader.
    fn stream(self, first: MembersPage) -> impl Stream<Item = Result<Bytes, std::io::Error>> {
        let pages = Arc::new(self);
        let start = Walk {
            page: Some(first),
            after: None,
            sent_any: false,
        };
        stream::unfold(Some(start), move |walk| {
            let pages = pages.clone();
            async move {
                let mut walk = walk?;
                let page = match walk.page.take() {
                    Some(page) => page,
                    None => match pages.read_after(walk.after.take()?).await {
                        Ok(page) => page,
                        Err(e) => {
                            // The status is sent: all that is left is to
                            // cut the response, so the client can't take
                            // a part of the group for all of it.
                            tracing::warn!(group = %pages.id, error = %e.detail, "streamed group read stopped");
                            return Some((Err(std::io::Error::other(e.detail)), None));
                        }
                    },
                };
                let part =
                    match members_part(pages.shape, &pages.base_url, &page.members, !walk.sent_any)
                    {
                        Ok(part) => part,
                        Err(e) => return Some((Err(std::io::Error::other(e)), None)),
                    };
                walk.sent_any |= !part.is_empty();
                walk.after = page.next;
                Some((Ok(Bytes::from(part)), Some(walk)))
            }
        })
    }

    async fn read_after(&self, after: String) -> Result<MembersPage, ScimError> {
        let (id, version) = (self.id.clone(), self.version);
        let read = self
            .state
            .store
            .read(move |conn| group_pages::next_page(conn, &id, version, &after));
        match self.share {
            Some(share) => as_share(share, read).await,
            None => read.await,
        }
    }
}

//! `POST /.search` at the SCIM root: Users and Groups together (RFC 7644
//! §3.4.3). Results list the matching users, then the matching groups,
//! each type in its own order; `startIndex`/`count` page across both.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use super::list_response;
use super::listing::page;
use crate::access::provisioning::{Groups, Users};
use crate::http::auth::ScimCaller;
use crate::http::body::ScimBody;
use crate::http::state::AppState;
use crate::scim::error::Cause;
use crate::scim::list::{ListParams, ListResponse};
use crate::scim::ScimError;

/// A filter naming an attribute one type lacks matches nothing of that
/// type; only when it fits neither type is it an error.
fn none_if_foreign<T>(result: Result<T, ScimError>) -> Result<Option<T>, ScimError> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.cause == Some(Cause::UnknownAttribute) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `POST /.search`.
pub async fn search_all(
    state: web::Data<AppState>,
    caller: ScimCaller,
    // Taken as a result so that a bad body is reported only to a caller
    // whose token checks out (`vouch`).
    body: Result<ScimBody, ScimError>,
) -> Result<HttpResponse, ScimError> {
    let result = match body {
        Ok(body) => search_both(&state, &caller, &body).await,
        Err(e) => Err(e),
    };
    caller.vouch(&state, result).await
}

async fn search_both(
    state: &web::Data<AppState>,
    caller: &ScimCaller,
    body: &ScimBody,
) -> Result<HttpResponse, ScimError> {
    let params = ListParams::from_search_request(&body.0)?;
    if params.cursor.is_some() {
        return Err(ScimError::invalid_value(
            "cursor paging is per resource type: use /Users/.search or /Groups/.search",
        ));
    }
    let size = params.page_size(state.settings.max_page_size);
    let offset = params.start_index - 1;
    let users = none_if_foreign(page::<Users>(state, caller, &params, Some((offset, size))).await)?;
    let user_total = users.as_ref().map_or(0, |(total, _)| *total);
    let taken = users.as_ref().map_or(0, |(_, found)| found.len() as u64);
    let group_page = (offset.saturating_sub(user_total), size - taken);
    let groups = none_if_foreign(page::<Groups>(state, caller, &params, Some(group_page)).await)?;
    if users.is_none() && groups.is_none() {
        // Neither type has the attribute: report it as the Users endpoint would.
        page::<Users>(state, caller, &params, Some((0, 0))).await?;
    }
    let (group_total, group_found) = groups.unwrap_or_default();
    let mut resources = users.map(|(_, found)| found).unwrap_or_default();
    resources.extend(group_found);
    let count = resources.len();
    Ok(list_response(
        StatusCode::OK,
        &ListResponse::indexed(user_total + group_total, params.start_index, resources),
        count,
    ))
}

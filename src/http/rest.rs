//! What the admin and product APIs share: JSON bodies and query strings
//! read strictly, JSON replies, and changes whose policy refusals are
//! audited.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::state::AppState;
use crate::access::{policy, AccessError};
use crate::scim::nul;

/// Reads a JSON request body into `T`; unknown fields and wrong types are
/// a 400 that says which.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, AccessError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(AccessError::Invalid("the request needs a JSON body".into()));
    }
    let invalid = |e: serde_json::Error| {
        AccessError::Invalid(format!("the JSON body is not valid here: {e}"))
    };
    if nul::may_hold_nul(body) {
        let value: serde_json::Value = serde_json::from_slice(body).map_err(invalid)?;
        if let Some(path) = nul::find_nul(&value) {
            return Err(AccessError::Invalid(nul::refusal(&path)));
        }
        return serde_json::from_value(value).map_err(invalid);
    }
    serde_json::from_slice(body).map_err(invalid)
}

/// The query string as a map (a later repeat of a key wins).
pub fn query(
    req: &actix_web::HttpRequest,
) -> Result<std::collections::HashMap<String, String>, AccessError> {
    web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
        .map(web::Query::into_inner)
        .map_err(|e| AccessError::Invalid(format!("bad query string: {e}")))
}

/// Takes `offset` (0 on) and `limit` (1 to `max`, else `default`) from a
/// query: a page of a list.
pub fn take_window(
    q: &mut std::collections::HashMap<String, String>,
    default: i64,
    max: i64,
) -> Result<(i64, i64), AccessError> {
    let mut number = |name: &str, default: i64, range: std::ops::RangeInclusive<i64>| {
        q.remove(name).map_or(Ok(default), |t| {
            t.parse::<i64>()
                .ok()
                .filter(|n| range.contains(n))
                .ok_or_else(|| {
                    AccessError::Invalid(format!(
                        "{name} must be a number from {} to {}",
                        range.start(),
                        range.end()
                    ))
                })
        })
    };
    Ok((
        number("offset", 0, 0..=i64::MAX)?,
        number("limit", default, 1..=max)?,
    ))
}

/// Refuses what is left of a query once a route took what it knows.
pub fn no_other_parameters(
    q: &std::collections::HashMap<String, String>,
) -> Result<(), AccessError> {
    match q.keys().next() {
        Some(unknown) => Err(AccessError::Invalid(format!(
            "unknown parameter \"{unknown}\""
        ))),
        None => Ok(()),
    }
}

/// The role a grant gives when the request names none.
pub fn user_role() -> String {
    "user".into()
}

/// A JSON response.
pub fn reply(status: StatusCode, body: &impl Serialize) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/json")
        .body(serde_json::to_string(body).unwrap_or_else(|_| "{}".into()))
}

pub fn ok(body: &impl Serialize) -> HttpResponse {
    reply(StatusCode::OK, body)
}

pub fn created(body: &impl Serialize) -> HttpResponse {
    reply(StatusCode::CREATED, body)
}

/// A list response: `{"items": [...]}`, so fields can be added beside it.
pub fn items<T: Serialize>(items: Vec<T>) -> HttpResponse {
    ok(&serde_json::json!({ "items": items }))
}

/// Runs a change that policy may refuse; a refusal (403) is recorded in
/// the audit log in a transaction of its own, since the change's rolled back.
pub async fn with_refusals_audited<T, F>(
    state: &web::Data<AppState>,
    ctx: crate::access::WriteContext,
    attempt: &'static str,
    request: Value,
    work: F,
) -> Result<T, AccessError>
where
    F: Fn(&mut crate::store::DbConn, &crate::access::WriteContext) -> Result<T, AccessError>
        + Send
        + 'static,
    T: Send + 'static,
{
    let run_ctx = ctx.clone();
    let result = state.store.write(move |conn| work(conn, &run_ctx)).await;
    if let Err(
        e @ (AccessError::Refused { .. }
        | AccessError::Forbidden(_)
        | AccessError::Gone { .. }
        | AccessError::Coded { .. }),
    ) = &result
    {
        let detail = e.to_string();
        let setting = match e {
            AccessError::Refused { setting, .. } => Some(*setting),
            AccessError::Gone { setting, .. } => *setting,
            AccessError::Coded { code, .. } => Some(*code),
            _ => None,
        };
        state
            .store
            .write(move |conn| {
                policy::record_refusal(conn, &ctx, attempt, setting, &detail, &request)
            })
            .await?;
    }
    result
}

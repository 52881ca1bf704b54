//! The one place errors become HTTP responses: SCIM errors as RFC 7644
//! §3.12 bodies, admin and product API errors as RFC 7807 problem
//! documents, and storage failures the same way on both (`store_failure`).

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::access::AccessError;
use crate::scim::error::Cause;
use crate::scim::ScimError;
use crate::store::error::IsStale;
use crate::store::StoreError;

/// Content type of every SCIM response (RFC 7644 §3.1).
pub const SCIM_CONTENT_TYPE: &str = "application/scim+json";

/// Content type of admin and product API errors (RFC 7807).
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// How a storage failure answers on any API: what the client may know of
/// it. The cause of a server-side failure goes to the log, not the client.
struct Failure {
    status: u16,
    /// The problem document's `code`.
    code: &'static str,
    detail: String,
}

fn store_failure(e: &StoreError) -> Failure {
    let (code, detail) = match e {
        StoreError::NotFound => ("not_found", "resource not found".to_owned()),
        StoreError::Stale => (
            "conflict",
            "the resource changed while this request was applied; send it again".to_owned(),
        ),
        StoreError::Conflict(what) => (
            "conflict",
            format!("a unique value is already in use ({what})"),
        ),
        StoreError::Pool(detail) => {
            tracing::error!(%detail, "no database connection");
            (
                "unavailable",
                "the database is not available; try again".to_owned(),
            )
        }
        StoreError::Timeout(limit) => {
            tracing::warn!(
                limit_ms = limit.as_millis() as u64,
                "read stopped at the statement timeout"
            );
            (
                "timeout",
                format!(
                    "the query was stopped after the statement timeout ({} ms): narrow the filter, or retry later",
                    limit.as_millis()
                ),
            )
        }
        other => {
            tracing::error!(error = %other, "storage failure");
            (
                "internal",
                "internal error; the request id is in the X-Request-Id header".to_owned(),
            )
        }
    };
    Failure {
        status: store_failure_status(e),
        code,
        detail,
    }
}

/// A storage failure's status (without logging it: that happens once,
/// when the response is made).
fn store_failure_status(e: &StoreError) -> u16 {
    match e {
        StoreError::NotFound => 404,
        StoreError::Conflict(_) | StoreError::Stale => 409,
        StoreError::Pool(_) | StoreError::Timeout(_) => 503,
        _ => 500,
    }
}

impl ResponseError for ScimError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, SCIM_CONTENT_TYPE));
        if self.status == 401 {
            response.insert_header((
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"gatehouse\""),
            ));
        }
        response.body(self.to_body().to_string())
    }
}

/// A write that kept losing races to other writers is retried, then
/// answered 409; the cause marks it, whatever its wording.
impl IsStale for ScimError {
    fn is_stale(&self) -> bool {
        self.cause == Some(Cause::Stale)
    }
}

impl From<StoreError> for ScimError {
    fn from(e: StoreError) -> Self {
        let failure = store_failure(&e);
        match e {
            StoreError::Conflict(_) => ScimError::uniqueness(failure.detail),
            StoreError::Stale => {
                ScimError::new(failure.status, failure.detail).because(Cause::Stale)
            }
            _ => ScimError::new(failure.status, failure.detail),
        }
    }
}

impl From<diesel::result::Error> for ScimError {
    fn from(e: diesel::result::Error) -> Self {
        StoreError::from(e).into()
    }
}

/// Access rules met on SCIM routes (a license cap reached by a group push)
/// answer as SCIM errors; storage failures keep their own mapping.
impl From<AccessError> for ScimError {
    fn from(e: AccessError) -> Self {
        let status = access_status(&e);
        match e {
            AccessError::Store(s) => s.into(),
            AccessError::Invalid(detail) => ScimError::invalid_value(detail),
            AccessError::Conflict(detail) => ScimError::uniqueness(detail),
            cap @ AccessError::LicenseCap { .. } => {
                ScimError::new(status, cap.to_string()).because(Cause::LicenseCap)
            }
            other => ScimError::new(status, other.to_string()),
        }
    }
}

/// The HTTP status an access error answers with.
pub(crate) fn access_status(e: &AccessError) -> u16 {
    match e {
        AccessError::Unauthorized(_) => 401,
        AccessError::NotFound(_) => 404,
        AccessError::Invalid(_) => 400,
        AccessError::Conflict(_) => 409,
        AccessError::Forbidden(_)
        | AccessError::LicenseCap { .. }
        | AccessError::Refused { .. } => 403,
        AccessError::Gone { .. } => 410,
        AccessError::Coded { status, .. } => *status,
        AccessError::Store(s) => store_failure_status(s),
    }
}

/// The short, stable name of an access error, for clients to branch on.
fn problem_code(e: &AccessError) -> &'static str {
    match e {
        AccessError::Unauthorized(_) => "unauthorized",
        AccessError::NotFound(_) => "not_found",
        AccessError::Invalid(_) => "invalid",
        AccessError::Conflict(_) => "conflict",
        AccessError::Forbidden(_) => "forbidden",
        AccessError::LicenseCap { .. } => "license_cap",
        AccessError::Refused { .. } => "policy",
        AccessError::Gone { .. } => "gone",
        AccessError::Coded { code, .. } => code,
        // Not reached: storage failures are rendered by `store_failure`.
        AccessError::Store(_) => "internal",
    }
}

/// An RFC 7807 problem document with Gatehouse's stable `code`.
pub fn problem_document(status: StatusCode, code: &str, detail: &str) -> serde_json::Value {
    serde_json::json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "code": code,
        "detail": detail,
    })
}

/// A problem document as a response.
pub fn problem(status: StatusCode, document: &serde_json::Value) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response.insert_header((
        header::CONTENT_TYPE,
        HeaderValue::from_static(PROBLEM_CONTENT_TYPE),
    ));
    if status == StatusCode::UNAUTHORIZED {
        response.insert_header((
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"gatehouse-admin\""),
        ));
    }
    response.body(document.to_string())
}

/// Admin and product API errors are RFC 7807 problem documents.
impl ResponseError for AccessError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(access_status(self)).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let (status, code, detail) = match self {
            AccessError::Store(s) => {
                let failure = store_failure(s);
                (failure.status, failure.code, failure.detail)
            }
            other => (access_status(other), problem_code(other), other.to_string()),
        };
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut body = problem_document(status, code, &detail);
        let extra: Vec<(&str, serde_json::Value)> = match self {
            AccessError::LicenseCap {
                product,
                cap,
                needed,
            } => vec![
                ("product", product.clone().into()),
                ("cap", (*cap).into()),
                ("needed", (*needed).into()),
            ],
            AccessError::Refused { setting, .. }
            | AccessError::Gone {
                setting: Some(setting),
                ..
            } => vec![("setting", (*setting).into())],
            _ => Vec::new(),
        };
        if let Some(o) = body.as_object_mut() {
            o.extend(extra.into_iter().map(|(k, v)| (k.to_owned(), v)));
        }
        problem(status, &body)
    }
}

/// Handlers may return an `AccessError` itself (a route that only refuses).
impl actix_web::Responder for AccessError {
    type Body = actix_web::body::BoxBody;
    fn respond_to(self, _: &actix_web::HttpRequest) -> HttpResponse {
        self.error_response()
    }
}

impl IsStale for AccessError {
    fn is_stale(&self) -> bool {
        matches!(self, AccessError::Store(StoreError::Stale))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_failures_answer_alike_on_every_api() {
        let cases = [
            (StoreError::NotFound, 404, "not_found"),
            (StoreError::Stale, 409, "conflict"),
            (
                StoreError::Conflict("users_directory_user_name".into()),
                409,
                "conflict",
            ),
            (StoreError::Pool("timed out".into()), 503, "unavailable"),
            (
                StoreError::Migration("secret detail".into()),
                500,
                "internal",
            ),
        ];
        for (e, status, code) in cases {
            let failure = store_failure(&e);
            assert_eq!((failure.status, failure.code), (status, code), "{e:?}");
            assert_eq!(store_failure_status(&e), status, "{e:?}");
            assert!(!failure.detail.contains("secret"), "{e:?}");
            let scim = ScimError::from(e);
            assert_eq!(scim.status, status);
        }
    }

    #[test]
    fn only_a_lost_race_is_retried() {
        assert!(ScimError::from(StoreError::Stale).is_stale());
        let same_words = ScimError::new(
            409,
            "the resource changed while this request was applied; send it again",
        );
        assert!(!same_words.is_stale(), "the cause decides, not the wording");
        assert!(!ScimError::from(StoreError::Conflict("x".into())).is_stale());
        assert!(AccessError::Store(StoreError::Stale).is_stale());
    }
}

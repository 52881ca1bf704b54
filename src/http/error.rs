//! The one place errors become HTTP responses.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::access::AccessError;
use crate::scim::ScimError;
use crate::store::pool::IsStale;
use crate::store::StoreError;

/// Content type of every SCIM response (RFC 7644 §3.1).
pub const SCIM_CONTENT_TYPE: &str = "application/scim+json";

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

/// The answer when a write kept losing races to other writers (after retries).
const STALE: &str = "the resource changed while this request was applied; send it again";

impl IsStale for ScimError {
    fn is_stale(&self) -> bool {
        self.status == 409 && self.scim_type.is_none() && self.detail == STALE
    }
}

impl From<StoreError> for ScimError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Stale => ScimError::new(409, STALE),
            StoreError::NotFound => ScimError::not_found("resource not found"),
            StoreError::Conflict(what) => {
                ScimError::uniqueness(format!("a unique value is already in use ({what})"))
            }
            StoreError::Pool(detail) => {
                tracing::error!(%detail, "no database connection");
                ScimError::new(503, "the database is not available; try again")
            }
            other => {
                // The cause goes to the log, not to the client.
                tracing::error!(error = %other, "storage failure");
                ScimError::new(
                    500,
                    "internal error; the request id is in the X-Request-Id header",
                )
            }
        }
    }
}

impl From<diesel::result::Error> for ScimError {
    fn from(e: diesel::result::Error) -> Self {
        StoreError::from(e).into()
    }
}

/// Content type of admin and product API errors (RFC 7807).
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

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
        AccessError::Store(StoreError::NotFound) => "not_found",
        AccessError::Store(StoreError::Conflict(_) | StoreError::Stale) => "conflict",
        AccessError::Store(StoreError::Pool(_)) => "unavailable",
        AccessError::Store(_) => "internal",
    }
}

/// Admin API errors are RFC 7807 problem documents.
impl ResponseError for AccessError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let detail = match self {
            AccessError::Store(StoreError::NotFound) => "not found".to_owned(),
            AccessError::Store(StoreError::Stale) => STALE.to_owned(),
            AccessError::Store(StoreError::Conflict(what)) => {
                format!("a unique value is already in use ({what})")
            }
            AccessError::Store(StoreError::Pool(detail)) => {
                tracing::error!(%detail, "no database connection");
                "the database is not available; try again".to_owned()
            }
            AccessError::Store(other) => {
                tracing::error!(error = %other, "storage failure");
                "internal error; the request id is in the X-Request-Id header".to_owned()
            }
            other => other.to_string(),
        };
        let mut body = serde_json::json!({
            "type": "about:blank",
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "code": problem_code(self),
            "detail": detail,
        });
        if let AccessError::LicenseCap {
            product,
            cap,
            needed,
        } = self
        {
            body["product"] = product.clone().into();
            body["cap"] = (*cap).into();
            body["needed"] = (*needed).into();
        }
        match self {
            AccessError::Refused { setting, .. }
            | AccessError::Gone {
                setting: Some(setting),
                ..
            } => body["setting"] = (*setting).into(),
            _ => {}
        }
        let mut response = HttpResponse::build(status);
        response.insert_header((header::CONTENT_TYPE, PROBLEM_CONTENT_TYPE));
        if status == StatusCode::UNAUTHORIZED {
            response.insert_header((
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"gatehouse-admin\""),
            ));
        }
        response.body(body.to_string())
    }
}

impl IsStale for AccessError {
    fn is_stale(&self) -> bool {
        matches!(self, AccessError::Store(StoreError::Stale))
    }
}

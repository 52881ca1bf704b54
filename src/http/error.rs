//! The one place errors become HTTP responses.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

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

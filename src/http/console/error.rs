//! How console requests fail: an HTML page saying what went wrong, with the
//! status the API would give; an expired or missing session goes to sign-in.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::access::AccessError;
use crate::http::error::access_status;
use crate::store::StoreError;

/// A console request that could not be served.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// No live session: the browser is sent to the sign-in page.
    #[error("sign in to use the console")]
    SignIn,
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Access(#[from] AccessError),
    #[error("{0}")]
    Internal(String),
}

impl From<StoreError> for ConsoleError {
    fn from(e: StoreError) -> Self {
        ConsoleError::Access(AccessError::Store(e))
    }
}

impl From<askama::Error> for ConsoleError {
    fn from(e: askama::Error) -> Self {
        ConsoleError::Internal(format!("a page could not be rendered: {e}"))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    reason: &'a str,
    message: String,
}

impl ResponseError for ConsoleError {
    fn status_code(&self) -> StatusCode {
        let code = match self {
            ConsoleError::SignIn => 303,
            ConsoleError::Invalid(_) => 400,
            ConsoleError::Forbidden(_) => 403,
            ConsoleError::Access(e) => access_status(e),
            ConsoleError::Internal(_) => 500,
        };
        StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if let ConsoleError::SignIn = self {
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/console/sign-in"))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .finish();
        }
        if status.is_server_error() {
            tracing::error!(error = %self, "console request failed");
        }
        let page = ErrorPage {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("Error"),
            message: self.to_string(),
        };
        let body = page
            .render()
            .unwrap_or_else(|_| format!("{} {}", status.as_u16(), self));
        HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(body)
    }
}

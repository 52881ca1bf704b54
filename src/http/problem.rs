//! Every error of the admin and product APIs as an RFC 7807 problem
//! document: errors Gatehouse raises are rendered so already
//! (`AccessError`); this catches the ones actix-web answers by itself
//! before a handler runs — a body over the limit (413), a body that is not
//! readable, a wrong method — which it would send as `text/plain`.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware;

use super::error::{problem, problem_document, PROBLEM_CONTENT_TYPE};

/// The stable `code` of an error actix-web raised, by its status.
fn code(status: u16) -> &'static str {
    match status {
        400 => "invalid",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        409 => "conflict",
        413 => "too_large",
        415 => "unsupported_media_type",
        429 => "too_many_requests",
        503 => "unavailable",
        s if s >= 500 => "internal",
        _ => "invalid",
    }
}

/// Rewrites an error answered in any other content type as a problem.
pub async fn as_problem(
    req: ServiceRequest,
    next: middleware::Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let response = next.call(req).await?;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_CONTENT_TYPE.as_bytes()));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return Ok(response.map_into_boxed_body());
    }
    let detail = match response.response().error() {
        // The cause of a server error stays in the log.
        Some(e) if status.is_client_error() => e.to_string(),
        _ => status
            .canonical_reason()
            .unwrap_or("error")
            .to_ascii_lowercase(),
    };
    let document = problem_document(status, code(status.as_u16()), &detail);
    let (req, old) = response.into_parts();
    let mut problem = problem(status, &document);
    for (name, value) in old.headers() {
        if !problem.headers().contains_key(name) && name != header::CONTENT_LENGTH {
            problem.headers_mut().append(name.clone(), value.clone());
        }
    }
    Ok(ServiceResponse::new(req, problem))
}

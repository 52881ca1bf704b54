//! `Retry-After` on every 503: Entra ID and Okta wait as told before they
//! retry, instead of retrying at once into an overloaded server or a
//! database that is down (no 503 carried one before).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderValue, RETRY_AFTER};
use actix_web::http::StatusCode;
use actix_web::middleware;

/// Seconds a client is told to wait after a 503.
pub const RETRY_AFTER_SECS: u64 = 5;

/// Adds `Retry-After` to a 503 that has none.
pub async fn on_unavailable(
    req: ServiceRequest,
    next: middleware::Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut response = next.call(req).await?;
    if response.status() == StatusCode::SERVICE_UNAVAILABLE
        && !response.headers().contains_key(RETRY_AFTER)
    {
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
    }
    Ok(response)
}

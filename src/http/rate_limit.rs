//! Per-credential rate limits (`--rate-limit RATE[:BURST]`): each bearer
//! token may make RATE requests a second on average and BURST at once;
//! past that it is answered 429 with `Retry-After`, which Entra ID and
//! Okta honour, so one directory's runaway sync slows itself, not the
//! others. Requests without credentials are not counted here: they are
//! refused (401) before they cost anything. Health checks never are.

use std::time::Duration;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{middleware, web, ResponseError};

use super::error::{problem, problem_document};
use super::state::AppState;
use crate::scim::ScimError;

/// Whole seconds to tell a client to wait: at least one.
fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

/// Refuses a request over its credential's rate.
pub async fn limit(
    req: ServiceRequest,
    next: middleware::Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let limiter = req
        .app_data::<web::Data<AppState>>()
        .and_then(|state| state.limiter.clone());
    // Health checks are never limited, whatever they send.
    let health = matches!(req.path(), "/healthz" | "/readyz");
    let credential = req.headers().get(header::AUTHORIZATION).filter(|_| !health);
    if let (Some(limiter), Some(credential)) = (limiter, credential) {
        if let Err(wait) = limiter.check(credential.as_bytes()) {
            metrics::counter!("gatehouse_rate_limited_total").increment(1);
            let secs = retry_after_secs(wait);
            let detail = format!(
                "too many requests with this token: at most {} a second, {} at once; retry after {secs} s",
                limiter.limit().per_second,
                limiter.limit().burst
            );
            let mut response = if req.path().starts_with("/scim/") {
                ScimError::new(429, detail).error_response()
            } else {
                let status = StatusCode::TOO_MANY_REQUESTS;
                problem(
                    status,
                    &problem_document(status, "too_many_requests", &detail),
                )
            };
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            return Ok(req.into_response(response).map_into_right_body());
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RateLimit;

    #[test]
    fn rates_parse_as_rate_or_rate_and_burst() {
        let parse = |s: &str| {
            s.parse::<RateLimit>()
                .map(|l| (l.per_second.get(), l.burst.get()))
        };
        assert_eq!(parse("50"), Ok((50, 50)));
        assert_eq!(parse("50:200"), Ok((50, 200)));
        assert!(parse("0").is_err());
        assert!(parse("fast").is_err());
        assert!(parse("5:").is_err());
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_secs(2)), 2);
    }
}

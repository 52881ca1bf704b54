//! The span every request's log lines carry. Its target keeps the path and
//! the query's keys but not their values: filter values are email
//! addresses and names, and a client that sends its token as
//! `?access_token=` would otherwise have it written to the log. The whole
//! URL is recorded only when debug logging is on, and `access_token`'s
//! value never is.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId, RootSpanBuilder};

/// What stands in for a value left out of the log.
const HIDDEN: &str = "…";

/// Query keys whose value is never logged, at any level.
const SECRET_KEYS: &[&str] = &["access_token"];

/// `query` with each value replaced by `…`, or, with `values`, with only
/// the secret ones replaced. Keys are kept as sent.
pub fn redact_query(query: &str, values: bool) -> String {
    query
        .split('&')
        .map(|pair| {
            let (key, value) = match pair.split_once('=') {
                Some((key, value)) => (key, Some(value)),
                None => (pair, None),
            };
            let secret = SECRET_KEYS.iter().any(|s| key.eq_ignore_ascii_case(s));
            match value {
                Some(_) if secret || !values => format!("{key}={HIDDEN}"),
                Some(value) => format!("{key}={value}"),
                None => key.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The request's target for the log: its path, and its query redacted.
fn target(path: &str, query: Option<&str>, values: bool) -> String {
    match query {
        Some(q) if !q.is_empty() => format!("{path}?{}", redact_query(q, values)),
        _ => path.to_owned(),
    }
}

/// Builds each request's span with a redacted target.
pub struct RedactedSpans;

impl RootSpanBuilder for RedactedSpans {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let full = tracing::enabled!(tracing::Level::DEBUG);
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        let route = request.match_pattern().unwrap_or_else(|| "default".into());
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %route,
            http.target = %target(request.path(), request.uri().query(), full),
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            request_id = %request_id,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_left_out_and_tokens_always() {
        let cases = [
            (
                "filter=userName%20eq%20%22a%40b.c%22&count=5",
                false,
                "filter=…&count=…",
            ),
            ("filter=x&count=5", true, "filter=x&count=5"),
            (
                "access_token=s3cret&count=5",
                true,
                "access_token=…&count=5",
            ),
            ("ACCESS_TOKEN=s3cret", false, "ACCESS_TOKEN=…"),
            ("flag&x=", false, "flag&x=…"),
            ("", false, ""),
        ];
        for (query, values, want) in cases {
            assert_eq!(redact_query(query, values), want, "{query}");
        }
        assert_eq!(target("/scim/v2/Users", None, false), "/scim/v2/Users");
        assert_eq!(target("/scim/v2/Users", Some(""), false), "/scim/v2/Users");
        assert_eq!(
            target("/scim/v2/Users", Some("filter=a"), false),
            "/scim/v2/Users?filter=…"
        );
    }
}

//! Prometheus metrics at `GET /metrics`: requests by route, method and
//! status with latency histograms; the read queue (depth, waits, reads
//! shed) and busy readers; the write pool's connections; group-commit
//! batch sizes; rate-limit refusals; statement timeouts; requests per
//! directory; license use per product. On the main listener `/metrics`
//! needs an admin token (the figures name directories and products);
//! `--metrics-listen` serves it without one on an address of its own,
//! for a scraper on a private network.

use std::sync::OnceLock;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::{middleware, web, HttpResponse};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use super::auth::AdminPrincipal;
use super::state::AppState;
use crate::access::{licensing, AccessError};

/// Latency buckets, seconds: a lookup takes well under a millisecond, a
/// deep compliance page can take a second.
const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Group-commit batch sizes: writes per commit.
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0];

/// The process's recorder, installed on first use (one per process: the
/// `metrics` macros everywhere write to it). `None` if another recorder
/// was installed first.
pub fn handle() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets(LATENCY_BUCKETS)
                .ok()?
                .set_buckets_for_metric(
                    Matcher::Full("gatehouse_group_commit_batch_size".into()),
                    BATCH_BUCKETS,
                )
                .ok()?
                .install_recorder()
                .ok()
        })
        .as_ref()
}

/// Counts each request and times it, by its route pattern (not its path:
/// ids would make every request a series of its own).
pub async fn observe(
    req: ServiceRequest,
    next: middleware::Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let response = next.call(req).await?;
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let status = response.status().as_u16().to_string();
    metrics::counter!(
        "gatehouse_http_requests_total",
        "route" => route.clone(), "method" => method.clone(), "status" => status
    )
    .increment(1);
    metrics::histogram!(
        "gatehouse_http_request_duration_seconds",
        "route" => route, "method" => method
    )
    .record(started.elapsed().as_secs_f64());
    Ok(response)
}

/// `GET /metrics` on the main listener: for admins.
pub async fn metrics_for_admins(
    _admin: AdminPrincipal,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AccessError> {
    render(state).await
}

/// `GET /metrics` on `--metrics-listen`.
pub async fn metrics_open(state: web::Data<AppState>) -> Result<HttpResponse, AccessError> {
    render(state).await
}

async fn render(state: web::Data<AppState>) -> Result<HttpResponse, AccessError> {
    // License use is read when scraped, not kept in step with every grant.
    for used in state.store.read(licensing::all).await? {
        metrics::gauge!("gatehouse_licenses_used", "product" => used.product.clone())
            .set(used.used as f64);
        if let Some(cap) = used.cap {
            metrics::gauge!("gatehouse_license_cap", "product" => used.product).set(cap as f64);
        }
    }
    // The write pool too (the readers keep their own gauges as they work).
    let (open, busy) = state.store.writer_use();
    metrics::gauge!("gatehouse_writer_connections").set(f64::from(open));
    metrics::gauge!("gatehouse_writer_connections_busy").set(f64::from(busy));
    let text = handle().map_or_else(String::new, |h| {
        h.run_upkeep();
        h.render()
    });
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/plain; version=0.0.4"))
        .body(text))
}

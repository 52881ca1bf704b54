//! Gatehouse: a SCIM 2.0 provisioning server. `build_app` is the whole HTTP
//! application; `main.rs` and the tests both use it.

pub mod access;
pub mod cli;
pub mod clock;
pub mod config;
pub mod http;
pub mod scim;
pub mod startup;
pub mod store;
pub mod telemetry;

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{middleware, web, App, HttpMessage};
use tracing_actix_web::{RequestId, TracingLogger};

pub use http::AppState;

use crate::access::schemas::LiveSchemas;
use crate::access::sync_health::SyncHealth;
use crate::clock::Clock;
use crate::config::Settings;
use crate::scim::schema::SchemaRegistry;
use crate::store::pool::PoolOptions;
use crate::store::{Store, StoreError};

/// Header carrying the request id back to the client.
const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Opens the database (running migrations) and loads the schemas.
pub fn open_state(settings: Settings, clock: Arc<dyn Clock>) -> Result<AppState, StoreError> {
    // Before the store starts: its threads keep handles to their metrics.
    http::metrics::handle();
    let registry = SchemaRegistry::load()
        .map_err(|e| StoreError::Config(format!("scim-schemas are malformed: {e}")))?;
    let store = Store::open(
        &settings.database_url,
        &PoolOptions {
            max_connections: settings.pool_size,
            acquire_timeout: settings.pool_timeout,
            statement_timeout: settings.statement_timeout,
        },
    )?;
    // A database from before persons: its first 10,000 accounts are linked
    // now, any more by the server in the background (`upkeep`).
    store
        .write_now(access::persons::refold_keys)
        .map_err(|e| StoreError::Migration(format!("folding persons' email keys: {e}")))?;
    access::persons::link_pending(&store, Some(LINK_AT_START))
        .map_err(|e| StoreError::Migration(format!("linking accounts to persons: {e}")))?;
    let schemas = LiveSchemas::new(registry);
    store.read_now(|conn| schemas.reload(conn))?;
    Ok(AppState {
        store: Arc::new(store),
        schemas: Arc::new(schemas),
        sync: Arc::new(SyncHealth::default()),
        limiter: settings.rate_limit.map(http::limiter::RequestLimiter::new),
        live_tokens: Arc::new(access::live_tokens::LiveTokens::new(settings.token_cache)),
        draining: Arc::default(),
        oidc_documents: Arc::new(http::kept_documents::KeptDocuments::new(
            http::console::START_METADATA_TTL,
        )),
        settings: Arc::new(settings),
        clock,
    })
}

/// The HTTP application over `state`.
pub fn build_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    // The admin and product APIs read their bodies as bytes: the same
    // limit as SCIM bodies.
    let payload = web::PayloadConfig::new(state.settings.max_payload_bytes);
    // Installed before the first request, so nothing goes uncounted.
    http::metrics::handle();
    App::new()
        .app_data(payload)
        .app_data(web::Data::from(state.draining.clone()))
        .app_data(web::Data::new(state))
        .configure(http::routes)
        // Before routing: IdPs write endpoint names in any case.
        .wrap(middleware::from_fn(http::scim::endpoint_names::normalize))
        .wrap(middleware::from_fn(http::nul::refuse))
        .wrap(middleware::from_fn(http::fair_share::mark))
        .wrap(middleware::from_fn(http::rate_limit::limit))
        .wrap(middleware::from_fn(http::retry_after::on_unavailable))
        .wrap(middleware::from_fn(http::draining::close_when_draining))
        .wrap(middleware::from_fn(http::metrics::observe))
        .wrap(middleware::from_fn(echo_request_id))
        .wrap(TracingLogger::<http::request_log::RedactedSpans>::new())
}

/// Puts the request id `TracingLogger` assigned into the response headers,
/// so a client can quote it when reporting a problem.
async fn echo_request_id(
    req: ServiceRequest,
    next: middleware::Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req.extensions().get::<RequestId>().map(|id| id.to_string());
    let mut response = next.call(req).await?;
    if let Some(Ok(value)) = id.map(|id| HeaderValue::from_str(&id)) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    Ok(response)
}

/// Runs the server until SIGINT/SIGTERM, then drains in-flight requests.
pub async fn serve(
    state: AppState,
    tls: Option<Arc<http::tls::ServerCertificate>>,
) -> std::io::Result<()> {
    let listen = state.settings.listen.clone();
    let shutdown = state.settings.shutdown_timeout_secs;
    let app_state = state.clone();
    let server = actix_web::HttpServer::new(move || build_app(app_state.clone()))
        .shutdown_timeout(shutdown)
        // SIGTERM/SIGINT are handled below: first drain, then stop.
        .disable_signals()
        // A client has this long to send a request's head (the body's
        // reader, `ScimBody`, keeps the same limit).
        .client_request_timeout(state.settings.read_timeout);
    let server = match &tls {
        Some(certificate) => server.bind_rustls_0_23(
            &listen,
            certificate.server_config().map_err(std::io::Error::other)?,
        )?,
        None => server.bind(&listen)?,
    };
    let scheme = http::tls::scheme(tls.is_some());
    for addr in server.addrs() {
        tracing::info!(%addr, "gatehouse listening on {scheme}://{addr}");
    }
    let watching = tls
        .as_ref()
        .map(|certificate| certificate.watch(http::tls::WATCH_EVERY));
    let metrics = match &state.settings.metrics_listen {
        Some(address) => {
            let metrics_state = state.clone();
            let server = actix_web::HttpServer::new(move || {
                // Health checks too: on a thread of its own, they answer
                // in milliseconds while the main listener's workers are
                // saturated (bench/overload.sh).
                App::new()
                    .app_data(web::Data::new(metrics_state.clone()))
                    .route("/metrics", web::get().to(http::metrics::metrics_open))
                    .route("/healthz", web::get().to(http::health::healthz))
                    .route("/readyz", web::get().to(http::health::readyz))
            })
            .workers(1)
            .disable_signals()
            .bind(address)?;
            for addr in server.addrs() {
                tracing::info!(%addr, "metrics and health checks on http://{addr}/metrics");
            }
            let server = server.run();
            let handle = server.handle();
            actix_web::rt::spawn(server);
            Some(handle)
        }
        None => None,
    };
    let upkeep = actix_web::rt::spawn(upkeep(state.clone()));
    let linking = actix_web::rt::spawn(link_in_background(state.clone()));
    let warming = actix_web::rt::spawn(warm_group_catalog(state.clone()));
    let server = server.run();
    let stopper = actix_web::rt::spawn(http::draining::stop_on_signal(
        server.handle(),
        state.draining.clone(),
        state.settings.shutdown_drain,
    ));
    let result = server.await;
    stopper.abort();
    if let Some(metrics) = metrics {
        metrics.stop(false).await;
    }
    upkeep.abort();
    linking.abort();
    warming.abort();
    if let Some(watching) = watching {
        watching.abort();
    }
    // What requests noted for sync health since the last write.
    state
        .sync
        .flush(&state.store, state.clock.now_micros(), true)
        .await;
    result
}

/// Batches of 1,000 accounts linked to persons before the server starts.
const LINK_AT_START: usize = 10;

/// Seconds between schema reloads: how soon a schema registered through
/// another instance (or the CLI) is in force here.
const SCHEMA_RELOAD_SECS: u64 = 10;

/// Reads the groups into the readers' catalog as the server starts
/// (`Store::warm_group_catalog`). A failure costs only the first lookups'
/// speed: they read the groups themselves, as they would have.
async fn warm_group_catalog(state: AppState) {
    match state.store.warm_group_catalog().await {
        Ok(groups) => tracing::debug!(groups, "group catalog warmed"),
        Err(error) => tracing::warn!(%error, "the group catalog could not be warmed"),
    }
}

/// Links the accounts of an upgraded database not linked at start, 1,000
/// to a transaction, with a pause between batches for the requests.
async fn link_in_background(state: AppState) {
    let mut total = 0;
    loop {
        let linked: Result<usize, access::AccessError> =
            state.store.write(access::persons::link_batch).await;
        match linked {
            Ok(0) => {
                if total > 0 {
                    tracing::info!(accounts = total, "every account is linked to its person");
                }
                return;
            }
            Ok(n) => total += n,
            Err(error) => {
                tracing::warn!(%error, "linking accounts to persons failed; retrying");
                actix_web::rt::time::sleep(std::time::Duration::from_secs(5)).await;
            }
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Samples every product's license use for the console's chart, when no
/// server on this database has in the last hour: counted on a reader,
/// stored by the writer.
async fn sample_licenses(state: &AppState, now: i64) -> Result<(), access::AccessError> {
    use access::license_history;
    let rows = state
        .store
        .read(move |conn| {
            if license_history::is_due(conn, now)? {
                license_history::measure(conn, now).map(Some)
            } else {
                Ok(None)
            }
        })
        .await?;
    if let Some(rows) = rows {
        let rows = std::sync::Arc::new(rows);
        state
            .store
            .write(move |conn| license_history::record(conn, &rows))
            .await?;
    }
    Ok(())
}

/// Background upkeep while the server runs: writes what requests noted
/// for sync health when no request comes to trigger it, picks up schemas
/// registered elsewhere, folds the kept counts (and on PostgreSQL vacuums
/// their tables once they have churned), and samples license use hourly
/// (the console's licenses chart).
async fn upkeep(state: AppState) {
    let every =
        std::time::Duration::from_micros(access::sync_health::FLUSH_EVERY_US.unsigned_abs());
    let mut tick = actix_web::rt::time::interval(every);
    let mut last_reload = std::time::Instant::now();
    // The first tick samples (if the database's last sample is old enough).
    let mut next_sample = 0;
    loop {
        tick.tick().await;
        // Histogram samples wait in buckets until drained: unscraped, they
        // would grow with every request.
        if let Some(metrics) = http::metrics::handle() {
            metrics.run_upkeep();
        }
        state
            .sync
            .flush(&state.store, state.clock.now_micros(), false)
            .await;
        let now = state.clock.now_micros();
        if now >= next_sample {
            next_sample = now + access::license_history::SAMPLE_EVERY;
            if let Err(error) = sample_licenses(&state, now).await {
                tracing::warn!(%error, "license use could not be sampled");
            }
        }
        let folded: Result<usize, StoreError> = state
            .store
            .write(access::directories::fold_kept_counts)
            .await;
        if let Err(error) = folded {
            tracing::warn!(%error, "kept counts could not be folded");
        }
        match state.store.vacuum_churned().await {
            Ok(tables) if !tables.is_empty() => tracing::debug!(?tables, "churned tables vacuumed"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "churned tables could not be vacuumed"),
        }
        if last_reload.elapsed().as_secs() >= SCHEMA_RELOAD_SECS {
            last_reload = std::time::Instant::now();
            let live = state.schemas.clone();
            let reloaded: Result<(), StoreError> =
                state.store.read(move |conn| live.reload(conn)).await;
            if let Err(error) = reloaded {
                tracing::warn!(%error, "schemas could not be reloaded; keeping the ones in force");
            }
        }
    }
}

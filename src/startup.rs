//! Waiting for the database at start. With PostgreSQL unreachable the
//! server used to sit 30 s without listening, then exit: an orchestrator
//! saw a process that answered nothing, and restarted it into the same
//! wait. Now it retries with backoff, logging each try, for up to
//! `--database-wait`, and meanwhile answers on its address: `/healthz`
//! 200 (the process is alive), everything else 503 with `Retry-After`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::{web, App, HttpResponse, HttpServer};

use crate::config::Settings;
use crate::http::tls::{scheme, ServerCertificate};
use crate::store::pool::reachable;
use crate::store::{Backend, StoreError};

/// The longest pause between two tries.
const MOST_BACKOFF: Duration = Duration::from_secs(30);

/// Returns once the database answers; an error once `settings.database_wait`
/// has passed without it. A SQLite file is not waited for: what keeps it
/// from opening (a path, a permission) no wait cures.
pub fn wait_for_database(
    settings: &Settings,
    tls: Option<&Arc<ServerCertificate>>,
) -> Result<(), StoreError> {
    if Backend::from_url(&settings.database_url) == Backend::Sqlite {
        return Ok(());
    }
    let first = match reachable(&settings.database_url) {
        Ok(()) => return Ok(()),
        Err(e) => e,
    };
    let deadline = Instant::now() + settings.database_wait;
    let waiting = WhileWaiting::start(&settings.listen, tls);
    let mut error = first;
    let mut pause = Duration::from_secs(1);
    let outcome = loop {
        let now = Instant::now();
        if now >= deadline {
            break Err(StoreError::Pool(format!(
                "the database stayed unreachable for {} s: {error}",
                settings.database_wait.as_secs()
            )));
        }
        // The last try comes at the deadline, not a backoff before it.
        let wait = pause.min(deadline - now);
        tracing::warn!(%error, retry_in_ms = wait.as_millis() as u64, "the database is unreachable; retrying");
        std::thread::sleep(wait);
        pause = (pause * 2).min(MOST_BACKOFF);
        match reachable(&settings.database_url) {
            Ok(()) => break Ok(()),
            Err(e) => error = e,
        }
    };
    if let Some(waiting) = waiting {
        waiting.stop();
    }
    outcome
}

/// A minimal server on the listen address while the database is awaited.
struct WhileWaiting {
    handle: actix_web::dev::ServerHandle,
    thread: std::thread::JoinHandle<()>,
}

impl WhileWaiting {
    fn start(listen: &str, tls: Option<&Arc<ServerCertificate>>) -> Option<WhileWaiting> {
        let server = HttpServer::new(|| {
            App::new()
                .route(
                    "/healthz",
                    web::get().to(|| async {
                        HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
                    }),
                )
                .default_service(web::to(|| async {
                    HttpResponse::ServiceUnavailable()
                        .insert_header((header::RETRY_AFTER, "5"))
                        .json(serde_json::json!({
                            "status": "starting",
                            "detail": "waiting for the database"
                        }))
                }))
        })
        .workers(1)
        .disable_signals();
        let server = match tls {
            Some(certificate) => certificate
                .server_config()
                .map_err(std::io::Error::other)
                .and_then(|config| server.bind_rustls_0_23(listen, config)),
            None => server.bind(listen),
        };
        let server = match server {
            Ok(server) => server,
            Err(error) => {
                tracing::warn!(%error, "could not answer health checks while waiting");
                return None;
            }
        };
        for addr in server.addrs() {
            let scheme = scheme(tls.is_some());
            tracing::info!(%addr, "waiting for the database; health checks on {scheme}://{addr}");
        }
        let server = server.run();
        let handle = server.handle();
        let thread = std::thread::spawn(move || {
            let _ = actix_web::rt::System::new().block_on(server);
        });
        Some(WhileWaiting { handle, thread })
    }

    fn stop(self) {
        actix_web::rt::System::new().block_on(self.handle.stop(false));
        let _ = self.thread.join();
    }
}

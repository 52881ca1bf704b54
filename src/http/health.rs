//! Liveness and readiness.

use std::time::Duration;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde_json::json;

use super::retry_after::RETRY_AFTER_SECS;
use super::state::AppState;
use crate::store::{Readiness, StoreError};

/// The process is up.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// The longest a readiness probe waits for the database: probes come
/// every few seconds with a timeout of about one.
const PROBE_LIMIT: Duration = Duration::from_millis(800);

/// The process can reach its database, and the schema is this build's.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    if state.draining.is_draining() {
        // A balancer takes this replica out of rotation while it drains.
        return unavailable("shutting down");
    }
    answer(state.store.probe(PROBE_LIMIT).await)
}

/// Readiness as an unauthenticated caller may see it: why the database is
/// unreachable goes to the log (it can name hosts, users, paths), never
/// into the body.
fn answer(probe: Result<Readiness, StoreError>) -> HttpResponse {
    match probe {
        Ok(Readiness::Ready) => HttpResponse::Ok().json(json!({"status": "ready"})),
        Ok(Readiness::SchemaBehind) => {
            tracing::error!("not ready: the database schema is not this build's");
            unavailable("the database schema is not this version's")
        }
        Err(e) => {
            tracing::error!(error = %e, "not ready: the database is unreachable");
            unavailable("the database is unreachable")
        }
    }
}

/// Not ready, and why, in words a stranger may read.
fn unavailable(detail: &str) -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .insert_header((header::RETRY_AFTER, RETRY_AFTER_SECS.to_string()))
        .json(json!({"status": "unavailable", "detail": detail}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;

    #[test]
    fn an_unreachable_database_is_not_described_to_strangers() {
        let secret = "connection to server at \"db.internal\" (10.0.0.7), port 5432 failed: password authentication failed for user \"gatehouse\"";
        let cases = [
            (Ok(Readiness::Ready), 200, None),
            (Ok(Readiness::SchemaBehind), 503, None),
            (Err(StoreError::Pool(secret.into())), 503, Some(secret)),
            (Err(StoreError::Config(secret.into())), 503, Some(secret)),
        ];
        for (probe, status, hidden) in cases {
            let response = answer(probe);
            assert_eq!(response.status().as_u16(), status);
            let body = response.into_body().try_into_bytes().unwrap();
            let body = String::from_utf8(body.to_vec()).unwrap();
            if let Some(hidden) = hidden {
                assert!(
                    !body.contains("db.internal") && !body.contains(hidden),
                    "{body}"
                );
            }
        }
    }
}

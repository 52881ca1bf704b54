//! Liveness and readiness.

use actix_web::{web, HttpResponse};
use serde_json::json;

use super::state::AppState;
use crate::store::StoreError;

/// The process is up.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// The process can reach its database.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    answer(state.store.ping().await)
}

/// Readiness as an unauthenticated caller may see it: why the database is
/// unreachable goes to the log (it can name hosts, users, paths), never
/// into the body.
fn answer(probe: Result<(), StoreError>) -> HttpResponse {
    match probe {
        Ok(()) => HttpResponse::Ok().json(json!({"status": "ready"})),
        Err(e) => {
            tracing::error!(error = %e, "not ready: the database is unreachable");
            HttpResponse::ServiceUnavailable()
                .json(json!({"status": "unavailable", "detail": "the database is unreachable"}))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;

    #[test]
    fn an_unreachable_database_is_not_described_to_strangers() {
        let secret = "connection to server at \"db.internal\" (10.0.0.7), port 5432 failed: password authentication failed for user \"gatehouse\"";
        let cases = [
            (Ok(()), 200, None),
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

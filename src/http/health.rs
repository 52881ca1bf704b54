//! Liveness and readiness.

use actix_web::{web, HttpResponse};
use diesel::connection::SimpleConnection;
use serde_json::json;

use super::AppState;
use crate::store::StoreError;

/// The process is up.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// The process can reach its database.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let probe = state
        .store
        .read(|conn| conn.batch_execute("SELECT 1").map_err(StoreError::Database))
        .await;
    match probe {
        Ok(()) => HttpResponse::Ok().json(json!({"status": "ready"})),
        Err(e) => HttpResponse::ServiceUnavailable()
            .json(json!({"status": "unavailable", "detail": e.to_string()})),
    }
}

//! The sync-health middleware: every SCIM request made with a directory's
//! token is counted for that directory, and a refused one noted with its
//! status, `scimType`, detail and request id (`access::sync_health`).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{middleware, web, HttpMessage};
use tracing_actix_web::RequestId;

use crate::access::sync_health::RequestSeen;
use crate::http::auth::CheckedDirectory;
use crate::http::state::AppState;
use crate::scim::ScimError;

/// Counts and notes the request once its answer is known; starts a
/// write of what was noted when one is due.
pub async fn record(
    req: ServiceRequest,
    next: middleware::Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let checked = CheckedDirectory::default();
    req.extensions_mut().insert(checked.clone());
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let response = next.call(req).await?;
    if let (Some(token_id), Some(state)) = (checked.stale_admin_token(), &state) {
        // An admin token's last use, written after its read (a read can't).
        let (state, token_id) = (state.clone(), token_id.to_owned());
        actix_web::rt::spawn(async move {
            let now = state.clock.now_micros();
            let touched = state
                .store
                .write(move |conn| crate::access::admins::touch_id(conn, &token_id, now))
                .await;
            if let Err(error) = touched {
                tracing::warn!(%error, "could not record an admin token's last use");
            }
        });
    }
    let (Some(directory_id), Some(state)) = (checked.get(), state) else {
        return Ok(response);
    };
    let request_id = response
        .request()
        .extensions()
        .get::<RequestId>()
        .map(|id| id.to_string());
    let error = response
        .response()
        .error()
        .and_then(|e| e.as_error::<ScimError>());
    metrics::counter!("gatehouse_directory_requests_total", "directory" => directory_id.to_owned())
        .increment(1);
    let now = state.clock.now_micros();
    state.sync.request(RequestSeen {
        directory_id,
        method: response.request().method().as_str(),
        path: response.request().path(),
        status: response.status().as_u16(),
        error,
        request_id: request_id.as_deref(),
        now,
    });
    if state.sync.is_due(now) {
        actix_web::rt::spawn(async move {
            state.sync.flush(&state.store, now, false).await;
        });
    }
    Ok(response)
}

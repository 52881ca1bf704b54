//! The SCIM request body: JSON sent as `application/scim+json` or
//! `application/json`, no larger than the configured limit.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::StreamExt;
use serde_json::Value;

use super::state::AppState;
use crate::config::Settings;
use crate::scim::{nul, ScimError};

/// A parsed JSON request body.
#[derive(Debug)]
pub struct ScimBody(pub Value);

fn content_type_ok(req: &HttpRequest) -> bool {
    let Some(value) = req.headers().get(header::CONTENT_TYPE) else {
        // Some clients omit it; the body must still parse as JSON.
        return true;
    };
    let essence = value
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/scim+json" || essence == "application/json"
}

fn too_large(limit: usize) -> ScimError {
    ScimError::new(
        413,
        format!("the request body is larger than the {limit}-byte limit (maxPayloadSize)"),
    )
}

impl FromRequest for ScimBody {
    type Error = ScimError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let (limit, read_timeout) = match req.app_data::<web::Data<AppState>>() {
            Some(state) => (
                state.settings.max_payload_bytes,
                state.settings.read_timeout,
            ),
            None => {
                let defaults = Settings::default();
                (defaults.max_payload_bytes, defaults.read_timeout)
            }
        };
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let type_ok = content_type_ok(req);
        let mut payload = payload.take();
        Box::pin(async move {
            if !type_ok {
                return Err(ScimError::new(
                    415,
                    "send the body as application/scim+json or application/json",
                ));
            }
            if declared.is_some_and(|n| n > limit) {
                return Err(too_large(limit));
            }
            let read = async {
                let mut bytes = web::BytesMut::new();
                while let Some(chunk) = payload.next().await {
                    let chunk = chunk.map_err(|e| {
                        ScimError::invalid_syntax(format!(
                            "the request body could not be read: {e}"
                        ))
                    })?;
                    if bytes.len() + chunk.len() > limit {
                        return Err(too_large(limit));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(bytes)
            };
            // A body that stalls is cut off: it would hold its connection,
            // and the server's shutdown, for as long as the client liked.
            let bytes = tokio::time::timeout(read_timeout, read)
                .await
                .map_err(|_| {
                    ScimError::new(
                        408,
                        format!(
                            "the request body did not arrive within {} s",
                            read_timeout.as_secs()
                        ),
                    )
                })??;
            if bytes.is_empty() {
                return Err(ScimError::invalid_syntax("the request body is empty"));
            }
            let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
                ScimError::invalid_syntax(format!("the request body is not valid JSON: {e}"))
            })?;
            if nul::may_hold_nul(&bytes) {
                if let Some(path) = nul::find_nul(&value) {
                    return Err(ScimError::invalid_value(nul::refusal(&path)));
                }
            }
            Ok(ScimBody(value))
        })
    }
}

//! Bearer-token authentication for the SCIM routes.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use tracing_actix_web::RequestId;

use super::AppState;
use crate::access::{directories, Actor, ActorKind, WriteContext};
use crate::scim::ScimError;

/// A request authenticated with a directory's token, scoped to that directory.
#[derive(Debug, Clone)]
pub struct DirectoryPrincipal {
    pub directory_id: String,
    pub token_id: String,
    /// The SCIM base URL this request came through, for `meta.location`.
    pub base_url: String,
    pub request_id: Option<String>,
}

impl DirectoryPrincipal {
    /// The context for a write made by this principal at `now`.
    pub fn write_context(&self, now: i64) -> WriteContext {
        WriteContext {
            directory_id: self.directory_id.clone(),
            actor: Actor {
                kind: ActorKind::DirectoryToken,
                id: self.token_id.clone(),
            },
            request_id: self.request_id.clone(),
            now,
        }
    }
}

fn unauthorized() -> ScimError {
    ScimError::new(
        401,
        "a valid bearer token is required (Authorization: Bearer <token>)",
    )
}

/// The token in an `Authorization: Bearer …` header.
fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

/// The SCIM base URL of this request: the configured public URL or the
/// request's own origin, plus the directory prefix when the route has one.
pub fn scim_base_url(req: &HttpRequest, state: &AppState) -> String {
    let path_directory = req.match_info().get("directory_id");
    let origin = match &state.settings.public_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => {
            let info = req.connection_info();
            format!("{}://{}", info.scheme(), info.host())
        }
    };
    match path_directory {
        Some(id) => format!("{origin}/scim/v2/directories/{id}"),
        None => format!("{origin}/scim/v2"),
    }
}

impl FromRequest for DirectoryPrincipal {
    type Error = ScimError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        let path_directory = req.match_info().get("directory_id").map(str::to_owned);
        let request_id = req.extensions().get::<RequestId>().map(|id| id.to_string());
        let base = state.as_ref().map(|s| scim_base_url(req, s));
        Box::pin(async move {
            let (Some(state), Some(base_url)) = (state, base) else {
                return Err(ScimError::new(500, "application state missing"));
            };
            let token = token.ok_or_else(unauthorized)?;
            let row = state
                .store
                .read(move |conn| directories::authenticate(conn, &token).map_err(ScimError::from))
                .await?
                .ok_or_else(unauthorized)?;
            if let Some(wanted) = &path_directory {
                if *wanted != row.directory_id {
                    // Another directory's data is invisible: same answer as a missing one.
                    return Err(ScimError::not_found(format!(
                        "directory {wanted} not found"
                    )));
                }
            }
            Ok(DirectoryPrincipal {
                directory_id: row.directory_id,
                token_id: row.id,
                base_url,
                request_id,
            })
        })
    }
}

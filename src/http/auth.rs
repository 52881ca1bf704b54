//! Bearer-token authentication: directory and admin tokens on the SCIM
//! routes, admin tokens on the admin API.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use tracing_actix_web::RequestId;

use super::state::AppState;
use crate::access::live_tokens::{LiveToken, LiveTokens};
use crate::access::roles::{Need, Standing};
use crate::access::{
    admin_roles, admins, AccessError, Actor, ActorKind, WriteContext, LOCAL_DIRECTORY,
};
use crate::scim::ScimError;
use crate::store::{DbConn, StoreError, StoreResult};

/// A request on the SCIM routes: a directory's token, scoped to that
/// directory, or an admin token reading across directories (compliance).
#[derive(Debug, Clone)]
pub struct ScimPrincipal {
    /// The directory whose data this request sees; `None`: every directory.
    pub directory: Option<String>,
    pub actor: Actor,
    /// The SCIM base URL this request came through, for `meta.location`.
    pub base_url: String,
    pub request_id: Option<String>,
}

impl ScimPrincipal {
    /// The context for a write made by this principal at `now`. Only a
    /// directory's own token writes over SCIM; admin tokens read.
    pub fn write_context(&self, now: i64) -> Result<WriteContext, ScimError> {
        match (&self.directory, self.actor.kind) {
            (Some(directory_id), ActorKind::DirectoryToken) => Ok(WriteContext {
                directory_id: directory_id.clone(),
                actor: self.actor.clone(),
                request_id: self.request_id.clone(),
                now,
            }),
            _ => Err(ScimError::new(
                403,
                format!(
                    "this route needs the directory's own token (IdP data is written only by its directory); the caller holds {}, which reads over SCIM",
                    self.actor
                        .held
                        .as_ref()
                        .map_or_else(|| "an admin token".to_owned(), |h| h.to_string())
                ),
            )),
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

/// Where clients reach this server: the configured public URL, or the
/// request's own origin.
pub fn public_origin(req: &HttpRequest, state: &AppState) -> String {
    match &state.settings.public_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => {
            let info = req.connection_info();
            format!("{}://{}", info.scheme(), info.host())
        }
    }
}

/// The SCIM base URL of this request: the configured public URL or the
/// request's own origin, plus the directory prefix when the route has one.
pub fn scim_base_url(req: &HttpRequest, state: &AppState) -> String {
    let path_directory = req.match_info().get("directory_id");
    let origin = public_origin(req, state);
    match path_directory {
        Some(id) => format!("{origin}/scim/v2/directories/{id}"),
        None => format!("{origin}/scim/v2"),
    }
}

/// What a SCIM request's token turned out to be, once it checked out: the
/// directory whose token it was (none for admin tokens and refused
/// tokens), or an admin token whose last use is due to be written. The
/// sync-health middleware puts one in the request and reads it after the
/// handler ran.
#[derive(Debug, Clone, Default)]
pub struct CheckedDirectory {
    directory: Arc<OnceLock<String>>,
    stale_admin_token: Arc<OnceLock<String>>,
}

impl CheckedDirectory {
    /// The directory, if a directory token checked out.
    pub fn get(&self) -> Option<&str> {
        self.directory.get().map(String::as_str)
    }

    /// An admin token that checked out and whose last use is to be
    /// written (a read can't write it; the middleware does, after).
    pub fn stale_admin_token(&self) -> Option<&str> {
        self.stale_admin_token.get().map(String::as_str)
    }
}

/// A SCIM request before its token is checked: what the request itself
/// says. Read handlers check the token inside the same database call as
/// their read (`authenticate`), which saves each request a round trip to a
/// blocking thread; `ScimPrincipal` checks it in a call of its own first.
#[derive(Debug, Clone)]
pub struct ScimCaller {
    token: String,
    path_directory: Option<String>,
    /// The SCIM base URL this request came through, for `meta.location`.
    pub base_url: String,
    request_id: Option<String>,
    checked: CheckedDirectory,
    /// When the request came (an admin token's expiry is checked against it).
    now: i64,
    /// Directory tokens found live a moment ago.
    live_tokens: Arc<LiveTokens>,
}

impl ScimCaller {
    fn from_parts(req: &HttpRequest) -> Result<(ScimCaller, web::Data<AppState>), ScimError> {
        let state = req
            .app_data::<web::Data<AppState>>()
            .cloned()
            .ok_or_else(|| ScimError::new(500, "application state missing"))?;
        let token = bearer(req).ok_or_else(unauthorized)?;
        let caller = ScimCaller {
            token,
            path_directory: req.match_info().get("directory_id").map(str::to_owned),
            base_url: scim_base_url(req, &state),
            request_id: req.extensions().get::<RequestId>().map(|id| id.to_string()),
            checked: req
                .extensions()
                .get::<CheckedDirectory>()
                .cloned()
                .unwrap_or_default(),
            now: state.clock.now_micros(),
            live_tokens: state.live_tokens.clone(),
        };
        Ok((caller, state))
    }

    /// Who the token is, checked on a connection the handler already holds.
    pub fn authenticate(&self, conn: &mut DbConn) -> Result<ScimPrincipal, ScimError> {
        let found = principal(
            conn,
            &self.live_tokens,
            &self.token,
            self.path_directory.clone(),
            self.now,
        )??;
        Ok(self.principal_as(found))
    }

    /// The principal a checked token is, noted for the sync-health
    /// middleware.
    fn principal_as(
        &self,
        (directory, actor, stale): (Option<String>, Actor, bool),
    ) -> ScimPrincipal {
        if let (Some(d), ActorKind::DirectoryToken) = (&directory, actor.kind) {
            // Already set when a handler checks twice; the same directory.
            let _ = self.checked.directory.set(d.clone());
        }
        if stale {
            let _ = self.checked.stale_admin_token.set(actor.id.clone());
        }
        ScimPrincipal {
            directory,
            actor,
            base_url: self.base_url.clone(),
            request_id: self.request_id.clone(),
        }
    }

    /// Who the token is: a directory token found live a moment ago
    /// without the database, or else checked in a database call of its
    /// own.
    pub async fn check(&self, state: &AppState) -> Result<ScimPrincipal, ScimError> {
        if let Some(kept) = self.kept() {
            return kept;
        }
        let caller = self.clone();
        state
            .store
            .read(move |conn| caller.authenticate(conn))
            .await
    }

    /// Who the token is when that needs no database: a directory token
    /// found live a moment ago (`check` without its fallback).
    pub fn kept(&self) -> Option<Result<ScimPrincipal, ScimError>> {
        let token = self.live_tokens.kept(&self.token)?;
        Some(
            directory_principal(token, self.path_directory.clone())
                .map(|found| self.principal_as(found)),
        )
    }

    /// Passes `result` through, but returns an error only once the token
    /// has checked out: a caller without a valid token learns nothing but
    /// 401, whatever else was wrong with its request.
    pub async fn vouch<T>(
        &self,
        state: &AppState,
        result: Result<T, ScimError>,
    ) -> Result<T, ScimError> {
        match result {
            Ok(value) => Ok(value),
            Err(error) if error.status == 401 => Err(error),
            Err(error) => {
                self.check(state).await?;
                Err(error)
            }
        }
    }
}

impl FromRequest for ScimCaller {
    type Error = ScimError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(ScimCaller::from_parts(req).map(|(caller, _)| caller))
    }
}

impl FromRequest for ScimPrincipal {
    type Error = ScimError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let parts = ScimCaller::from_parts(req);
        Box::pin(async move {
            let (caller, state) = parts?;
            caller.check(&state).await
        })
    }
}

/// Who a SCIM bearer token is: a directory token (seeing its directory,
/// which must be the one in the path), or the admin token of an org
/// admin or auditor (seeing the path's directory, or every directory),
/// and whether that admin token's last use is to be written.
#[allow(clippy::type_complexity)]
fn principal(
    conn: &mut DbConn,
    live_tokens: &LiveTokens,
    token: &str,
    path_directory: Option<String>,
    now: i64,
) -> Result<Result<(Option<String>, Actor, bool), ScimError>, StoreError> {
    if let Some(row) = live_tokens.authenticate(conn, token)? {
        return Ok(directory_principal(row, path_directory));
    }
    if let Some(row) = admins::authenticate(conn, token, now)? {
        // SCIM reads across directories are the auditor's reach.
        let held = match admin_roles::of_token(&row).admit(Need::Audit) {
            Ok(held) => held,
            Err(detail) => return Ok(Err(ScimError::new(403, detail))),
        };
        let stale = admins::touch_due(&row, now);
        let mut actor = Actor::new(ActorKind::AdminToken, row.id);
        actor.person = row.owner;
        actor.held = Some(held);
        return Ok(Ok((path_directory, actor, stale)));
    }
    Ok(Err(unauthorized()))
}

/// Who a live directory token is: its directory, which must be the one
/// in the path.
fn directory_principal(
    token: LiveToken,
    path_directory: Option<String>,
) -> Result<(Option<String>, Actor, bool), ScimError> {
    if let Some(wanted) = &path_directory {
        if *wanted != token.directory_id {
            // Another directory's data is invisible: same answer as a missing one.
            return Err(ScimError::not_found(format!(
                "directory {wanted} not found"
            )));
        }
    }
    let actor = Actor::new(ActorKind::DirectoryToken, token.id);
    Ok((Some(token.directory_id), actor, false))
}

/// A request on the admin API (or `/metrics`): an admin token, with the
/// role it carries, which let this request through its route's door.
pub struct AdminPrincipal {
    /// Who, with the person behind them and the role used.
    pub actor: Actor,
    /// Everything they hold, for the access layer's scope checks.
    pub standing: Standing,
    pub request_id: Option<String>,
}

impl AdminPrincipal {
    /// The context for a change made by this admin at `now`.
    pub fn write_context(&self, now: i64) -> WriteContext {
        WriteContext {
            directory_id: LOCAL_DIRECTORY.to_owned(),
            actor: self.actor.clone(),
            request_id: self.request_id.clone(),
            now,
        }
    }
}

/// What the route a request matched needs of an admin's roles.
fn route_need(req: &HttpRequest) -> Need {
    let pattern = req.match_pattern().unwrap_or_default();
    if pattern == "/metrics" {
        return Need::Audit;
    }
    crate::http::admin::need_of(req.method(), &pattern)
}

const ADMIN_TOKEN_MISSING: &str = "an admin bearer token is required (Authorization: Bearer <token>; `gatehouse admin-token create` makes one)";

impl FromRequest for AdminPrincipal {
    type Error = AccessError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        let request_id = req.extensions().get::<RequestId>().map(|id| id.to_string());
        let need = route_need(req);
        Box::pin(async move {
            let refused = || AccessError::Unauthorized(ADMIN_TOKEN_MISSING.into());
            let Some(state) = state else {
                return Err(AccessError::Store(StoreError::Pool(
                    "application state missing".into(),
                )));
            };
            let token = token.ok_or_else(refused)?;
            let now = state.clock.now_micros();
            let row = state
                .store
                .read(move |conn| {
                    admins::authenticate(conn, &token, now).map_err(AccessError::from)
                })
                .await?
                .ok_or_else(refused)?;
            let standing = admin_roles::of_token(&row);
            let held = standing.admit(need).map_err(AccessError::Forbidden)?;
            if admins::touch_due(&row, now) {
                let used = row.id.clone();
                state
                    .store
                    .write(move |conn| {
                        admins::touch_id(conn, &used, now).map_err(AccessError::from)
                    })
                    .await?;
            }
            let mut actor = Actor::new(ActorKind::AdminToken, row.id);
            actor.person = row.owner;
            actor.held = Some(held);
            Ok(AdminPrincipal {
                actor,
                standing,
                request_id,
            })
        })
    }
}

/// The kinds of API token besides directory and admin tokens, and how each is checked.
pub trait TokenKind: 'static {
    /// Who the audit log says made a change with it.
    const ACTOR: ActorKind;
    /// What a 401 tells the caller to present.
    const MISSING: &'static str;
    /// The id of the live token with this secret, if any.
    fn authenticate(conn: &mut DbConn, secret: &str) -> StoreResult<Option<String>>;
}

/// Product API tokens.
pub struct ProductToken;

impl TokenKind for ProductToken {
    const ACTOR: ActorKind = ActorKind::ProductToken;
    const MISSING: &'static str = "a product bearer token is required (Authorization: Bearer <token>; `gatehouse product-token create` makes one)";
    fn authenticate(conn: &mut DbConn, secret: &str) -> StoreResult<Option<String>> {
        Ok(admins::authenticate_product(conn, secret)?.map(|t| t.id))
    }
}

/// A request made with a token of kind `K`.
pub struct TokenPrincipal<K> {
    pub token_id: String,
    pub request_id: Option<String>,
    kind: PhantomData<K>,
}

/// A request on the product API.
pub type ProductPrincipal = TokenPrincipal<ProductToken>;

impl<K: TokenKind> TokenPrincipal<K> {
    /// The context for a change made with this token at `now`.
    pub fn write_context(&self, now: i64) -> WriteContext {
        WriteContext {
            directory_id: LOCAL_DIRECTORY.to_owned(),
            actor: Actor::new(K::ACTOR, self.token_id.clone()),
            request_id: self.request_id.clone(),
            now,
        }
    }
}
impl<K: TokenKind> FromRequest for TokenPrincipal<K> {
    type Error = AccessError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        let request_id = req.extensions().get::<RequestId>().map(|id| id.to_string());
        Box::pin(async move {
            let refused = || AccessError::Unauthorized(K::MISSING.into());
            let Some(state) = state else {
                return Err(AccessError::Store(StoreError::Pool(
                    "application state missing".into(),
                )));
            };
            let token = token.ok_or_else(refused)?;
            let token_id = state
                .store
                .read(move |conn| K::authenticate(conn, &token).map_err(AccessError::from))
                .await?
                .ok_or_else(refused)?;
            Ok(TokenPrincipal {
                token_id,
                request_id,
                kind: PhantomData,
            })
        })
    }
}

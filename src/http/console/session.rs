//! Who is signed in to the console: the session cookie, read on every page,
//! and the checks every state-changing form passes (its session's CSRF
//! token, and a same-origin browser).

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use tracing_actix_web::RequestId;

use super::error::ConsoleError;
use super::page::Chrome;
use crate::access::console_sessions::{self, ConsoleSession};
use crate::access::directories::same_secret;
use crate::access::roles::{Held, Standing};
use crate::access::{admin_roles, AccessError, WriteContext, LOCAL_DIRECTORY};
use crate::http::state::AppState;
use crate::store::error::IsStale;
use crate::store::{DbConn, StoreError};

/// The session cookie's name.
pub const COOKIE: &str = "gatehouse_console";
/// Largest console form accepted.
const FORM_LIMIT: usize = 256 * 1024;

/// A request from a signed-in admin.
pub struct Signed {
    pub session: ConsoleSession,
    /// A one-line result of the last action (`?notice=`), shown on the page.
    pub notice: Option<String>,
    pub request_id: Option<String>,
}

impl Signed {
    /// What every page around its content shows.
    pub fn chrome(&self, title: impl Into<String>, active: &'static str) -> Chrome {
        Chrome {
            title: title.into(),
            active,
            csrf: self.session.csrf_token.clone(),
            who: self.session.who.clone(),
            nav: super::page::nav_for(&self.session.standing),
            standing: self.session.standing.clone(),
            notice: self.notice.clone(),
        }
    }

    /// The context for a change made in this session at `now`: audited as
    /// the admin who signed in (the operator's link, or the admin token).
    pub fn write_context(&self, now: i64) -> WriteContext {
        WriteContext {
            directory_id: LOCAL_DIRECTORY.to_owned(),
            actor: self.session.actor.clone(),
            request_id: self.request_id.clone(),
            now,
        }
    }
}

/// Whether the browser reached us over HTTPS (directly, or through a proxy
/// that says so): the cookie is then `Secure`.
pub fn is_https(req: &HttpRequest, state: &AppState) -> bool {
    state.settings.tls.is_some() || req.connection_info().scheme() == "https"
}

/// The session cookie for a new session's secret.
pub fn session_cookie(secret: String, secure: bool) -> Cookie<'static> {
    Cookie::build(COOKIE, secret)
        .path("/console")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(actix_web::cookie::time::Duration::seconds(
            console_sessions::ABSOLUTE_LIFETIME / 1_000_000,
        ))
        .finish()
}

/// A cookie that clears the session cookie.
pub fn cleared_cookie(secure: bool) -> Cookie<'static> {
    let mut cookie = session_cookie(String::new(), secure);
    cookie.make_removal();
    cookie
}

fn request_id(req: &HttpRequest) -> Option<String> {
    req.extensions().get::<RequestId>().map(|id| id.to_string())
}

async fn signed(req: HttpRequest) -> Result<Signed, ConsoleError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ConsoleError::Internal("application state missing".into()))?;
    let secret = req
        .cookie(COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
        .ok_or(ConsoleError::SignIn)?;
    let now = state.clock.now_micros();
    let found = state
        .store
        .read(move |conn| console_sessions::authenticate(conn, &secret, now))
        .await?;
    let mut session = found.ok_or(ConsoleError::SignIn)?;
    // The page's door: what its route needs of the roles held now. The
    // change is audited under the role that opened it (forms that touch
    // one site or product narrow it when they check that scope).
    let need = super::gates::need_of(req.method(), &req.match_pattern().unwrap_or_default());
    let held = session
        .standing
        .admit(need)
        .map_err(ConsoleError::Forbidden)?;
    session.actor.held = Some(held);
    if session.stale {
        let id = session.id.clone();
        state
            .store
            .write(move |conn| console_sessions::touch(conn, &id, now))
            .await?;
    }
    let notice =
        web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
            .ok()
            .and_then(|mut q| q.remove("notice"))
            .filter(|n| !n.is_empty())
            .map(|n| n.chars().take(300).collect());
    Ok(Signed {
        session,
        notice,
        request_id: request_id(&req),
    })
}

impl FromRequest for Signed {
    type Error = ConsoleError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(signed(req.clone()))
    }
}

/// A submitted console form: its fields, read in the order sent.
#[derive(Debug, Default)]
pub struct Form(Vec<(String, String)>);

impl Form {
    /// Reads an `application/x-www-form-urlencoded` body. A NUL character
    /// is refused here, as the JSON APIs refuse it: PostgreSQL text can't
    /// hold one, and no name or message needs one.
    pub fn parse(body: &[u8]) -> Result<Form, ConsoleError> {
        let fields: Vec<(String, String)> = url::form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if let Some((name, _)) = fields
            .iter()
            .find(|(k, v)| k.contains('\0') || v.contains('\0'))
        {
            return Err(ConsoleError::Invalid(format!(
                "the form's \"{}\" field holds a NUL character",
                name.replace('\0', "\\0")
            )));
        }
        Ok(Form(fields))
    }

    /// The last value sent for `name`, trimmed; `None` when absent or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// `get`, or a 400 naming the field.
    pub fn need(&self, name: &str, label: &str) -> Result<&str, ConsoleError> {
        self.get(name)
            .ok_or_else(|| ConsoleError::Invalid(format!("{label} is required")))
    }

    /// Whether a checkbox was ticked.
    pub fn ticked(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

/// A state-changing request: a signed-in session whose form carries that
/// session's CSRF token, sent by a page of this origin.
pub struct Posted {
    pub signed: Signed,
    pub form: Form,
}

/// The same-origin check: browsers send `Origin` (and `Sec-Fetch-Site`) on
/// every POST; one naming another site is refused whatever the form holds.
pub fn same_origin(req: &HttpRequest) -> Result<(), ConsoleError> {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        if site != "same-origin" && site != "none" {
            return Err(ConsoleError::Forbidden(format!(
                "this form was sent from another site (Sec-Fetch-Site: {site})"
            )));
        }
    }
    if let Some(origin) = header("origin") {
        let info = req.connection_info();
        let ours = format!("{}://{}", info.scheme(), info.host());
        if origin != ours {
            return Err(ConsoleError::Forbidden(format!(
                "this form was sent from {origin}, not from the console at {ours}"
            )));
        }
    }
    Ok(())
}

async fn posted(req: HttpRequest, mut payload: Payload) -> Result<Posted, ConsoleError> {
    same_origin(&req)?;
    let body = web::Bytes::from_request(&req, &mut payload)
        .await
        .map_err(|e| ConsoleError::Invalid(format!("the form could not be read: {e}")))?;
    if body.len() > FORM_LIMIT {
        return Err(ConsoleError::Invalid("the form is too large".into()));
    }
    let form = Form::parse(&body)?;
    let signed = signed(req).await?;
    let sent = form.get("csrf").unwrap_or_default();
    if !same_secret(sent, &signed.session.csrf_token) {
        return Err(ConsoleError::Forbidden(
            "the form's security token is missing or out of date: reload the page and try again"
                .into(),
        ));
    }
    Ok(Posted { signed, form })
}

impl Posted {
    /// Makes a change in one transaction on the writer, audited as the
    /// admin signed in to this session.
    pub async fn change<T, E, F>(&self, state: &AppState, work: F) -> Result<T, E>
    where
        F: Fn(&mut DbConn, &WriteContext) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + From<diesel::result::Error> + IsStale + Send + 'static,
    {
        let ctx = self.signed.write_context(state.clock.now_micros());
        state.store.write(move |conn| work(conn, &ctx)).await
    }

    /// `change`, for a form touching one site's or one product's things:
    /// `scope` first finds the holding of the signed-in admin that reaches
    /// them (or refuses, 403), and the change is audited under it.
    pub async fn change_within<T, E, S, F>(
        &self,
        state: &AppState,
        scope: S,
        work: F,
    ) -> Result<T, E>
    where
        S: Fn(&mut DbConn, &Standing) -> Result<Held, AccessError> + Send + 'static,
        F: Fn(&mut DbConn, &WriteContext) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<AccessError>
            + From<StoreError>
            + From<diesel::result::Error>
            + IsStale
            + Send
            + 'static,
    {
        let ctx = self.signed.write_context(state.clock.now_micros());
        let standing = self.signed.session.standing.clone();
        state
            .store
            .write(move |conn| {
                let held = scope(conn, &standing)?;
                work(conn, &admin_roles::acting(&ctx, held))
            })
            .await
    }
}

impl FromRequest for Posted {
    type Error = ConsoleError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        Box::pin(posted(req.clone(), payload.take()))
    }
}

/// A sign-in form: same origin, no session yet.
pub struct SignInForm {
    pub form: Form,
    pub request_id: Option<String>,
}

impl FromRequest for SignInForm {
    type Error = ConsoleError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            same_origin(&req)?;
            let body = web::Bytes::from_request(&req, &mut payload)
                .await
                .map_err(|e| ConsoleError::Invalid(format!("the form could not be read: {e}")))?;
            Ok(SignInForm {
                form: Form::parse(&body)?,
                request_id: request_id(&req),
            })
        })
    }
}

/// For the parts of pages htmx fetches: what to answer instead when there
/// is no session. A session that ended sends the whole window to sign-in
/// (`HX-Redirect`), rather than the sign-in page into the part swapped.
pub fn refused_partial(signed: Result<Signed, ConsoleError>) -> Option<actix_web::HttpResponse> {
    match signed {
        Ok(_) => None,
        Err(ConsoleError::SignIn) => Some(
            actix_web::HttpResponse::Ok()
                .insert_header(("HX-Redirect", "/console/sign-in"))
                .finish(),
        ),
        Err(other) => Some(actix_web::ResponseError::error_response(&other)),
    }
}

//! Signing in (a one-time link from `gatehouse console link`, or an admin
//! token pasted into the form) and signing out.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::error::ConsoleError;
use super::page::{render, see_other};
use super::session::{cleared_cookie, is_https, session_cookie, Posted, SignInForm};
use crate::access::console_sessions::{self, SignInRefused};
use crate::http::state::AppState;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    code: Option<String>,
    problem: Option<String>,
    signed_out: bool,
    /// Sign-in with the company's identity provider is set up.
    oidc: bool,
}

/// The sign-in page saying what went wrong with the last try.
pub fn page_with_problem(state: &AppState, problem: String) -> Result<HttpResponse, ConsoleError> {
    render(&SignInPage {
        code: None,
        problem: Some(problem),
        signed_out: false,
        oidc: state.settings.oidc.is_some(),
    })
}

/// `GET /console/sign-in[?code=…]`: the form; a link's code is only spent
/// when the button is pressed, so a link previewer can't use it up.
pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ConsoleError> {
    let q = crate::http::rest::query(&req)?;
    render(&SignInPage {
        code: q.get("code").cloned().filter(|c| !c.is_empty()),
        problem: None,
        signed_out: q.contains_key("signed_out"),
        oidc: state.settings.oidc.is_some(),
    })
}

/// `POST /console/sign-in`: with `code` (a link) or `token` (an admin token).
pub async fn sign_in(
    state: web::Data<AppState>,
    req: HttpRequest,
    sent: SignInForm,
) -> Result<HttpResponse, ConsoleError> {
    let now = state.clock.now_micros();
    let request_id = sent.request_id;
    let opened = match (sent.form.get("code"), sent.form.get("token")) {
        (Some(code), _) => {
            let code = code.to_owned();
            state
                .store
                .write(move |conn| {
                    console_sessions::sign_in_with_link(conn, &code, request_id.clone(), now)
                })
                .await?
        }
        (None, Some(token)) => {
            let token = token.to_owned();
            state
                .store
                .write(move |conn| {
                    console_sessions::sign_in_with_token(conn, &token, request_id.clone(), now)
                })
                .await?
        }
        (None, None) => {
            return Err(ConsoleError::Invalid(
                "paste an admin token, or open a sign-in link".into(),
            ))
        }
    };
    match opened {
        Ok(secret) => {
            let mut response = see_other("/console");
            response
                .add_cookie(&session_cookie(secret, is_https(&req, &state)))
                .map_err(|e| ConsoleError::Internal(e.to_string()))?;
            Ok(response)
        }
        Err(refused) => {
            let problem = match refused {
                SignInRefused::LinkSpent => {
                    "This sign-in link has been used already or has expired (links work once, for ten minutes). Run `gatehouse console link` for a new one."
                }
                SignInRefused::UnknownToken => "That is not a live admin token.",
                SignInRefused::NoRole => {
                    "You signed in, but you hold no admin role in Gatehouse. Ask an org admin to grant you one."
                }
            };
            let mut response = page_with_problem(&state, problem.into())?;
            *response.status_mut() = StatusCode::UNAUTHORIZED;
            Ok(response)
        }
    }
}

/// `POST /console/sign-out`.
pub async fn sign_out(
    state: web::Data<AppState>,
    req: HttpRequest,
    posted: Posted,
) -> Result<HttpResponse, ConsoleError> {
    let now = state.clock.now_micros();
    let session = posted.signed.session;
    state
        .store
        .write(move |conn| console_sessions::sign_out(conn, &session, now))
        .await?;
    let mut response = see_other("/console/sign-in?signed_out");
    response
        .add_cookie(&cleared_cookie(is_https(&req, &state)))
        .map_err(|e| ConsoleError::Internal(e.to_string()))?;
    Ok(response)
}

//! Console sign-in with the company's OpenID provider: the authorization
//! code flow with PKCE (RFC 7636), through the `openidconnect` crate. The
//! provider's discovery document and keys are read at each sign-in, so a
//! key rotation needs no restart. The ID token is checked for its
//! signature (JWKS), issuer, audience, expiry and the nonce of this very
//! sign-in; the state is bound to the browser by a cookie and spent once.
//! Who may then use the console is Gatehouse's decision: the person's
//! admin roles, found by their email.

use std::time::Duration;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use askama::Template;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreClientAuthMethod, CoreJwsSigningAlgorithm,
    CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    AuthType, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};

use super::error::ConsoleError;
use super::page::render;
use super::session::{is_https, session_cookie};
use crate::access::console_sessions::{self, SignInRefused};
use crate::access::directories::same_secret;
use crate::access::emails::looks_like_email;
use crate::access::oidc_logins;
use crate::config::OidcSettings;
use crate::http::auth::public_origin;
use crate::http::state::AppState;
use crate::scim::fold::fold;

/// The cookie binding a sign-in's state to the browser that started it.
/// `Lax`, unlike the session cookie: it must come back on the provider's
/// redirect, a cross-site navigation.
const STATE_COOKIE: &str = "gatehouse_oidc_state";

/// The page the browser lands on once signed in: a same-site step to the
/// console, because the session cookie (`SameSite=Strict`) is not sent on
/// the rest of a redirect chain that began at the provider.
#[derive(Template)]
#[template(
    source = r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=/console"><title>Signed in · Gatehouse</title></head><body><p>Signed in as {{ who }}. <a href="/console" id="continue">Continue to the console</a>.</p></body></html>"#,
    ext = "html"
)]
struct SignedIn<'a> {
    who: &'a str,
}

/// Why a sign-in with the provider failed, as the sign-in page says it.
fn refused(
    state: &AppState,
    status: StatusCode,
    problem: String,
) -> Result<HttpResponse, ConsoleError> {
    // Refusals are not audited (nobody is signed in to name), but a run of
    // them is something an operator wants to see in the log.
    tracing::warn!(status = status.as_u16(), %problem, "console sign-in with the identity provider refused");
    let mut response = super::sign_in::page_with_problem(state, problem)?;
    *response.status_mut() = status;
    Ok(response)
}

fn settings(state: &AppState) -> Result<&OidcSettings, ConsoleError> {
    state.settings.oidc.as_ref().ok_or_else(|| {
        ConsoleError::Invalid(
            "sign-in with an identity provider is not set up on this server (--oidc-issuer)".into(),
        )
    })
}

/// An HTTP client for the provider: no redirects followed (a provider
/// document pointing elsewhere must not make the server fetch it), and a
/// bounded wait.
fn http_client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| format!("no HTTP client: {e}"))
}

/// The provider's metadata and a client for it, with the algorithms its
/// ID tokens are checked against: those it says it signs with, public-key
/// ones only (an HMAC or `none` token proves nothing about the provider).
async fn discover(
    oidc: &OidcSettings,
    http: &reqwest::Client,
) -> Result<(CoreProviderMetadata, Vec<CoreJwsSigningAlgorithm>), String> {
    let issuer = IssuerUrl::new(oidc.issuer.clone())
        .map_err(|e| format!("the issuer URL is not a URL: {e}"))?;
    let metadata = CoreProviderMetadata::discover_async(issuer, http)
        .await
        .map_err(|e| {
            format!(
                "the identity provider's discovery document could not be read: {}",
                chain(&e)
            )
        })?;
    let algs = metadata
        .id_token_signing_alg_values_supported()
        .iter()
        .filter(|alg| {
            !matches!(
                alg,
                CoreJwsSigningAlgorithm::None
                    | CoreJwsSigningAlgorithm::HmacSha256
                    | CoreJwsSigningAlgorithm::HmacSha384
                    | CoreJwsSigningAlgorithm::HmacSha512
            )
        })
        .cloned()
        .collect();
    Ok((metadata, algs))
}

/// An error and its causes, on one line.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// How long `start` reuses a provider's discovery document.
pub const START_METADATA_TTL: Duration = Duration::from_secs(60);

/// The provider's metadata for sending a browser there. Anyone may start
/// a sign-in, so this is kept for a minute per issuer rather than fetched
/// for each start (the server would otherwise fetch from the IdP for every
/// unauthenticated request). The callback always reads it afresh: it checks
/// signatures, and a rotated key must count at once.
async fn start_metadata(
    state: &AppState,
    oidc: &OidcSettings,
) -> Result<CoreProviderMetadata, String> {
    if let Some(metadata) = state.oidc_documents.fresh(&oidc.issuer) {
        return Ok(metadata);
    }
    let (metadata, _) = discover(oidc, &http_client()?).await?;
    state.oidc_documents.keep(&oidc.issuer, metadata.clone());
    Ok(metadata)
}

fn redirect_uri(req: &HttpRequest, state: &AppState) -> String {
    format!("{}/console/oidc/callback", public_origin(req, state))
}

/// `GET /console/sign-in/oidc`: off to the provider.
pub async fn start(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ConsoleError> {
    let oidc = settings(&state)?.clone();
    let redirect = redirect_uri(&req, &state);
    let metadata = match start_metadata(&state, &oidc).await {
        Ok(found) => found,
        Err(problem) => return refused(&state, StatusCode::BAD_GATEWAY, problem),
    };
    let redirect_url =
        RedirectUrl::new(redirect).map_err(|e| ConsoleError::Internal(e.to_string()))?;
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(oidc.client_id.clone()),
        oidc.client_secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(redirect_url);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    let now = state.clock.now_micros();
    let (state_secret, nonce, verifier) = (
        csrf.secret().clone(),
        nonce.secret().clone(),
        verifier.secret().clone(),
    );
    let spent_state = state_secret.clone();
    state
        .store
        .write(move |conn| oidc_logins::begin(conn, &spent_state, &nonce, &verifier, now))
        .await?;
    let cookie = Cookie::build(STATE_COOKIE, state_secret)
        .path("/console")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(is_https(&req, &state))
        .max_age(actix_web::cookie::time::Duration::seconds(
            oidc_logins::LIFETIME / 1_000_000,
        ))
        .finish();
    Ok(HttpResponse::SeeOther()
        .insert_header(("Location", url.to_string()))
        .insert_header(("Cache-Control", "no-store"))
        .cookie(cookie)
        .finish())
}

/// `GET /console/oidc/callback?code=…&state=…`: back from the provider.
pub async fn callback(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ConsoleError> {
    let oidc = settings(&state)?.clone();
    let q = crate::http::rest::query(&req)?;
    if let Some(error) = q.get("error") {
        let detail = q.get("error_description").cloned().unwrap_or_default();
        return refused(
            &state,
            StatusCode::UNAUTHORIZED,
            format!(
                "The identity provider did not sign you in ({error}{}{detail}).",
                if detail.is_empty() { "" } else { ": " }
            ),
        );
    }
    let (Some(code), Some(sent_state)) = (q.get("code"), q.get("state")) else {
        return refused(
            &state,
            StatusCode::BAD_REQUEST,
            "The identity provider's answer has no code or state.".into(),
        );
    };
    // The state must be the one this browser was given (login CSRF).
    let cookie_state = req.cookie(STATE_COOKIE).map(|c| c.value().to_owned());
    if !cookie_state
        .as_deref()
        .is_some_and(|c| same_secret(c, sent_state))
    {
        return refused(
            &state,
            StatusCode::UNAUTHORIZED,
            "This sign-in was not started in this browser (or took longer than ten minutes). Start again.".into(),
        );
    }
    let now = state.clock.now_micros();
    let spend = sent_state.clone();
    let Some(login) = state
        .store
        .write(move |conn| oidc_logins::spend(conn, &spend, now))
        .await?
    else {
        return refused(
            &state,
            StatusCode::UNAUTHORIZED,
            "This sign-in has been used already or has expired. Start again.".into(),
        );
    };
    let redirect = redirect_uri(&req, &state);
    let email = match verified_email(&oidc, redirect, code.clone(), login).await {
        Ok(email) => email,
        Err(problem) => return refused(&state, StatusCode::UNAUTHORIZED, problem),
    };
    let request_id = req
        .extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(|id| id.to_string());
    let key = fold(&email);
    let who = key.clone();
    let opened = state
        .store
        .write(move |conn| console_sessions::sign_in_as_person(conn, &who, request_id.clone(), now))
        .await?;
    match opened {
        Ok(secret) => {
            let mut response = render(&SignedIn { who: &key })?;
            response
                .add_cookie(&session_cookie(secret, is_https(&req, &state)))
                .map_err(|e| ConsoleError::Internal(e.to_string()))?;
            let mut gone = Cookie::build(STATE_COOKIE, "").path("/console").finish();
            gone.make_removal();
            response
                .add_cookie(&gone)
                .map_err(|e| ConsoleError::Internal(e.to_string()))?;
            Ok(response)
        }
        Err(SignInRefused::NoRole) => refused(
            &state,
            StatusCode::FORBIDDEN,
            format!("You signed in as {key}, but you hold no admin role in Gatehouse. Ask an org admin to grant you one."),
        ),
        Err(_) => refused(&state, StatusCode::UNAUTHORIZED, "Sign-in refused.".into()),
    }
}

/// Trades the code for tokens (with the PKCE verifier) and returns the
/// email of the person the checked ID token names.
async fn verified_email(
    oidc: &OidcSettings,
    redirect: String,
    code: String,
    login: oidc_logins::Login,
) -> Result<String, String> {
    let http = http_client()?;
    let (metadata, algs) = discover(oidc, &http).await?;
    // The client's secret goes in HTTP Basic (the default), or in the
    // request body for a provider that takes it only there.
    let post_only = metadata
        .token_endpoint_auth_methods_supported()
        .is_some_and(|methods| {
            methods.contains(&CoreClientAuthMethod::ClientSecretPost)
                && !methods.contains(&CoreClientAuthMethod::ClientSecretBasic)
        });
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(oidc.client_id.clone()),
        oidc.client_secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(RedirectUrl::new(redirect).map_err(|e| e.to_string())?)
    .set_auth_type(if post_only {
        AuthType::RequestBody
    } else {
        AuthType::BasicAuth
    });
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| format!("the provider has no token endpoint: {e}"))?
        .set_pkce_verifier(PkceCodeVerifier::new(login.pkce_verifier))
        .request_async(&http)
        .await
        .map_err(|e| {
            format!(
                "The identity provider refused the sign-in code: {}",
                chain(&e)
            )
        })?;
    let id_token = tokens
        .id_token()
        .ok_or("The identity provider sent no ID token.")?;
    let verifier = client.id_token_verifier().set_allowed_algs(algs);
    let claims = id_token
        .claims(&verifier, &Nonce::new(login.nonce))
        .map_err(|e| {
            format!(
                "The identity provider's ID token was refused: {}",
                chain(&e)
            )
        })?;
    let from_token = (
        claims.email().map(|e| e.as_str().to_owned()),
        claims.email_verified(),
        claims.preferred_username().map(|u| u.as_str().to_owned()),
    );
    // A provider may keep the email for its userinfo endpoint (the ID
    // token then carries only `sub`): ask there, for the same subject.
    let (email, verified, username) = match from_token {
        (Some(email), verified, username) => (Some(email), verified, username),
        (None, _, username) => {
            let info: CoreUserInfoClaims = client
                .user_info(tokens.access_token().clone(), Some(claims.subject().clone()))
                .map_err(|e| format!("the ID token names no email address and the provider has no userinfo endpoint: {e}"))?
                .request_async(&http)
                .await
                .map_err(|e| format!("The identity provider's userinfo answer was refused: {}", chain(&e)))?;
            (
                info.email().map(|e| e.as_str().to_owned()),
                info.email_verified(),
                username.or(info.preferred_username().map(|u| u.as_str().to_owned())),
            )
        }
    };
    if verified == Some(false) {
        return Err("The identity provider says your email address is not verified.".into());
    }
    // Entra ID often sends the sign-in name (`preferred_username`, the
    // UPN) and no `email`: an address-shaped one is taken.
    let email = email
        .or_else(|| username.filter(|u| looks_like_email(u)))
        .ok_or("The identity provider names no email address for you (ask for the email scope).")?;
    Ok(email)
}

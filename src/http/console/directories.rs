//! Directories: connect an identity provider (its SCIM base URL and first
//! token shown once), rotate and revoke tokens, and each one's sync health.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::error::ConsoleError;
use super::overview::{directory_lines, DirectoryLine};
use super::page::{done, render, Chrome};
use super::session::{Posted, Signed};
use crate::access::directories::{self, TokenView};
use crate::access::AccessError;
use crate::http::auth::public_origin;
use crate::http::state::AppState;

struct DirectoryEntry {
    line: DirectoryLine,
    base_url: String,
    tokens: Vec<TokenView>,
}

#[derive(Template)]
#[template(path = "directories.html")]
struct DirectoriesPage {
    chrome: Chrome,
    directories: Vec<DirectoryEntry>,
}

/// Where each identity provider asks for the base URL and the token.
const IDP_FIELDS: &[(&str, &str, &str)] = &[
    (
        "Okta",
        "SCIM connector base URL",
        "Authorization (HTTP Header, Bearer)",
    ),
    ("Microsoft Entra ID", "Tenant URL", "Secret Token"),
    ("OneLogin", "SCIM Base URL", "SCIM Bearer Token"),
    ("Google Workspace", "Endpoint URL", "Access token"),
    ("JumpCloud", "Base URL", "Token Key"),
];

#[derive(Template)]
#[template(path = "token_issued.html")]
struct TokenIssuedPage {
    chrome: Chrome,
    directory: String,
    base_url: String,
    token: String,
    first: bool,
    fields: &'static [(&'static str, &'static str, &'static str)],
}

fn base_url(origin: &str, directory_id: &str) -> String {
    format!("{origin}/scim/v2/directories/{directory_id}")
}

/// `GET /console/directories`.
pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    signed: Signed,
) -> Result<HttpResponse, ConsoleError> {
    let now = state.clock.now_micros();
    let origin = public_origin(&req, &state);
    let directories = state
        .store
        .read(move |conn| {
            let mut out = Vec::new();
            for line in directory_lines(conn, now)? {
                let tokens = directories::tokens(conn, &line.id)?;
                out.push(DirectoryEntry {
                    base_url: base_url(&origin, &line.id),
                    tokens,
                    line,
                });
            }
            Ok::<_, AccessError>(out)
        })
        .await?;
    render(&DirectoriesPage {
        chrome: signed.chrome("Directories", "directories"),
        directories,
    })
}

/// `POST /console/directories`: connects an identity provider.
pub async fn connect(
    state: web::Data<AppState>,
    req: HttpRequest,
    posted: Posted,
) -> Result<HttpResponse, ConsoleError> {
    let name = posted
        .form
        .need("name", "A name for the directory")?
        .to_owned();
    let (row, token) = posted
        .change(&state, move |conn, ctx| {
            directories::create_directory(conn, &name, &ctx.actor, ctx.now)
        })
        .await?;
    render(&TokenIssuedPage {
        chrome: posted.signed.chrome("Directory connected", "directories"),
        base_url: base_url(&public_origin(&req, &state), &row.id),
        directory: row.name,
        token: token.secret,
        first: true,
        fields: IDP_FIELDS,
    })
}

/// `POST /console/directories/{id}/tokens`: a new token (the old ones keep
/// working until revoked, so the IdP can be switched over without a gap).
pub async fn rotate(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    posted: Posted,
) -> Result<HttpResponse, ConsoleError> {
    let id = id.into_inner();
    let directory_id = id.clone();
    let (directory, token) = posted
        .change(&state, move |conn, ctx| {
            let directory = directories::get(conn, &directory_id)?;
            let token =
                directories::issue_token(conn, &directory_id, "console", &ctx.actor, ctx.now)?;
            Ok::<_, crate::store::StoreError>((directory, token))
        })
        .await
        .map_err(|e| not_found(e, &id))?;
    render(&TokenIssuedPage {
        chrome: posted.signed.chrome("New token", "directories"),
        base_url: base_url(&public_origin(&req, &state), &id),
        directory: directory.name,
        token: token.secret,
        first: false,
        fields: IDP_FIELDS,
    })
}

/// `POST /console/directories/{id}/tokens/{token}/revoke`.
pub async fn revoke(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    posted: Posted,
) -> Result<HttpResponse, ConsoleError> {
    let (_, token_id) = path.into_inner();
    let id = token_id.clone();
    posted
        .change(&state, move |conn, ctx| {
            directories::revoke_token(conn, &id, &ctx.actor, ctx.now)
        })
        .await
        .map_err(|e| not_found(e, &token_id))?;
    // Kept as live a moment ago; not from now on.
    state.live_tokens.forget_all();
    Ok(done("/console/directories", "Token revoked."))
}

fn not_found(e: crate::store::StoreError, what: &str) -> ConsoleError {
    match e {
        crate::store::StoreError::NotFound => ConsoleError::Access(AccessError::NotFound(format!(
            "\"{what}\" is not a live directory or token"
        ))),
        other => other.into(),
    }
}

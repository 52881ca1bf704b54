//! The requests inbox: pending access requests with everything about who
//! asked (account, directory, synced or not, products held); approve, or
//! deny with a message. Recent decisions below.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde_json::Value;

use super::error::ConsoleError;
use super::page::{done, render, Chrome};
use super::session::{Posted, Signed};
use crate::access::requests::{self, RequestView};
use crate::access::{admin_roles, AccessError};
use crate::http::state::AppState;

/// Recent decisions shown under the inbox.
const DECIDED_SHOWN: i64 = 20;

/// What the inbox shows about a requester or subject.
pub struct PersonFacts {
    pub label: String,
    pub email: String,
    pub directory: String,
    pub known: bool,
    pub synced: bool,
    pub active: bool,
    pub suspended: bool,
    pub holds: Vec<String>,
}

impl PersonFacts {
    fn of(v: &Value) -> PersonFacts {
        let text = |k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let flag = |k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
        let user_name = text("userName");
        PersonFacts {
            label: if user_name.is_empty() {
                text("email")
            } else {
                user_name
            },
            email: text("email"),
            directory: text("directory"),
            known: !flag("new_user"),
            synced: flag("synced"),
            active: flag("active"),
            suspended: flag("suspended"),
            holds: v
                .get("entitlements")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|e| e.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

struct Card {
    r: RequestView,
    requester: PersonFacts,
    subject: PersonFacts,
}

#[derive(Template)]
#[template(path = "requests.html")]
struct RequestsPage {
    chrome: Chrome,
    pending: Vec<Card>,
    decided: Vec<RequestView>,
}

/// `GET /console/requests`.
pub async fn page(
    state: web::Data<AppState>,
    signed: Signed,
) -> Result<HttpResponse, ConsoleError> {
    let (pending, decided) = state
        .store
        .read(move |conn| {
            let pending = requests::list(conn, Some("pending"))?;
            let decided = requests::recently_decided(conn, DECIDED_SHOWN)?;
            Ok::<_, AccessError>((pending, decided))
        })
        .await?;
    let pending = pending
        .into_iter()
        .map(|r| Card {
            requester: PersonFacts::of(&r.requester),
            subject: PersonFacts::of(&r.subject),
            r,
        })
        .collect();
    render(&RequestsPage {
        chrome: signed.chrome("Requests", "requests"),
        pending,
        decided,
    })
}

/// `POST /console/requests/{id}/approve`.
pub async fn approve(
    state: web::Data<AppState>,
    id: web::Path<String>,
    posted: Posted,
) -> Result<HttpResponse, ConsoleError> {
    let id = id.into_inner();
    let request = id.clone();
    let r = posted
        .change_within(
            &state,
            move |conn, standing| admin_roles::over_request(conn, standing, &request),
            move |conn, ctx| requests::approve(conn, ctx, &id),
        )
        .await?;
    Ok(done(
        "/console/requests",
        &format!(
            "Approved: {} now has {}.",
            PersonFacts::of(&r.subject).label,
            r.product
        ),
    ))
}

/// `POST /console/requests/{id}/deny`: with the message the requester reads.
pub async fn deny(
    state: web::Data<AppState>,
    id: web::Path<String>,
    posted: Posted,
) -> Result<HttpResponse, ConsoleError> {
    let id = id.into_inner();
    let message = posted.form.get("message").map(str::to_owned);
    let request = id.clone();
    let r = posted
        .change_within(
            &state,
            move |conn, standing| admin_roles::over_request(conn, standing, &request),
            move |conn, ctx| requests::deny(conn, ctx, &id, message.as_deref()),
        )
        .await?;
    Ok(done(
        "/console/requests",
        &format!(
            "Denied: {}'s request for {}.",
            PersonFacts::of(&r.subject).label,
            r.product
        ),
    ))
}

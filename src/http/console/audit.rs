//! The audit log: filtered by actor, action (a prefix with `*`) and target,
//! a page at a time, and downloaded whole (as filtered) in CSV or JSON lines.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::error::ConsoleError;
use super::page::{attachment, render, Chrome};
use super::session::Signed;
use crate::access::audit::{self, AuditFilter, AuditView};
use crate::http::admin::audit::COLUMNS;
use crate::http::admin::export::{self, Format};
use crate::http::state::AppState;

/// Events on a page.
const PAGE: i64 = 50;
/// Events read per query while writing a download.
const DOWNLOAD_BATCH: i64 = 5_000;
/// Most events one download holds (narrow the filter for more).
const DOWNLOAD_MAX: usize = 200_000;

/// The filter as the form holds it.
#[derive(Default)]
struct Filter {
    actor: String,
    action: String,
    target: String,
    cursor: Option<String>,
}

impl Filter {
    fn read(req: &HttpRequest) -> Result<Filter, ConsoleError> {
        let mut q = crate::http::rest::query(req)?;
        let mut take = |k: &str| q.remove(k).map(|v| v.trim().to_owned()).unwrap_or_default();
        Ok(Filter {
            actor: take("actor"),
            action: take("action"),
            target: take("target"),
            cursor: Some(take("cursor")).filter(|c| !c.is_empty()),
        })
    }

    fn audit_filter(&self) -> AuditFilter {
        let some = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
        AuditFilter {
            actor: some(&self.actor),
            action: some(&self.action),
            target: some(&self.target),
            since: None,
            until: None,
        }
    }

    /// The filter as a query string (without a cursor).
    fn query(&self) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("actor", &self.actor)
            .append_pair("action", &self.action)
            .append_pair("target", &self.target)
            .finish()
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    filter: Filter,
    events: Vec<AuditView>,
    next_cursor: Option<String>,
}

/// Characters of an event's change shown on the page (a 500-member PATCH
/// records every member); the downloads hold it whole.
const CHANGE_SHOWN: usize = 300;

impl AuditPage {
    fn change(&self, e: &AuditView) -> String {
        let mut parts = Vec::new();
        if !e.before.is_null() {
            parts.push(format!("before {}", e.before));
        }
        if !e.after.is_null() {
            parts.push(format!("after {}", e.after));
        }
        let change = parts.join("; ");
        match change.char_indices().nth(CHANGE_SHOWN) {
            Some((at, _)) => format!("{}… (whole in the downloads)", &change[..at]),
            None => change,
        }
    }
}

/// `GET /console/audit[?actor=&action=&target=&cursor=]`.
pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    signed: Signed,
) -> Result<HttpResponse, ConsoleError> {
    let filter = Filter::read(&req)?;
    let wanted = filter.audit_filter();
    let cursor = filter.cursor.clone();
    let page = state
        .store
        .read(move |conn| audit::query(conn, &wanted, cursor.as_deref(), PAGE))
        .await?;
    render(&AuditPage {
        chrome: signed.chrome("Audit log", "audit"),
        filter,
        events: page.events,
        next_cursor: page.next_cursor,
    })
}

async fn everything(state: &AppState, filter: &Filter) -> Result<Vec<AuditView>, ConsoleError> {
    let mut events = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let wanted = filter.audit_filter();
        let at = cursor.clone();
        let page = state
            .store
            .read(move |conn| audit::query(conn, &wanted, at.as_deref(), DOWNLOAD_BATCH))
            .await?;
        events.extend(page.events);
        if events.len() >= DOWNLOAD_MAX {
            return Err(ConsoleError::Invalid(format!(
                "more than {DOWNLOAD_MAX} events match: narrow the filter, or page through GET /admin/v1/audit"
            )));
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(events),
        }
    }
}

/// `GET /console/audit/download?format=csv|jsonl&…filter`.
pub async fn download(
    state: web::Data<AppState>,
    req: HttpRequest,
    _: Signed,
) -> Result<HttpResponse, ConsoleError> {
    let filter = Filter::read(&req)?;
    let (format, name) = match crate::http::rest::query(&req)?.remove("format").as_deref() {
        Some("jsonl") => (Format::Jsonl, "audit.jsonl"),
        Some("csv") | None => (Format::Csv, "audit.csv"),
        Some(other) => {
            return Err(ConsoleError::Invalid(format!(
                "a download is csv or jsonl, not \"{other}\""
            )))
        }
    };
    let events = everything(&state, &filter).await?;
    Ok(attachment(
        export::page(&events, COLUMNS, None, format)?,
        name,
    ))
}

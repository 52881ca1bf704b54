//! The overview: IT-only mode, each directory's sync health, license use
//! against caps, pending requests, and what needs an admin's attention.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::error::ConsoleError;
use super::page::{render, Chrome};
use super::session::Signed;
use crate::access::licensing::{self, LicenseUse};
use crate::access::{directories, policy, requests, sync_health, AccessError};
use crate::http::state::AppState;

/// One directory's line on the overview.
pub struct DirectoryLine {
    pub id: String,
    pub name: String,
    pub last_push: Option<String>,
    pub requests_24h: i64,
    pub failed_24h: i64,
    pub unregistered: usize,
    pub issues: usize,
}

struct Overview {
    it_only: bool,
    directories: Vec<DirectoryLine>,
    licenses: Vec<LicenseUse>,
    pending_requests: usize,
    attention: Vec<String>,
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    chrome: Chrome,
    o: Overview,
}

/// Refused requests (4xx and 5xx) among a directory's counts by status.
fn failed(by_status: &std::collections::BTreeMap<String, i64>) -> i64 {
    by_status
        .iter()
        .filter(|(status, _)| status.starts_with('4') || status.starts_with('5'))
        .map(|(_, n)| n)
        .sum()
}

/// Each directory's sync health, for the overview and the directories page.
pub fn directory_lines(
    conn: &mut crate::store::DbConn,
    now: i64,
) -> Result<Vec<DirectoryLine>, AccessError> {
    let mut lines = Vec::new();
    for d in directories::list(conn)? {
        let report = sync_health::report(conn, &d.id, now, 20)?;
        lines.push(DirectoryLine {
            last_push: report.last_successful_push.clone(),
            requests_24h: report.requests_24h.total,
            failed_24h: failed(&report.requests_24h.by_status),
            unregistered: report.unregistered_attributes.len(),
            issues: report.issues.len(),
            id: d.id,
            name: d.name,
        });
    }
    Ok(lines)
}

/// `GET /console`.
pub async fn page(
    state: web::Data<AppState>,
    signed: Signed,
) -> Result<HttpResponse, ConsoleError> {
    let now = state.clock.now_micros();
    let o = state
        .store
        .read(move |conn| {
            let it_only = policy::view(conn, None)?.effective.it_only;
            let directories = directory_lines(conn, now)?;
            let licenses = licensing::all(conn)?;
            let pending_requests = requests::count(conn, "pending")?;
            let mut attention = Vec::new();
            for d in &directories {
                if d.failed_24h > 0 {
                    attention.push(format!(
                        "{} refused {} of its {} requests in the last 24 hours",
                        d.name, d.failed_24h, d.requests_24h
                    ));
                }
                if d.unregistered > 0 {
                    attention.push(format!(
                        "{} sends {} attribute(s) no schema defines",
                        d.name, d.unregistered
                    ));
                }
                if d.last_push.is_none() {
                    attention.push(format!("{} has never pushed", d.name));
                }
            }
            for l in &licenses {
                if let Some(cap) = l.cap.filter(|c| l.used * 10 >= c * 9) {
                    attention.push(format!(
                        "{} uses {} of its {} licenses",
                        l.product, l.used, cap
                    ));
                }
            }
            if pending_requests > 0 {
                attention.push(format!(
                    "{pending_requests} access request(s) wait for a decision"
                ));
            }
            Ok::<_, AccessError>(Overview {
                it_only,
                directories,
                licenses,
                pending_requests,
                attention,
            })
        })
        .await?;
    render(&OverviewPage {
        chrome: signed.chrome("Overview", "overview"),
        o,
    })
}

//! Sync health: per directory, what its IdP sent that did not fit —
//! refused requests, skipped members, license-cap refusals, attributes no
//! schema defines — with its last successful push and its requests per
//! status over the last 24 hours.
//!
//! Requests note what they saw here in memory; it reaches the database in
//! one write every few seconds (and before sync health is read, and at
//! shutdown), outside the transactions of the requests themselves: a
//! refused request leaves its trace although its own transaction rolled
//! back, and a lookup costs no write. A crash loses at most the last few
//! seconds of this diagnostic record, never a SCIM write.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;

use serde::Serialize;
use serde_json::Value;

/// How many issues a directory keeps (the most a report can list).
pub use crate::store::sync_health::ISSUES_KEPT;

use super::error::found;
use super::AccessError;
use crate::scim::error::Cause;
use crate::scim::resource::format_time;
use crate::scim::schema::ResourceKind;
use crate::scim::validate::Unregistered;
use crate::scim::ScimError;
use crate::store::models::{NewSyncIssue, SyncRequestsRow, UnregisteredAttributeRow};
use crate::store::{directories, sync_health, DbConn, SharedStore, StoreError, StoreResult};

/// How often what requests saw is written.
pub const FLUSH_EVERY_US: i64 = 2_000_000;
/// Issues held in memory between writes; past it the oldest are dropped
/// (a flood of refusals is summed up by the request counts anyway).
const PENDING_ISSUES: usize = 2_000;
/// Longest example value kept for an unregistered attribute.
const EXAMPLE_CHARS: usize = 200;
const HOUR_US: i64 = 3_600_000_000;

/// What requests saw since the last write.
#[derive(Debug, Default)]
pub struct Pending {
    requests: HashMap<(String, i64, u16), i64>,
    issues: Vec<NewSyncIssue>,
    attributes: HashMap<(String, &'static str, String, String), UnregisteredAttributeRow>,
    pushed: HashMap<String, i64>,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.requests.is_empty()
            && self.issues.is_empty()
            && self.attributes.is_empty()
            && self.pushed.is_empty()
    }

    /// Writes it all (inside the caller's transaction).
    pub fn write(&self, conn: &mut DbConn, now: i64) -> StoreResult<()> {
        let counts: Vec<SyncRequestsRow> = self
            .requests
            .iter()
            .map(|((directory, hour, status), n)| SyncRequestsRow {
                directory_id: directory.clone(),
                hour: *hour,
                status: i32::from(*status),
                requests: *n,
            })
            .collect();
        sync_health::add_requests(conn, &counts, now / HOUR_US)?;
        sync_health::add_issues(conn, &self.issues)?;
        let attributes: Vec<UnregisteredAttributeRow> = self.attributes.values().cloned().collect();
        sync_health::add_unregistered(conn, &attributes)?;
        for (directory, at) in &self.pushed {
            directories::mark_pushed(conn, directory, *at)?;
        }
        Ok(())
    }
}

/// One SCIM request made with a directory's token, as it ended.
#[derive(Debug, Clone, Copy)]
pub struct RequestSeen<'a> {
    pub directory_id: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub status: u16,
    /// The SCIM error answered, if any.
    pub error: Option<&'a ScimError>,
    pub request_id: Option<&'a str>,
    pub now: i64,
}

impl RequestSeen<'_> {
    fn writes(&self) -> bool {
        matches!(self.method, "POST" | "PUT" | "PATCH" | "DELETE")
    }

    fn issue(&self, kind: &str) -> NewSyncIssue {
        NewSyncIssue {
            directory_id: self.directory_id.to_owned(),
            occurred_at: self.now,
            kind: kind.to_owned(),
            method: self.method.to_owned(),
            path: self.path.to_owned(),
            status: i32::from(self.status),
            scim_type: self
                .error
                .and_then(|e| e.scim_type)
                .map(|t| t.as_str().to_owned()),
            detail: self.error.map(|e| e.detail.clone()).unwrap_or_default(),
            request_id: self.request_id.map(str::to_owned),
            group_id: None,
            member_id: None,
        }
    }
}

/// The recorder every request reports to.
#[derive(Debug, Default)]
pub struct SyncHealth {
    pending: Mutex<Pending>,
    last_flush: AtomicI64,
}

impl SyncHealth {
    fn with<T>(&self, f: impl FnOnce(&mut Pending) -> T) -> T {
        let mut pending = self
            .pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut pending)
    }

    /// Counts a request and notes it if it was refused: any error answer
    /// to a write, and errors other than 404 to a read (a lookup of a
    /// resource that is gone is routine; a filter the server refuses is not).
    pub fn request(&self, seen: RequestSeen<'_>) {
        self.with(|p| {
            *p.requests
                .entry((
                    seen.directory_id.to_owned(),
                    seen.now / HOUR_US,
                    seen.status,
                ))
                .or_default() += 1;
            if seen.writes() && (200..300).contains(&seen.status) {
                p.pushed.insert(seen.directory_id.to_owned(), seen.now);
            }
            note_refusal(p, &seen);
        });
    }

    /// Notes a refusal without counting a request: an operation of a bulk
    /// request (the bulk request itself is counted).
    pub fn refused(&self, seen: RequestSeen<'_>) {
        self.with(|p| note_refusal(p, &seen));
    }

    /// Notes members a write skipped because the directory holds no
    /// resource with their ids.
    pub fn skipped_members(&self, seen: RequestSeen<'_>, group_id: &str, members: &[String]) {
        if members.is_empty() {
            return;
        }
        self.with(|p| {
            for member in members {
                let mut issue = seen.issue("skipped_member");
                issue.detail = format!(
                    "member \"{member}\" is not a User or Group of this directory; the rest of the request was applied"
                );
                issue.group_id = Some(group_id.to_owned());
                issue.member_id = Some(member.clone());
                push_issue(p, issue);
            }
        });
    }

    /// Notes attributes a write kept that no schema defines.
    pub fn unregistered(
        &self,
        directory_id: &str,
        kind: ResourceKind,
        seen: &[Unregistered],
        now: i64,
    ) {
        self.with(|p| {
            for u in seen.iter().filter(|u| !u.name.is_empty()) {
                let schema = u.schema.clone().unwrap_or_default();
                let key = (
                    directory_id.to_owned(),
                    kind.name(),
                    schema.clone(),
                    u.name.clone(),
                );
                let row = p
                    .attributes
                    .entry(key)
                    .or_insert_with(|| UnregisteredAttributeRow {
                        directory_id: directory_id.to_owned(),
                        resource_type: kind.name().to_owned(),
                        schema_urn: schema,
                        name: u.name.clone(),
                        seen: 0,
                        example: String::new(),
                        first_seen: now,
                        last_seen: now,
                    });
                row.seen += 1;
                row.example = example(&u.example);
                row.last_seen = now;
            }
        });
    }

    /// Whether a write is due: something waits and the last write is
    /// `FLUSH_EVERY_US` old.
    pub fn is_due(&self, now: i64) -> bool {
        now - self.last_flush.load(Ordering::Relaxed) >= FLUSH_EVERY_US
            && !self.with(|p| p.is_empty())
    }

    /// What waits to be written, taken out, when a write is due (every
    /// `FLUSH_EVERY_US`) or `force`d; `None` when nothing is due.
    pub fn take(&self, now: i64, force: bool) -> Option<Pending> {
        let last = self.last_flush.load(Ordering::Relaxed);
        if !force && now - last < FLUSH_EVERY_US {
            return None;
        }
        let taken = self.with(|p| (!p.is_empty()).then(|| std::mem::take(p)));
        if taken.is_some() {
            self.last_flush.store(now, Ordering::Relaxed);
        }
        taken
    }

    /// Writes what waits, when a write is due (or `force`d: before sync
    /// health is read, at shutdown). A failed write loses what it held,
    /// which is logged; it never fails a SCIM request.
    pub async fn flush(&self, store: &SharedStore, now: i64, force: bool) {
        let Some(pending) = self.take(now, force) else {
            return;
        };
        let written: Result<(), StoreError> =
            store.write(move |conn| pending.write(conn, now)).await;
        if let Err(error) = written {
            tracing::warn!(%error, "sync health could not be written; its last few seconds are lost");
        }
    }
}

fn note_refusal(p: &mut Pending, seen: &RequestSeen<'_>) {
    if seen.status < 400 || (!seen.writes() && seen.status == 404) {
        return;
    }
    let capped = seen.error.and_then(|e| e.cause) == Some(Cause::LicenseCap);
    push_issue(
        p,
        seen.issue(if capped { "license_cap" } else { "refused" }),
    );
}

fn push_issue(p: &mut Pending, issue: NewSyncIssue) {
    if p.issues.len() >= PENDING_ISSUES {
        p.issues.remove(0);
    }
    p.issues.push(issue);
}

/// A value as the admin sees it: JSON text, cut short.
fn example(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match text.char_indices().nth(EXAMPLE_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// A directory's sync health.
#[derive(Debug, Clone, Serialize)]
pub struct SyncReport {
    pub directory: DirectoryView,
    pub last_successful_push: Option<String>,
    pub requests_24h: RequestCounts,
    pub issues: Vec<IssueView>,
    pub unregistered_attributes: Vec<AttributeView>,
}

/// The directory a report is about.
#[derive(Debug, Clone, Serialize)]
pub struct DirectoryView {
    pub id: String,
    pub name: String,
    pub strict_schema: bool,
}

/// Requests by HTTP status.
#[derive(Debug, Clone, Serialize)]
pub struct RequestCounts {
    pub total: i64,
    pub by_status: BTreeMap<String, i64>,
}

/// Something that did not fit.
#[derive(Debug, Clone, Serialize)]
pub struct IssueView {
    pub kind: String,
    pub at: String,
    pub method: String,
    pub path: String,
    pub status: i32,
    pub scim_type: Option<String>,
    pub detail: String,
    pub request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
}

/// An attribute no schema defines.
#[derive(Debug, Clone, Serialize)]
pub struct AttributeView {
    pub resource_type: String,
    pub schema: Option<String>,
    pub name: String,
    pub count: i64,
    pub example: String,
    pub first_seen: String,
    pub last_seen: String,
}

/// The sync health of a directory as stored, newest issues first (at most
/// `issues`).
pub fn report(
    conn: &mut DbConn,
    directory_id: &str,
    now: i64,
    issues: i64,
) -> Result<SyncReport, AccessError> {
    let dir = found(directories::find(conn, directory_id), || {
        format!("directory {directory_id}")
    })?;
    let since = now / HOUR_US - 23;
    let mut by_status = BTreeMap::new();
    for row in sync_health::requests_of(conn, directory_id, since)? {
        *by_status.entry(row.status.to_string()).or_insert(0) += row.requests;
    }
    let issues = sync_health::issues_of(conn, directory_id, issues)?
        .into_iter()
        .map(|r| IssueView {
            kind: r.kind,
            at: format_time(r.occurred_at),
            method: r.method,
            path: r.path,
            status: r.status,
            scim_type: r.scim_type,
            detail: r.detail,
            request_id: r.request_id,
            group: r.group_id,
            member: r.member_id,
        })
        .collect();
    let unregistered_attributes = sync_health::unregistered_of(conn, directory_id)?
        .into_iter()
        .map(|r| AttributeView {
            resource_type: r.resource_type,
            schema: (!r.schema_urn.is_empty()).then_some(r.schema_urn),
            name: r.name,
            count: r.seen,
            example: r.example,
            first_seen: format_time(r.first_seen),
            last_seen: format_time(r.last_seen),
        })
        .collect();
    Ok(SyncReport {
        directory: DirectoryView {
            id: dir.id,
            name: dir.name,
            strict_schema: dir.strict_schema,
        },
        last_successful_push: dir.last_push_at.map(format_time),
        requests_24h: RequestCounts {
            total: by_status.values().sum(),
            by_status,
        },
        issues,
        unregistered_attributes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen<'a>(method: &'a str, status: u16, error: Option<&'a ScimError>) -> RequestSeen<'a> {
        RequestSeen {
            directory_id: "d1",
            method,
            path: "/scim/v2/Users",
            status,
            error,
            request_id: Some("r1"),
            now: 10 * HOUR_US + 5,
        }
    }

    #[test]
    fn refusals_are_noted_and_every_request_counted() {
        let health = SyncHealth::default();
        let bad = ScimError::invalid_value("userName is missing");
        let capped = ScimError::new(403, "cap").because(Cause::LicenseCap);
        let gone = ScimError::not_found("gone");
        health.request(seen("GET", 200, None));
        health.request(seen("GET", 404, Some(&gone)));
        health.request(seen("DELETE", 404, Some(&gone)));
        health.request(seen("POST", 400, Some(&bad)));
        health.request(seen("PATCH", 403, Some(&capped)));
        health.request(seen("GET", 400, Some(&bad)));
        health.request(seen("PUT", 200, None));
        health.skipped_members(seen("PATCH", 204, None), "g1", &["u9".into()]);
        let pending = health.take(20 * HOUR_US, false).unwrap();
        let kinds: Vec<(&str, &str, i32)> = pending
            .issues
            .iter()
            .map(|i| (i.kind.as_str(), i.method.as_str(), i.status))
            .collect();
        assert_eq!(
            kinds,
            [
                ("refused", "DELETE", 404),
                ("refused", "POST", 400),
                ("license_cap", "PATCH", 403),
                ("refused", "GET", 400),
                ("skipped_member", "PATCH", 204),
            ]
        );
        assert_eq!(pending.issues[1].scim_type.as_deref(), Some("invalidValue"));
        assert_eq!(pending.issues[4].member_id.as_deref(), Some("u9"));
        assert_eq!(pending.requests[&("d1".into(), 10, 404)], 2);
        assert_eq!(pending.requests.values().sum::<i64>(), 7);
        assert_eq!(pending.pushed["d1"], 10 * HOUR_US + 5);
        // Taken: nothing waits, and no write is due again at once.
        health.request(seen("GET", 200, None));
        assert!(health.take(20 * HOUR_US + 1, false).is_none());
        assert!(health.take(20 * HOUR_US + 1, true).is_some());
    }

    #[test]
    fn unregistered_attributes_sum_up_with_the_newest_example() {
        let health = SyncHealth::default();
        let costs = |v: &str| Unregistered {
            schema: None,
            name: "costCenter".into(),
            example: Value::from(v),
            refusal: ScimError::invalid_syntax("x"),
        };
        health.unregistered("d1", ResourceKind::User, &[costs("77")], 1);
        health.unregistered("d1", ResourceKind::User, &[costs(&"9".repeat(300))], 2);
        let pending = health.take(FLUSH_EVERY_US, false).unwrap();
        let row = pending.attributes.values().next().unwrap();
        assert_eq!((row.seen, row.first_seen, row.last_seen), (2, 1, 2));
        assert_eq!(row.example.chars().count(), EXAMPLE_CHARS + 1);
    }
}

//! `/audit`: the audit log, filtered and paged, as JSON, JSON lines or CSV.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::DateTime;

use super::{ok, query};
use crate::access::audit;
use crate::access::AccessError;
use crate::http::auth::AdminPrincipal;
use crate::http::AppState;
use crate::store::audit::AuditFilter;

fn time(name: &str, text: Option<String>) -> Result<Option<i64>, AccessError> {
    text.map(|t| {
        DateTime::parse_from_rfc3339(&t)
            .map(|d| d.timestamp_micros())
            .map_err(|_| {
                AccessError::Invalid(format!("{name} must be an RFC 3339 time, not \"{t}\""))
            })
    })
    .transpose()
}

/// `GET /audit?actor=&action=&target=&since=&until=&cursor=&limit=&format=`.
/// `action` may end in `*` for a prefix (`mapping.*`); `format` is `json`
/// (default), `jsonl` or `csv`; the next page's cursor is in `next_cursor`
/// (JSON) or the `X-Next-Cursor` header (exports).
pub async fn list(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    req: HttpRequest,
) -> Result<HttpResponse, AccessError> {
    let mut q = query(&req)?;
    let format = q.remove("format").unwrap_or_else(|| "json".into());
    if !["json", "jsonl", "csv"].contains(&format.as_str()) {
        return Err(AccessError::Invalid(format!(
            "format is json, jsonl or csv; not \"{format}\""
        )));
    }
    // The most one page holds, whatever its format (as the OpenAPI
    // document says).
    let max = 10_000;
    let limit = match q.remove("limit") {
        None => 1000,
        Some(l) => l
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| AccessError::Invalid(format!("limit is 1 to {max}")))?,
    };
    let filter = AuditFilter {
        actor: q.remove("actor"),
        action: q.remove("action"),
        target: q.remove("target"),
        since: time("since", q.remove("since"))?,
        until: time("until", q.remove("until"))?,
    };
    let cursor = q.remove("cursor");
    if let Some(unknown) = q.keys().next() {
        return Err(AccessError::Invalid(format!(
            "unknown parameter \"{unknown}\""
        )));
    }
    let page = state
        .store
        .read(move |conn| audit::query(conn, &filter, cursor.as_deref(), limit))
        .await?;
    let export = |content_type: &str, body: String| {
        let mut r = HttpResponse::Ok();
        r.content_type(content_type);
        if let Some(c) = &page.next_cursor {
            r.insert_header(("X-Next-Cursor", c.as_str()));
        }
        r.body(body)
    };
    match format.as_str() {
        "json" => Ok(ok(
            &serde_json::json!({"items": page.events, "next_cursor": page.next_cursor}),
        )),
        "jsonl" => {
            let mut body = String::new();
            for e in &page.events {
                body.push_str(&serde_json::to_string(e).unwrap_or_default());
                body.push('\n');
            }
            Ok(export("application/jsonl", body))
        }
        "csv" => Ok(export(
            "text/csv; charset=utf-8",
            audit::to_csv(&page.events)?,
        )),
        other => Err(AccessError::Invalid(format!(
            "format is json, jsonl or csv, not \"{other}\""
        ))),
    }
}

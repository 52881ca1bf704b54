//! `/reports`: access by product and group, non-synced access, licenses,
//! leavers. Each as JSON (`{"items","next_cursor"}`), JSON lines or CSV
//! (`format=`), a page at a time (`limit`, `cursor`), and where a report
//! has times, from a point on (`since`).

use std::collections::HashMap;

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::DateTime;
use serde::Serialize;
use serde_json::Value;

use super::{ok, query};
use crate::access::{persons, reports, AccessError};
use crate::http::auth::AdminPrincipal;
use crate::http::AppState;

/// How a report is asked for.
struct Shape {
    format: Format,
    limit: usize,
    /// Where the page starts: the `next_cursor` of the page before.
    start: usize,
    since: Option<i64>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Jsonl,
    Csv,
}

/// Lines a page holds unless asked for more, and the most it may hold.
const DEFAULT_LIMIT: usize = 1000;
const MAX_LIMIT: usize = 10_000;

/// Reads `format`, `limit`, `cursor` and (when the report has times)
/// `since`; anything else is refused, before any work is done.
fn shape(
    req: &HttpRequest,
    timed: bool,
    mut extra: Vec<&str>,
) -> Result<(Shape, HashMap<String, String>), AccessError> {
    let mut q = query(req)?;
    let format = match q.remove("format").as_deref() {
        None | Some("json") => Format::Json,
        Some("jsonl") => Format::Jsonl,
        Some("csv") => Format::Csv,
        Some(other) => {
            return Err(AccessError::Invalid(format!(
                "format is json, jsonl or csv; not \"{other}\""
            )))
        }
    };
    let max = MAX_LIMIT;
    let limit = match q.remove("limit") {
        None => DEFAULT_LIMIT,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| AccessError::Invalid(format!("limit is 1 to {max}")))?,
    };
    let start = match q.remove("cursor") {
        None => 0,
        Some(c) => c
            .parse::<usize>()
            .map_err(|_| AccessError::Invalid(format!("\"{c}\" is not a cursor of this report")))?,
    };
    let since = match q.remove("since") {
        Some(t) if timed => Some(
            DateTime::parse_from_rfc3339(&t)
                .map(|d| d.timestamp_micros())
                .map_err(|_| {
                    AccessError::Invalid(format!("since must be an RFC 3339 time, not \"{t}\""))
                })?,
        ),
        Some(_) => {
            return Err(AccessError::Invalid(
                "this report has no times: since does not apply".into(),
            ))
        }
        None => None,
    };
    extra.push("");
    let mut rest = HashMap::new();
    for (k, v) in q {
        if !extra.contains(&k.as_str()) {
            return Err(AccessError::Invalid(format!("unknown parameter \"{k}\"")));
        }
        rest.insert(k, v);
    }
    Ok((
        Shape {
            format,
            limit,
            start,
            since,
        },
        rest,
    ))
}

/// One page of a report, in the format asked for.
fn respond<T: Serialize>(lines: Vec<T>, shape: &Shape) -> Result<HttpResponse, AccessError> {
    let total = lines.len();
    let page: Vec<T> = lines
        .into_iter()
        .skip(shape.start)
        .take(shape.limit)
        .collect();
    let end = shape.start + page.len();
    let next = (end < total).then(|| end.to_string());
    if shape.format == Format::Json {
        return Ok(ok(&serde_json::json!({"items": page, "next_cursor": next})));
    }
    let rows: Vec<Value> = page
        .iter()
        .map(|l| serde_json::to_value(l).unwrap_or_default())
        .collect();
    let (content_type, body) = match shape.format {
        Format::Jsonl => {
            let mut body = String::new();
            for r in &rows {
                body.push_str(&r.to_string());
                body.push('\n');
            }
            ("application/jsonl", body)
        }
        _ => ("text/csv; charset=utf-8", csv(&rows)?),
    };
    let mut r = HttpResponse::Ok();
    r.content_type(content_type);
    if let Some(c) = &next {
        r.insert_header(("X-Next-Cursor", c.as_str()));
    }
    Ok(r.body(body))
}

/// Lines as CSV: a column per field of the lines (in the order the first
/// line has them); nested values as JSON text.
fn csv(rows: &[Value]) -> Result<String, AccessError> {
    let columns: Vec<String> = rows
        .first()
        .and_then(Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    let mut out = ::csv::Writer::from_writer(Vec::new());
    let failed = |e: ::csv::Error| {
        AccessError::Invalid(format!("the report could not be written as CSV: {e}"))
    };
    out.write_record(&columns).map_err(failed)?;
    for row in rows {
        let cells: Vec<String> = columns
            .iter()
            .map(|c| match &row[c] {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
        out.write_record(&cells).map_err(failed)?;
    }
    let bytes = out.into_inner().map_err(|e| {
        AccessError::Invalid(format!("the report could not be written as CSV: {e}"))
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// `GET /reports/access[?product=KEY][&since=T]`: who has which product,
/// via which group, since when.
pub async fn access(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    req: HttpRequest,
) -> Result<HttpResponse, AccessError> {
    let (shape, mut rest) = shape(&req, true, vec!["product"])?;
    let product = rest.remove("product");
    let since = shape.since;
    let lines = state
        .store
        .read(move |conn| reports::access(conn, product.as_deref(), since))
        .await?;
    respond(lines, &shape)
}

/// `GET /reports/non-synced-access[?since=T]`: licensed access no synced
/// group explains.
pub async fn non_synced(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    req: HttpRequest,
) -> Result<HttpResponse, AccessError> {
    let (shape, _) = shape(&req, true, Vec::new())?;
    let since = shape.since;
    let lines = state
        .store
        .read(move |conn| reports::non_synced(conn, None, since))
        .await?;
    respond(lines, &shape)
}

/// `GET /reports/licenses`: licenses per product, guests counted apart.
pub async fn licenses(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    req: HttpRequest,
) -> Result<HttpResponse, AccessError> {
    let (shape, _) = shape(&req, false, Vec::new())?;
    respond(state.store.read(reports::licenses).await?, &shape)
}

/// `GET /reports/leavers`: persons no IdP lets in who still hold a role.
pub async fn leavers(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    req: HttpRequest,
) -> Result<HttpResponse, AccessError> {
    let (shape, _) = shape(&req, false, Vec::new())?;
    respond(state.store.read(persons::leavers).await?, &shape)
}

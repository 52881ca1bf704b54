//! What the audit log and the reports share: a page of lines as JSON,
//! JSON lines or CSV, its `limit`, and times given as RFC 3339.

use std::collections::HashMap;

use actix_web::HttpResponse;
use chrono::DateTime;
use serde::Serialize;
use serde_json::Value;

use crate::access::AccessError;
use crate::http::rest::ok;

/// How a page of lines is written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Format {
    /// `{"items": [...], "next_cursor": ...}`.
    Json,
    /// One JSON object per line; the next cursor in `X-Next-Cursor`.
    Jsonl,
    /// A header row, then a row per line; the next cursor in `X-Next-Cursor`.
    Csv,
}

impl Format {
    /// Takes `format` from a query (JSON when absent).
    pub fn take(q: &mut HashMap<String, String>) -> Result<Format, AccessError> {
        match q.remove("format").as_deref() {
            None | Some("json") => Ok(Format::Json),
            Some("jsonl") => Ok(Format::Jsonl),
            Some("csv") => Ok(Format::Csv),
            Some(other) => Err(AccessError::Invalid(format!(
                "format is json, jsonl or csv; not \"{other}\""
            ))),
        }
    }
}

/// Lines a page holds unless asked for more, and the most it may hold in
/// any format (as the OpenAPI document says).
pub const DEFAULT_LIMIT: usize = 1000;
pub const MAX_LIMIT: usize = 10_000;

/// Takes `limit` from a query.
pub fn take_limit(q: &mut HashMap<String, String>) -> Result<usize, AccessError> {
    match q.remove("limit") {
        None => Ok(DEFAULT_LIMIT),
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| AccessError::Invalid(format!("limit is 1 to {MAX_LIMIT}"))),
    }
}

/// Takes a time parameter (RFC 3339) from a query, as microseconds.
pub fn take_time(q: &mut HashMap<String, String>, name: &str) -> Result<Option<i64>, AccessError> {
    q.remove(name)
        .map(|t| {
            DateTime::parse_from_rfc3339(&t)
                .map(|d| d.timestamp_micros())
                .map_err(|_| {
                    AccessError::Invalid(format!("{name} must be an RFC 3339 time, not \"{t}\""))
                })
        })
        .transpose()
}

/// One page of lines in `format`. `columns` are the CSV columns, in order
/// (the lines' field names), so even an empty export has its header.
pub fn page<T: Serialize>(
    lines: &[T],
    columns: &[&str],
    next_cursor: Option<&str>,
    format: Format,
) -> Result<HttpResponse, AccessError> {
    if format == Format::Json {
        return Ok(ok(
            &serde_json::json!({"items": lines, "next_cursor": next_cursor}),
        ));
    }
    let rows: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::to_value(l).unwrap_or_default())
        .collect();
    let (content_type, body) = match format {
        Format::Csv => ("text/csv; charset=utf-8", csv(columns, &rows)?),
        _ => {
            let mut body = String::new();
            for r in &rows {
                body.push_str(&r.to_string());
                body.push('\n');
            }
            ("application/jsonl", body)
        }
    };
    let mut r = HttpResponse::Ok();
    r.content_type(content_type);
    if let Some(c) = next_cursor {
        r.insert_header(("X-Next-Cursor", c));
    }
    Ok(r.body(body))
}

/// Rows as CSV: strings as they are, nested values as JSON text, absent
/// ones empty.
fn csv(columns: &[&str], rows: &[Value]) -> Result<String, AccessError> {
    let failed = |e: ::csv::Error| {
        AccessError::Invalid(format!("the export could not be written as CSV: {e}"))
    };
    let mut out = ::csv::Writer::from_writer(Vec::new());
    out.write_record(columns).map_err(failed)?;
    for row in rows {
        let cells = columns.iter().map(|c| match &row[*c] {
            Value::Null => String::new(),
            Value::String(s) => inert(s),
            other => other.to_string(),
        });
        out.write_record(cells).map_err(failed)?;
    }
    let bytes = out.into_inner().map_err(|e| {
        AccessError::Invalid(format!("the export could not be written as CSV: {e}"))
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A cell a spreadsheet would run as a formula (names come from IdPs and
/// outsiders: `=HYPERLINK(...)` as a display name) is kept as text by a
/// leading `'`, as OWASP advises for CSV exports.
fn inert(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn csv_has_its_header_when_empty_and_quotes_what_needs_it() {
        let cases: &[(&[Value], &str)] = &[
            (&[], "a,b\n"),
            (&[json!({"a": "x", "b": 1})], "a,b\nx,1\n"),
            (&[json!({"a": "x,y", "b": null})], "a,b\n\"x,y\",\n"),
            (
                &[json!({"a": "say \"hi\"", "b": [1]})],
                "a,b\n\"say \"\"hi\"\"\",[1]\n",
            ),
            (
                &[json!({"b": {"k": "v"}})],
                "a,b\n,\"{\"\"k\"\":\"\"v\"\"}\"\n",
            ),
            (&[json!({"a": "line\nbreak"})], "a,b\n\"line\nbreak\",\n"),
        ];
        for (rows, want) in cases {
            assert_eq!(csv(&["a", "b"], rows).unwrap(), *want, "{rows:?}");
        }
    }

    #[test]
    fn formulas_stay_text() {
        let cases = [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("ann@acme.test", "ann@acme.test"),
            ("2026-12-01T00:00:00Z", "2026-12-01T00:00:00Z"),
            ("", ""),
        ];
        for (cell, want) in cases {
            assert_eq!(inert(cell), want, "{cell:?}");
        }
    }

    #[test]
    fn parameters() {
        let q = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(Format::take(&mut q(&[])).unwrap(), Format::Json);
        assert_eq!(
            Format::take(&mut q(&[("format", "csv")])).unwrap(),
            Format::Csv
        );
        assert_eq!(
            Format::take(&mut q(&[("format", "jsonl")])).unwrap(),
            Format::Jsonl
        );
        assert!(Format::take(&mut q(&[("format", "xml")])).is_err());
        assert_eq!(take_limit(&mut q(&[])).unwrap(), DEFAULT_LIMIT);
        assert_eq!(take_limit(&mut q(&[("limit", "10000")])).unwrap(), 10_000);
        for bad in ["0", "10001", "-1", "ten"] {
            assert!(take_limit(&mut q(&[("limit", bad)])).is_err(), "{bad}");
        }
        assert_eq!(take_time(&mut q(&[]), "since").unwrap(), None);
        assert_eq!(
            take_time(&mut q(&[("since", "1970-01-01T00:00:01Z")]), "since").unwrap(),
            Some(1_000_000)
        );
        assert!(take_time(&mut q(&[("since", "yesterday")]), "since").is_err());
    }
}

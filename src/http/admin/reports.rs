//! `/reports`: access by product and group, non-synced access, licenses,
//! leavers. Each as JSON (`{"items","next_cursor"}`), JSON lines or CSV
//! (`format=`), a page at a time (`limit`, `cursor`), and where a report
//! has times, from a point on (`since`).

use std::collections::HashMap;

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::export::{self, Format};
use crate::access::access_report::Start;
use crate::access::{person_views, reports, AccessError};
use crate::http::auth::AdminPrincipal;
use crate::http::rest::query;
use crate::http::state::AppState;

/// How a report is asked for.
struct Shape {
    format: Format,
    limit: usize,
    /// Where the page starts: the `next_cursor` of the page before.
    start: usize,
    since: Option<i64>,
}

/// Reads `format`, `limit`, `cursor` and (when the report has times)
/// `since`, and the report's own parameters (`extra`); anything else is
/// refused, before any work is done.
fn shape(
    req: &HttpRequest,
    timed: bool,
    extra: &[&str],
) -> Result<(Shape, HashMap<String, String>), AccessError> {
    shape_of(query(req)?, timed, extra)
}

/// [`shape`] of a query already read.
fn shape_of(
    mut q: HashMap<String, String>,
    timed: bool,
    extra: &[&str],
) -> Result<(Shape, HashMap<String, String>), AccessError> {
    let format = Format::take(&mut q)?;
    let limit = export::take_limit(&mut q)?;
    let start = match q.remove("cursor") {
        None => 0,
        Some(c) => c
            .parse::<usize>()
            .map_err(|_| AccessError::Invalid(format!("\"{c}\" is not a cursor of this report")))?,
    };
    if !timed && q.contains_key("since") {
        return Err(AccessError::Invalid(
            "this report has no times: since does not apply".into(),
        ));
    }
    let since = export::take_time(&mut q, "since")?;
    if let Some(unknown) = q.keys().find(|k| !extra.contains(&k.as_str())) {
        return Err(AccessError::Invalid(format!(
            "unknown parameter \"{unknown}\""
        )));
    }
    Ok((
        Shape {
            format,
            limit,
            start,
            since,
        },
        q,
    ))
}

/// One page of a report (the lines from the cursor on), in the format
/// asked for, with `columns` as its CSV header.
fn respond<T: Serialize>(
    lines: Vec<T>,
    columns: &[&str],
    shape: &Shape,
) -> Result<HttpResponse, AccessError> {
    let total = lines.len();
    let page: Vec<T> = lines
        .into_iter()
        .skip(shape.start)
        .take(shape.limit)
        .collect();
    let end = shape.start + page.len();
    let next = (end < total).then(|| end.to_string());
    export::page(&page, columns, next.as_deref(), shape.format)
}

pub(crate) const ACCESS_COLUMNS: &[&str] = &[
    "product", "role", "user", "userName", "person", "since", "via",
];
const LICENSE_COLUMNS: &[&str] = &["product", "used", "cap", "guests"];
const LEAVER_COLUMNS: &[&str] = &["person", "email", "account", "product", "role"];
pub(crate) const NON_SYNCED_COLUMNS: &[&str] = &[
    "user",
    "userName",
    "product",
    "role",
    "group_id",
    "displayName",
    "source",
    "actor",
    "since",
    "break_glass_reason",
];

/// `GET /reports/access[?product=KEY][&since=T]`: who has which product,
/// via which group, since when.
pub async fn access(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    req: HttpRequest,
) -> Result<HttpResponse, AccessError> {
    let mut q = query(&req)?;
    let start = take_start(&mut q)?;
    let (shape, mut rest) = shape_of(q, true, &["product"])?;
    let product = rest.remove("product");
    let (since, limit) = (shape.since, shape.limit);
    let page = state
        .store
        .read(move |conn| reports::access_page(conn, product.as_deref(), since, &start, limit))
        .await?;
    let next = page.next.map(|p| p.to_cursor());
    export::page(&page.lines, ACCESS_COLUMNS, next.as_deref(), shape.format)
}

/// The cursor of a report read as far as its page (access, non-synced):
/// where the page before ended, so a walk of it reads each line once; a
/// number (the line to start at) is still taken, as earlier releases gave.
fn take_start(q: &mut HashMap<String, String>) -> Result<Start, AccessError> {
    match q.remove("cursor") {
        None => Ok(Start::Offset(0)),
        Some(c) => Start::from_cursor(&c)
            .ok_or_else(|| AccessError::Invalid(format!("\"{c}\" is not a cursor of this report"))),
    }
}

/// `GET /reports/non-synced-access[?since=T]`: licensed access no synced
/// group explains.
pub async fn non_synced(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    req: HttpRequest,
) -> Result<HttpResponse, AccessError> {
    let mut q = query(&req)?;
    let start = take_start(&mut q)?;
    let (shape, _) = shape_of(q, true, &[])?;
    let (since, limit) = (shape.since, shape.limit);
    let page = state
        .store
        .read(move |conn| reports::non_synced_page(conn, since, &start, limit))
        .await?;
    let next = page.next.map(|s| s.to_cursor());
    export::page(
        &page.lines,
        NON_SYNCED_COLUMNS,
        next.as_deref(),
        shape.format,
    )
}

/// `GET /reports/licenses`: licenses per product, guests counted apart.
pub async fn licenses(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    req: HttpRequest,
) -> Result<HttpResponse, AccessError> {
    let (shape, _) = shape(&req, false, &[])?;
    respond(
        state.store.read(reports::licenses).await?,
        LICENSE_COLUMNS,
        &shape,
    )
}

/// `GET /reports/leavers`: persons no IdP lets in who still hold a role.
pub async fn leavers(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    req: HttpRequest,
) -> Result<HttpResponse, AccessError> {
    let (shape, _) = shape(&req, false, &[])?;
    respond(
        state.store.read(person_views::leavers).await?,
        LEAVER_COLUMNS,
        &shape,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::licensing::LicenseUse;

    /// The CSV header names every field of a line, in order, and no other.
    fn fields(line: impl Serialize) -> Vec<String> {
        let v = serde_json::to_value(line).unwrap();
        v.as_object().unwrap().keys().cloned().collect()
    }

    #[test]
    fn csv_columns_are_the_lines_fields() {
        let s = String::new;
        let cases: Vec<(Vec<String>, &[&str])> = vec![
            (
                fields(reports::AccessLine {
                    product: s(),
                    role: s(),
                    user: s(),
                    user_name: s(),
                    person: s(),
                    since: s(),
                    since_us: 0,
                    via: vec![],
                }),
                ACCESS_COLUMNS,
            ),
            (
                fields(reports::NonSyncedLine {
                    user: s(),
                    user_name: s(),
                    product: s(),
                    role: s(),
                    group_id: s(),
                    display_name: s(),
                    source: s(),
                    actor: s(),
                    since: s(),
                    break_glass_reason: None,
                }),
                NON_SYNCED_COLUMNS,
            ),
            (
                fields(reports::LicenseLine {
                    licenses: LicenseUse {
                        product: s(),
                        used: 0,
                        cap: None,
                    },
                    guests: 0,
                }),
                LICENSE_COLUMNS,
            ),
            (
                fields(person_views::Leaver {
                    person: s(),
                    email: None,
                    account: s(),
                    product: s(),
                    role: s(),
                }),
                LEAVER_COLUMNS,
            ),
        ];
        for (mut got, want) in cases {
            let mut want: Vec<String> = want.iter().map(|c| c.to_string()).collect();
            got.sort();
            want.sort();
            assert_eq!(got, want);
        }
    }
}

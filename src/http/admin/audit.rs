//! `/audit`: the audit log, filtered and paged, as JSON, JSON lines or CSV.

use actix_web::{web, HttpRequest, HttpResponse};

use super::export::{self, Format};
use crate::access::audit::{self, AuditFilter};
use crate::access::AccessError;
use crate::http::auth::AdminPrincipal;
use crate::http::rest::query;
use crate::http::state::AppState;

/// The CSV columns: an event's fields (before/after as JSON text).
pub(crate) const COLUMNS: &[&str] = &[
    "id",
    "time",
    "request_id",
    "actor_type",
    "actor",
    "directory",
    "action",
    "target_type",
    "target",
    "before",
    "after",
];

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
    let format = Format::take(&mut q)?;
    let limit = export::take_limit(&mut q)? as i64;
    let filter = AuditFilter {
        actor: q.remove("actor"),
        action: q.remove("action"),
        target: q.remove("target"),
        since: export::take_time(&mut q, "since")?,
        until: export::take_time(&mut q, "until")?,
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
    export::page(&page.events, COLUMNS, page.next_cursor.as_deref(), format)
}

//! Recording changes in the audit log, in the transaction of the change.

use serde_json::Value;

use super::WriteContext;
use crate::store::audit;
use crate::store::models::NewAuditEvent;
use crate::store::DbConn;

/// Which events a query asks for.
pub use crate::store::audit::AuditFilter;

/// What changed: the action name, the target, and its state before and after.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: &'a str,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Appends `change` to the audit log on `conn` (inside the caller's transaction).
pub fn record(
    conn: &mut DbConn,
    ctx: &WriteContext,
    change: Change<'_>,
) -> diesel::QueryResult<()> {
    audit::append(conn, &event(ctx, change))
}

/// The event `record` appends, for a store write that appends it itself
/// (`store::user_creates`).
pub fn event(ctx: &WriteContext, change: Change<'_>) -> NewAuditEvent {
    NewAuditEvent {
        occurred_at: ctx.now,
        request_id: ctx.request_id.clone(),
        actor_type: ctx.actor.kind.as_str().to_owned(),
        actor_id: ctx.actor.id.clone(),
        directory_id: Some(ctx.directory_id.clone()),
        action: change.action.to_owned(),
        target_type: change.target_type.to_owned(),
        target_id: change.target_id.to_owned(),
        before: change.before.map(|v| v.to_string()),
        after: change.after.map(|v| v.to_string()),
        actor_person: ctx.actor.person.clone(),
        actor_role: ctx.actor.held.as_ref().map(|h| h.role.as_str().to_owned()),
        actor_scope: ctx.actor.held.as_ref().map(|h| h.scope()),
    }
}

/// An audit event as auditors read it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditView {
    pub id: i64,
    pub time: String,
    pub request_id: Option<String>,
    pub actor_type: String,
    pub actor: String,
    /// The person behind the change (signed-in admin, or a token's owner).
    pub person: Option<String>,
    /// The admin role the change was made under, and its scope.
    pub role: Option<String>,
    pub scope: Option<String>,
    pub directory: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target: String,
    pub before: Value,
    pub after: Value,
}

impl From<crate::store::models::AuditEventRow> for AuditView {
    fn from(r: crate::store::models::AuditEventRow) -> Self {
        let parse = |t: Option<String>| {
            t.and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or(Value::Null)
        };
        AuditView {
            id: r.id,
            time: crate::scim::resource::format_time(r.occurred_at),
            request_id: r.request_id,
            actor_type: r.actor_type,
            actor: r.actor_id,
            person: r.actor_person,
            role: r.actor_role,
            scope: r.actor_scope,
            directory: r.directory_id,
            action: r.action,
            target_type: r.target_type,
            target: r.target_id,
            before: parse(r.before),
            after: parse(r.after),
        }
    }
}

/// A page of the audit log and the cursor of the next one.
#[derive(Debug, Clone)]
pub struct AuditPage {
    pub events: Vec<AuditView>,
    pub next_cursor: Option<String>,
}

/// A cursor is the last event id seen; ids only grow, so pages stay
/// consistent while events are appended.
fn decode_cursor(cursor: &str) -> Option<i64> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()?;
    std::str::from_utf8(&bytes)
        .ok()?
        .strip_prefix("audit:")?
        .parse()
        .ok()
}

fn encode_cursor(id: i64) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("audit:{id}"))
}

/// Events matching `filter`, `limit` at a time, from `cursor` on.
pub fn query(
    conn: &mut DbConn,
    filter: &audit::AuditFilter,
    cursor: Option<&str>,
    limit: i64,
) -> Result<AuditPage, super::AccessError> {
    let after = match cursor.filter(|c| !c.is_empty()) {
        Some(c) => decode_cursor(c)
            .ok_or_else(|| super::AccessError::Invalid("cursor is not one this API gave".into()))?,
        None => 0,
    };
    let rows = audit::query(conn, filter, after, limit)?;
    let next_cursor = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|r| encode_cursor(r.id)))
        .flatten();
    Ok(AuditPage {
        events: rows.into_iter().map(AuditView::from).collect(),
        next_cursor,
    })
}

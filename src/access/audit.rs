//! Recording changes in the audit log, in the transaction of the change.

use serde_json::Value;

use super::WriteContext;
use crate::store::audit;
use crate::store::models::NewAuditEvent;
use crate::store::DbConn;

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
    audit::append(
        conn,
        &NewAuditEvent {
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
        },
    )
}

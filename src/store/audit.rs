//! The append-only audit log: rows are inserted, never updated or deleted.

use diesel::prelude::*;

use super::conn::DbConn;
use super::models::{AuditEventRow, NewAuditEvent};
use super::schema::audit_events;

/// Appends one event (call inside the transaction of the change it records).
pub fn append(conn: &mut DbConn, event: &NewAuditEvent) -> QueryResult<()> {
    diesel::insert_into(audit_events::table)
        .values(event)
        .execute(conn)
        .map(drop)
}

/// Events about one target, oldest first.
pub fn for_target(conn: &mut DbConn, target_id: &str) -> QueryResult<Vec<AuditEventRow>> {
    audit_events::table
        .filter(audit_events::target_id.eq(target_id))
        .order(audit_events::id)
        .select(AuditEventRow::as_select())
        .load(conn)
}

/// What to look for in the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    /// An action, or a prefix of actions ending in `*` (`mapping.*`).
    pub action: Option<String>,
    pub target: Option<String>,
    /// Microseconds since the epoch, inclusive.
    pub since: Option<i64>,
    /// Microseconds since the epoch, exclusive.
    pub until: Option<i64>,
}

/// Events matching `filter` after event id `after`, oldest first.
pub fn query(
    conn: &mut DbConn,
    filter: &AuditFilter,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<AuditEventRow>> {
    let mut q = audit_events::table
        .filter(audit_events::id.gt(after))
        .into_boxed::<super::conn::MultiBackend>();
    if let Some(a) = &filter.actor {
        q = q.filter(audit_events::actor_id.eq(a.clone()));
    }
    if let Some(a) = &filter.action {
        q = match a.strip_suffix('*') {
            Some(prefix) => q.filter(
                audit_events::action
                    .like(format!("{}%", super::like::literal(prefix)))
                    .escape('\\'),
            ),
            None => q.filter(audit_events::action.eq(a.clone())),
        };
    }
    if let Some(t) = &filter.target {
        q = q.filter(audit_events::target_id.eq(t.clone()));
    }
    if let Some(s) = filter.since {
        q = q.filter(audit_events::occurred_at.ge(s));
    }
    if let Some(u) = filter.until {
        q = q.filter(audit_events::occurred_at.lt(u));
    }
    q.order(audit_events::id)
        .limit(limit)
        .select(AuditEventRow::as_select())
        .load(conn)
}

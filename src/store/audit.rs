//! The append-only audit log: rows are inserted, never updated or deleted.

use diesel::prelude::*;

use super::conn::DbConn;
use super::models::{AuditEventRow, NewAuditEvent};
use super::schema::audit_events;
use super::sql_fragment::SqlExpr;

/// Appends one event (call inside the transaction of the change it records).
pub fn append(conn: &mut DbConn, event: &NewAuditEvent) -> QueryResult<()> {
    diesel::insert_into(audit_events::table)
        .values(event)
        .execute(conn)
        .map(drop)
}

/// `sql` followed by an `INSERT` of `event` whose values are a `SELECT`
/// list, for a statement that appends the event in the same statement as
/// the change it records, once per row of what the caller writes next
/// (`FROM u`): on PostgreSQL a round trip fewer than `append`. Every value
/// is bound, so the statement's text stays the same.
pub(super) fn inserted_selecting(sql: SqlExpr, event: &NewAuditEvent) -> SqlExpr {
    sql.sql(
        "INSERT INTO audit_events (occurred_at, request_id, actor_type, actor_id, \
         directory_id, action, target_type, target_id, before, after, actor_person, actor_role, \
         actor_scope) SELECT ",
    )
    .bigint(event.occurred_at)
    .sql(", ")
    .nullable_text(event.request_id.clone())
    .sql(", ")
    .text(event.actor_type.as_str())
    .sql(", ")
    .text(event.actor_id.as_str())
    .sql(", ")
    .nullable_text(event.directory_id.clone())
    .sql(", ")
    .text(event.action.as_str())
    .sql(", ")
    .text(event.target_type.as_str())
    .sql(", ")
    .text(event.target_id.as_str())
    .sql(", ")
    .nullable_text(event.before.clone())
    .sql(", ")
    .nullable_text(event.after.clone())
    .sql(", ")
    .nullable_text(event.actor_person.clone())
    .sql(", ")
    .nullable_text(event.actor_role.clone())
    .sql(", ")
    .nullable_text(event.actor_scope.clone())
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

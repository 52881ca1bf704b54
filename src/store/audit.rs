//! The append-only audit log: rows are inserted, never updated or deleted.

use diesel::prelude::*;

use super::models::{AuditEventRow, NewAuditEvent};
use super::pool::DbConn;
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

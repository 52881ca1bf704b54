//! A user's row rewritten together with the audit event of the change.
//!
//! On PostgreSQL in one statement (the `UPDATE` and the event's `INSERT`
//! as a data-modifying CTE), where it was two round trips; SQLite runs the
//! two statements in turn, its calls being in-process. With the unlocked
//! read of `users::find_with_catalog_version` before it, a change to the
//! user's own row (a new title, manager or department: most of an IdP's
//! resync) is one statement outside any transaction
//! (`Store::write_in_one_statement`): the version in its `WHERE` makes it
//! change nothing when another write got there first, and it is retried.

use diesel::prelude::*;

use super::conn::{Backend, DbConn};
use super::error::StoreError;
use super::models::{NewAuditEvent, UserRow};
use super::sql_fragment::SqlExpr;
use super::{audit, users};

/// Writes `row` over `before` (which must be the stored version:
/// `row.version` is one more) and appends `event`. `Stale` when the
/// stored row is no longer `before` (nothing written); a userName taken
/// in the directory is a `Conflict`, as `users::update` reports it.
pub fn update_with_event(
    conn: &mut DbConn,
    before: &UserRow,
    row: &UserRow,
    event: &NewAuditEvent,
) -> Result<(), StoreError> {
    match conn.backend() {
        Backend::Postgres => {
            if in_one(row, event).execute(conn)? == 0 {
                return Err(StoreError::Stale);
            }
            Ok(())
        }
        Backend::Sqlite => {
            users::update(conn, before, row)?;
            audit::append(conn, event)?;
            Ok(())
        }
    }
}

/// The PostgreSQL statement. Every column a write may change is set,
/// changed or not, so the text is one and prepared once per connection:
/// PostgreSQL compares values, not the `SET` list, both for a HOT update
/// (no index entry written when no indexed value changed) and for the
/// triggers' `WHEN (OLD.… IS DISTINCT FROM NEW.…)`. The event is appended
/// once per row updated: none when the version had moved on.
fn in_one(row: &UserRow, event: &NewAuditEvent) -> SqlExpr {
    let statement = SqlExpr::fixed("WITH u AS (UPDATE users SET user_name = ")
        .text(row.user_name.as_str())
        .sql(", user_name_key = ")
        .text(row.user_name_key.as_str())
        .sql(", external_id = ")
        .nullable_text(row.external_id.clone())
        .sql(", display_name = ")
        .nullable_text(row.display_name.clone())
        .sql(", active = ")
        .boolean(row.active)
        .sql(", attributes = ")
        .text(row.attributes.as_str())
        .sql(", person_id = ")
        .nullable_text(row.person_id.clone())
        .sql(", version = ")
        .bigint(row.version)
        .sql(", updated_at = ")
        .bigint(row.updated_at)
        .sql(", portal_only = ")
        .boolean(row.portal_only)
        .sql(", suspended = ")
        .boolean(row.suspended)
        .sql(", email_verified = ")
        .boolean(row.email_verified)
        .sql(" WHERE id = ")
        .text(row.id.as_str())
        .sql(" AND version = ")
        .bigint(row.version - 1)
        .sql(" RETURNING id) ");
    audit::inserted_selecting(statement, event).sql(" FROM u")
}

//! Policy rows: the fields set at one scope, as JSON.

use diesel::prelude::*;

use super::conn::DbConn;
use super::models::PolicyRow;
use super::schema::policies;

/// The row of one scope (`org` or a site id), if any field was ever set there.
pub fn find(conn: &mut DbConn, scope: &str) -> QueryResult<Option<PolicyRow>> {
    policies::table
        .find(scope)
        .select(PolicyRow::as_select())
        .first(conn)
        .optional()
}

/// Writes the row of one scope.
pub fn save(conn: &mut DbConn, row: &PolicyRow) -> QueryResult<()> {
    let changed = diesel::update(policies::table.find(&row.scope))
        .set(row)
        .execute(conn)?;
    if changed == 0 {
        diesel::insert_into(policies::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// Every policy row (one per scope that set anything).
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<PolicyRow>> {
    policies::table
        .order(policies::scope)
        .select(PolicyRow::as_select())
        .load(conn)
}

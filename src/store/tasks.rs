//! One-off work a migration leaves for Rust to finish at the next start
//! (a row per task in `store_tasks`), for what SQL alone can't do.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;

use super::conn::DbConn;
use super::schema::store_tasks;

/// Whether the task is still to do.
pub fn pending(conn: &mut DbConn, name: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        store_tasks::table.filter(store_tasks::name.eq(name)),
    ))
    .get_result(conn)
}

/// Marks the task done.
pub fn done(conn: &mut DbConn, name: &str) -> QueryResult<()> {
    diesel::delete(store_tasks::table.filter(store_tasks::name.eq(name)))
        .execute(conn)
        .map(drop)
}

#[derive(QueryableByName)]
struct IndexName {
    #[diesel(sql_type = Text)]
    name: String,
}

/// Rebuilds every SQLite index on `lower(…)` once, after `lower()` began to
/// fold all of Unicode (migration 000009): entries written under the old,
/// ASCII-only function would otherwise be looked up under the new one.
pub(super) fn reindex_folded(conn: &mut DbConn) -> QueryResult<()> {
    if !matches!(conn, DbConn::Sqlite(_)) || !pending(conn, "reindex_folded")? {
        return Ok(());
    }
    let indexes: Vec<IndexName> = diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '%lower(%'",
    )
    .load(conn)?;
    for index in indexes {
        conn.batch_execute(&format!("REINDEX \"{}\"", index.name.replace('"', "\"\"")))?;
    }
    done(conn, "reindex_folded")
}

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

/// Fills in `user_emails.value_reversed` for the keys stored before it
/// existed (migration 000012: SQLite has no `reverse()`), all in one
/// transaction, before the server serves anything.
pub(super) fn reverse_email_keys(conn: &mut DbConn) -> QueryResult<()> {
    use super::schema::user_emails;
    if !matches!(conn, DbConn::Sqlite(_)) || !pending(conn, "reverse_email_keys")? {
        return Ok(());
    }
    super::write_lock::transaction(conn, |conn| {
        loop {
            // The keys still to do come first in the index (NULL sorts
            // first), so each round reads only them.
            let keys: Vec<(String, String)> = user_emails::table
                .filter(user_emails::value_reversed.is_null())
                .select((user_emails::user_id, user_emails::value_key))
                .limit(10_000)
                .load(conn)?;
            if keys.is_empty() {
                break;
            }
            for (user, key) in keys {
                diesel::update(
                    user_emails::table
                        .filter(user_emails::user_id.eq(&user))
                        .filter(user_emails::value_key.eq(&key)),
                )
                .set(user_emails::value_reversed.eq(super::users::reversed(&key)))
                .execute(conn)?;
            }
        }
        done(conn, "reverse_email_keys")
    })
}

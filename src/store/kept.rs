//! Updates kept prepared on their connection.
//!
//! Diesel prepares every `UPDATE` anew on each run: a changeset may skip
//! `None` fields, so it cannot know that the text stays the same. Preparing
//! is no small cost here. SQLite compiles every trigger on the table into
//! the statement (`users` has the kept counts' triggers), and PostgreSQL
//! parses and plans it again. In the hourly resync at 1M users, preparing
//! `users::update` was 23% of the writer thread's CPU.
//!
//! `update` writes the same statement diesel would, without marking it
//! unsafe to keep: it is prepared once per connection and found again by its
//! text, so a changeset whose text did vary would get a prepared statement
//! per text, never another's. It is for updates of a bounded number of
//! texts, since each stays prepared for the connection's life; a filter of
//! `IN (?, ?, …)` (SQLite's `eq_any` of a list) still marks itself, and is
//! prepared each time as before.

use diesel::backend::Backend;
use diesel::expression::AppearsOnTable;
use diesel::pg::Pg;
use diesel::query_builder::{AsChangeset, AstPass, QueryFragment, QueryId};
use diesel::sql_types::BoolOrNullableBool;
use diesel::sqlite::Sqlite;
use diesel::{Connection, QueryResult, Table};

use super::conn::DbConn;

/// `UPDATE from SET changes WHERE filter`.
struct KeptUpdate<F, C, W> {
    from: F,
    changes: C,
    filter: W,
}

impl<F, C, W> QueryId for KeptUpdate<F, C, W> {
    type QueryId = ();
    // Found again by its text, not by its type.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<F, C, W, DB> QueryFragment<DB> for KeptUpdate<F, C, W>
where
    DB: Backend,
    F: QueryFragment<DB>,
    C: QueryFragment<DB>,
    W: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("UPDATE ");
        self.from.walk_ast(out.reborrow())?;
        out.push_sql(" SET ");
        self.changes.walk_ast(out.reborrow())?;
        out.push_sql(" WHERE ");
        self.filter.walk_ast(out.reborrow())
    }
}

/// Updates the rows of `table` that match `filter` with `changes` (of a
/// fixed shape), on the connection's own backend, with the statement
/// prepared once per connection; returns how many rows changed.
pub fn update<T, C, W>(conn: &mut DbConn, table: T, changes: C, filter: W) -> QueryResult<usize>
where
    T: Table,
    T::FromClause: QueryFragment<Sqlite> + QueryFragment<Pg>,
    C: AsChangeset<Target = T>,
    C::Changeset: QueryFragment<Sqlite> + QueryFragment<Pg>,
    W: AppearsOnTable<T> + QueryFragment<Sqlite> + QueryFragment<Pg>,
    W::SqlType: BoolOrNullableBool,
{
    let statement = KeptUpdate {
        from: table.from_clause(),
        changes: changes.as_changeset(),
        filter,
    };
    match conn {
        DbConn::Sqlite(c) => c.execute_returning_count(&statement),
        DbConn::Postgres(c) => c.execute_returning_count(&statement),
    }
}

//! Write transactions that hold SQLite's write lock from their `BEGIN`
//! (`BEGIN IMMEDIATE`).
//!
//! A deferred `BEGIN` takes the lock at the transaction's first write,
//! after its first reads. If another connection holds the lock then (the
//! server's writer, the CLI, a second process on the file), SQLite answers
//! "database is locked" at once, without waiting `busy_timeout`: a
//! transaction that has read may not wait for a writer. Asked for at
//! `BEGIN`, the lock is waited for like any other. The server's writer met
//! it about once per resync at 1M users (a PATCH answered 500); the CLI met
//! it whenever the server was writing (`gatehouse product add` failed in
//! 12 ms). PostgreSQL's transactions begin as they always do.

use diesel::connection::{AnsiTransactionManager, Connection, TransactionManager};
use diesel::result::Error;

use super::conn::DbConn;

type Tm = <DbConn as Connection>::TransactionManager;

/// Begins a transaction holding the write lock already, on SQLite.
pub(super) fn begin(conn: &mut DbConn) -> diesel::QueryResult<()> {
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE"),
        DbConn::Postgres(_) => Tm::begin_transaction(conn),
    }
}

/// `Connection::transaction` begun with [`begin`]: `work` commits when it
/// succeeds and rolls back when it fails, whose error is then the one
/// reported (unless the rollback itself fails).
pub(super) fn transaction<T, E, F>(conn: &mut DbConn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<Error>,
{
    begin(conn)?;
    run_begun(conn, work)
}

/// The rest of [`transaction`], on a connection whose transaction has
/// begun (`Store::begin_write` begins it, on a new connection if the
/// pool's one had died).
pub(super) fn run_begun<T, E, F>(conn: &mut DbConn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<Error>,
{
    match work(conn) {
        Ok(value) => {
            Tm::commit_transaction(conn)?;
            Ok(value)
        }
        Err(failed) => match Tm::rollback_transaction(conn) {
            Ok(()) | Err(Error::BrokenTransactionManager) => Err(failed),
            Err(rollback) => Err(rollback.into()),
        },
    }
}

//! One server per SQLite file. Two `serve` processes on one file each run
//! their own group commit, so their writes collide: 49 of 200 group
//! PATCHes answered 500 "database is locked" in a probe. The server holds
//! an exclusive lock on a file beside the database (`<file>.lock`) for as
//! long as it runs, and a second one is refused at start. Operator
//! commands (`gatehouse directory create …`) take no lock: they make a few
//! short writes that wait their turn. PostgreSQL needs no such lock: any
//! number of instances share it, and migrations take an advisory lock
//! (`migrations::run_pending`).

use std::fs::{File, OpenOptions, TryLockError};

use super::conn::{sqlite_path, Backend};
use super::error::StoreError;

/// Serializes start-ups on one SQLite file (a server and an operator
/// command, or two commands, opened at once): each waits for the one
/// before to finish its migrations, then finds none left to run. Held
/// until dropped; `None` on PostgreSQL, where an advisory lock does this.
pub fn migrating(url: &str) -> Result<Option<File>, StoreError> {
    let Some(lock_path) = lock_path(url, "migrate.lock") else {
        return Ok(None);
    };
    let file = open(&lock_path)?;
    file.lock()
        .map_err(|e| StoreError::Config(format!("could not lock {lock_path}: {e}")))?;
    Ok(Some(file))
}

/// `<file>.<suffix>` beside a SQLite database file; `None` for
/// PostgreSQL and in-memory databases.
fn lock_path(url: &str, suffix: &str) -> Option<String> {
    let path = sqlite_path(url);
    let no_file = path.is_empty() || path == ":memory:" || path.starts_with("file::memory:");
    (Backend::from_url(url) == Backend::Sqlite && !no_file).then(|| format!("{path}.{suffix}"))
}

fn open(lock_path: &str) -> Result<File, StoreError> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock_path)
        .map_err(|e| StoreError::Config(format!("could not open {lock_path}: {e}")))
}

/// Held while the server runs; dropping it (or the process ending, even by
/// `kill -9`) frees the database for another server.
#[derive(Debug)]
pub struct InstanceLock {
    _file: Option<File>,
}

/// Claims the database at `url` for this server: on SQLite, its lock
/// file, refusing when another server holds it; on PostgreSQL, nothing.
pub fn claim(url: &str) -> Result<InstanceLock, StoreError> {
    let Some(lock_path) = lock_path(url, "lock") else {
        return Ok(InstanceLock { _file: None });
    };
    let path = sqlite_path(url);
    let file = open(&lock_path)?;
    match file.try_lock() {
        Ok(()) => Ok(InstanceLock { _file: Some(file) }),
        Err(TryLockError::WouldBlock) => Err(StoreError::Config(format!(
            "another Gatehouse server is running on {path} (it holds {lock_path}); \
             one server per SQLite file: stop the other, or use PostgreSQL to run several"
        ))),
        Err(TryLockError::Error(e)) => Err(StoreError::Config(format!(
            "could not lock {lock_path}: {e}"
        ))),
    }
}

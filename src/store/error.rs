//! Why a storage call failed, and which failures are worth a retry.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// Failures of the storage layer, before the HTTP layer maps them.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist (or belongs to another directory).
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write; the message names the constraint.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A row changed between this transaction's read and its write; the
    /// whole transaction is retried.
    #[error("concurrent update")]
    Stale,
    /// A database or driver error that says nothing about the request.
    #[error("database error: {0}")]
    Database(DieselError),
    /// No connection could be had from the pool in time.
    #[error("connection pool: {0}")]
    Pool(String),
    /// A URL or setting the store cannot use.
    #[error("configuration: {0}")]
    Config(String),
    /// Migrations failed to run.
    #[error("migrations: {0}")]
    Migration(String),
    /// The batch of writes this write was committed with failed to commit
    /// (or could not start); nothing of it was kept.
    #[error("commit failed: {0}")]
    Commit(String),
    /// The blocking task running the query panicked or was cancelled.
    #[error("blocking task failed: {0}")]
    Blocking(String),
    /// A read ran past the statement timeout and the database stopped it.
    #[error("the read ran past the statement timeout of {} ms", .0.as_millis())]
    Timeout(std::time::Duration),
}

impl From<DieselError> for StoreError {
    fn from(e: DieselError) -> Self {
        // A read stopped at its statement timeout fails with an error
        // diesel cannot name; the read's clock can (see `deadline`).
        if let DieselError::DatabaseError(DatabaseErrorKind::Unknown, _) = &e {
            if let Some(limit) = super::deadline::expired() {
                metrics::counter!("gatehouse_statement_timeouts_total").increment(1);
                return StoreError::Timeout(limit);
            }
        }
        match e {
            DieselError::NotFound => StoreError::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                StoreError::Conflict(info.constraint_name().unwrap_or(info.message()).to_owned())
            }
            other => StoreError::Database(other),
        }
    }
}

/// Result of a storage call.
pub type StoreResult<T> = Result<T, StoreError>;

/// Tries of a write transaction that keeps losing races to other writers.
pub const MAX_ATTEMPTS: u32 = 5;

/// Errors that can say "a concurrent writer won; run again".
pub trait IsStale {
    /// Whether this error is a lost race worth retrying.
    fn is_stale(&self) -> bool;
}

impl IsStale for StoreError {
    fn is_stale(&self) -> bool {
        matches!(self, StoreError::Stale)
    }
}

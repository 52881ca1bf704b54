//! Storage: the connection pools, the one `MultiConnection` over SQLite and
//! PostgreSQL, migrations, and the queries. The only layer that knows SQL.

pub mod admin_tokens;
pub mod analyze;
pub mod audit;
mod case_fold;
pub mod custom_schemas;
pub mod dialect;
pub mod directories;
pub mod entitlements;
pub mod group_commit;
pub mod groups;
pub mod guests;
pub mod invitations;
pub mod mappings;
pub mod memberships;
pub mod migrations;
pub mod models;
pub mod persons;
pub mod policies;
pub mod pool;
pub mod product_tokens;
pub mod products;
pub mod readers;
pub mod reports;
pub mod requests;
pub mod schema;
pub mod sql_filter;
pub mod sync_health;
pub mod tasks;
pub mod users;

use std::sync::Arc;

use diesel::result::{DatabaseErrorKind, Error as DieselError};

pub use dialect::Backend;
pub use pool::{DbConn, Store};

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
}

impl From<DieselError> for StoreError {
    fn from(e: DieselError) -> Self {
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

/// Shared handle to the store, cheap to clone into every worker.
pub type SharedStore = Arc<Store>;

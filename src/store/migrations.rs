//! Migrations, embedded per backend from folders with identical names.

use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::pool::DbConn;
use super::{StoreError, StoreResult};

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Applies every migration not yet applied to this database.
pub fn run_pending(conn: &mut DbConn) -> StoreResult<()> {
    let result = match conn {
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE).map(|_| ()),
        DbConn::Postgres(c) => c.run_pending_migrations(POSTGRES).map(|_| ()),
    };
    result.map_err(|e| StoreError::Migration(e.to_string()))
}

/// Reverts every applied migration (used by the up→down→up test).
pub fn revert_all(conn: &mut DbConn) -> StoreResult<()> {
    let result = match conn {
        DbConn::Sqlite(c) => c.revert_all_migrations(SQLITE).map(|_| ()),
        DbConn::Postgres(c) => c.revert_all_migrations(POSTGRES).map(|_| ()),
    };
    result.map_err(|e| StoreError::Migration(e.to_string()))
}

//! Migrations, embedded per backend from folders with identical names.

use diesel::connection::SimpleConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::conn::DbConn;
use super::error::{StoreError, StoreResult};

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// The PostgreSQL advisory lock migrations run under ("gate" in ASCII),
/// with the schema's hash as its second key, so deployments in other
/// schemas of one database don't wait for each other. Instances started
/// at once on a fresh database each applied the first migration, and all
/// but one exited on "already exists" (8 of 8 runs); the others now wait,
/// then find nothing left to apply.
const MIGRATION_LOCK: &str = "1734440037, hashtext(current_schema())";

/// Applies every migration not yet applied to this database. On SQLite
/// the caller holds `instance::migrating`, the file lock that does the
/// same.
pub fn run_pending(conn: &mut DbConn) -> StoreResult<()> {
    let result = match conn {
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE).map(|_| ()),
        DbConn::Postgres(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
                .map_err(StoreError::Database)?;
            let applied = c.run_pending_migrations(POSTGRES).map(|_| ());
            // A session lock outlives the transaction: free it on every path,
            // before the connection goes back to the pool.
            c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
                .map_err(StoreError::Database)?;
            applied
        }
    };
    result.map_err(|e| StoreError::Migration(e.to_string()))
}

/// Whether every migration of this build is applied (and no table the
/// migrations record was dropped).
pub fn is_current(conn: &mut DbConn) -> StoreResult<bool> {
    let pending = match conn {
        DbConn::Sqlite(c) => c.pending_migrations(SQLITE).map(|p| p.is_empty()),
        DbConn::Postgres(c) => c.pending_migrations(POSTGRES).map(|p| p.is_empty()),
    };
    pending.map_err(|e| StoreError::Migration(e.to_string()))
}

/// Reverts every applied migration (used by the up→down→up test).
pub fn revert_all(conn: &mut DbConn) -> StoreResult<()> {
    let result = match conn {
        DbConn::Sqlite(c) => c.revert_all_migrations(SQLITE).map(|_| ()),
        DbConn::Postgres(c) => c.revert_all_migrations(POSTGRES).map(|_| ()),
    };
    result.map_err(|e| StoreError::Migration(e.to_string()))
}

/// Applies pending migrations up to and including the one named `last`
/// (its folder name), leaving later ones pending: tests build a database
/// as an older release left it.
pub fn run_until(conn: &mut DbConn, last: &str) -> StoreResult<()> {
    fn step<C>(conn: &mut C, source: EmbeddedMigrations, last: &str) -> StoreResult<()>
    where
        C: MigrationHarness<C::Backend> + diesel::Connection,
    {
        let fail = |e: diesel_migrations::MigrationError| StoreError::Migration(e.to_string());
        let pending = conn
            .pending_migrations(source)
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        for migration in pending {
            let name = migration.name().to_string();
            conn.run_migration(&*migration)
                .map_err(|e| StoreError::Migration(e.to_string()))?;
            if name == last {
                return Ok(());
            }
        }
        Err(fail(
            diesel_migrations::MigrationError::UnknownMigrationVersion(
                diesel::migration::MigrationVersion::from(last.to_owned()),
            ),
        ))
    }
    match conn {
        DbConn::Sqlite(c) => step(c, SQLITE, last),
        DbConn::Postgres(c) => step(c, POSTGRES, last),
    }
}

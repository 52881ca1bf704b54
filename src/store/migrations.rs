//! Migrations, embedded per backend from folders with identical names.

use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::conn::DbConn;
use super::error::{StoreError, StoreResult};

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

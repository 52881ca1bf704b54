//! Storage, tested through the store and the running app on both databases.

mod audit;
mod big_writes;
mod bound_lists;
mod checkpoints;
mod concurrency;
mod group_catalog;
mod kept_arrivals;
mod kept_settle;
mod kept_totals;
mod kept_updates;
mod license_notes;
mod lost_connections;
mod migrations;
mod planned_writes;
mod plans;
mod postgres_tls;
mod sqlite_build;
mod user_creates;
mod user_updates;
mod worker_lookups;
mod write_lock;

/// A connection of diesel's own to the test database, without the store's
/// set-up (no Unicode `lower()`, no statement timeout): what an older
/// release, or a migration run by hand, would have used.
pub(super) fn bare_connection(url: &str) -> gatehouse::store::DbConn {
    use diesel::Connection;
    use gatehouse::store::{Backend, DbConn};
    match Backend::from_url(url) {
        Backend::Sqlite => DbConn::Sqlite(
            diesel::SqliteConnection::establish(gatehouse::store::conn::sqlite_path(url)).unwrap(),
        ),
        Backend::Postgres => DbConn::Postgres(diesel::PgConnection::establish(url).unwrap()),
    }
}

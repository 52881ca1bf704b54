//! SQLite's planner statistics, and getting them to every connection.
//!
//! Without statistics SQLite cannot tell a directory of a million users
//! from one of ten: `externalId eq "…"`, paged in `meta.created` order,
//! walked the whole directory through the creation-order index (200 ms at
//! 1M users; `emails.value eq` 80 ms, `displayName eq` 210 ms) instead of
//! finding the one user and sorting it (0.5 ms). So the writer refreshes them
//! (`PRAGMA optimize`, as SQLite advises for long-lived connections) when
//! the store opens and every [`WRITES_BETWEEN_REFRESHES`] writes.
//!
//! A connection reads the statistics when it loads the schema, and another
//! connection's `ANALYZE` does not make it load them again: readers kept
//! planning without statistics until restarted (`emails.value eq` 1.35 ms
//! against 0.16 ms at 20k users). So each refresh that changed them bumps a
//! generation, and a reader that sees a new generation reopens its
//! connection before its next read.
//!
//! PostgreSQL keeps its own statistics (autovacuum); nothing here runs there.

use std::sync::atomic::{AtomicU64, Ordering};

use diesel::connection::SimpleConnection;
use diesel::sql_types::Text;
use diesel::{QueryableByName, RunQueryDsl};

use super::pool::DbConn;

/// Writes between two refreshes.
pub const WRITES_BETWEEN_REFRESHES: usize = 10_000;

/// Which statistics the readers' connections should be planning with.
#[derive(Debug, Default)]
pub struct Statistics {
    generation: AtomicU64,
}

impl Statistics {
    /// Counts up each time a refresh changed the statistics.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Brings the statistics up to date where a table has grown or shrunk
    /// enough to matter. `PRAGMA optimize` is a no-op when nothing changed
    /// much and bounds its own `ANALYZE` work. A failure costs only plan
    /// quality, so it is logged, not raised.
    pub fn refresh(&self, conn: &mut DbConn) {
        let started = std::time::Instant::now();
        let before = fingerprint(conn);
        if let Err(e) = conn.batch_execute("PRAGMA optimize = 0x10002") {
            tracing::warn!(error = %e, "could not refresh the planner statistics");
            return;
        }
        if fingerprint(conn) != before {
            self.generation.fetch_add(1, Ordering::AcqRel);
            tracing::debug!(took = ?started.elapsed(), "planner statistics refreshed");
        }
    }
}

#[derive(QueryableByName)]
struct Stat {
    #[diesel(sql_type = Text)]
    line: String,
}

/// The statistics as text; empty before the first `ANALYZE` (the table
/// does not exist yet).
fn fingerprint(conn: &mut DbConn) -> Vec<String> {
    diesel::sql_query("SELECT tbl || ' ' || coalesce(idx, '') || ' ' || stat AS line FROM sqlite_stat1 ORDER BY 1")
        .load::<Stat>(conn)
        .map(|rows| rows.into_iter().map(|r| r.line).collect())
        .unwrap_or_default()
}

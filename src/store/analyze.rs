//! PostgreSQL: table statistics kept up with a growing database, and the
//! small tables that churn by design vacuumed ([`vacuum_churned`]), both
//! ahead of autovacuum.
//!
//! diesel keeps statements prepared, and after five executions on a
//! connection PostgreSQL may settle on a generic plan, costed with the
//! table's statistics at that moment. Made while `users` is new and nearly
//! empty, the generic plan of a `userName` lookup reads
//! `users_directory_display_name` on `directory_id` alone (any index that
//! starts with the directory looks as cheap as the unique one on an empty
//! table), and from then on each lookup walks the whole directory: one
//! benchmark run's lookups read 10.4 million index entries in 1,435 scans.
//! The plan stays until the table is next analyzed, which autovacuum does
//! up to a minute later. Planning every statement afresh
//! (`plan_cache_mode = force_custom_plan`) avoided it but made every read
//! three times as expensive at a million users (1,926–2,162 against
//! 5,648–6,508 lookups/s). So instead the store counts its writes and,
//! every [`WRITES_BETWEEN_CHECKS`], analyzes the tables that changed by
//! more than half their rows since their last analysis: for a growing
//! table, each time it has doubled. An `ANALYZE` invalidates the cached
//! plans on the table, on every connection, and they are planned again
//! with the new statistics.
//!
//! Why doubling, not autovacuum's 10%: a plan made from statistics a
//! table has since doubled past is what went wrong above; one made at 90%
//! of today's size is not. Analyzing at autovacuum's threshold during an
//! IdP's first sync analyzed `users` at every check up to 10,000 users
//! and every 10% after (8–10 times to 10,000 users, 120 ms each at the
//! end on PostgreSQL), ~14% of PostgreSQL's time in a 10,000-user first
//! sync; doubling analyzes it four times. Smaller changes to a table are
//! autovacuum's, which a production database keeps on.
//!
//! SQLite plans with fixed statistics instead (migration
//! `000005_planner_statistics`).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use diesel::connection::SimpleConnection;
use diesel::sql_types::Text;
use diesel::{QueryResult, QueryableByName, RunQueryDsl};

use super::conn::DbConn;

/// Committed writes between two looks at the tables' change counts.
pub const WRITES_BETWEEN_CHECKS: usize = 1_000;

/// Counts writes and says when the tables are due a look.
#[derive(Debug, Default)]
pub struct Analyzer {
    writes: AtomicUsize,
    checking: AtomicBool,
}

impl Analyzer {
    /// Counts one committed write. `true` means a check is due and nobody
    /// else is running one: the caller runs [`Analyzer::check`].
    pub fn count_write(&self) -> bool {
        let n = self.writes.fetch_add(1, Ordering::Relaxed) + 1;
        n.is_multiple_of(WRITES_BETWEEN_CHECKS)
            && self
                .checking
                .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
    }

    /// Analyzes the tables that are due (see [`analyze_grown_tables`]). A
    /// failure costs only plan quality until autovacuum gets there, so it
    /// is logged, not raised.
    pub fn check(&self, conn: Option<&mut DbConn>) {
        // Whatever happens below (a panic included), the next check can run.
        let _done = CheckDone(&self.checking);
        let Some(conn) = conn else {
            tracing::warn!("no connection to analyze the grown tables with");
            return;
        };
        match analyze_grown_tables(conn) {
            Ok(analyzed) if !analyzed.is_empty() => {
                tracing::debug!(?analyzed, "tables analyzed")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not analyze the grown tables"),
        }
    }
}

/// Clears the "check running" flag when dropped.
struct CheckDone<'a>(&'a AtomicBool);

impl Drop for CheckDone<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

#[derive(QueryableByName)]
struct Due {
    #[diesel(sql_type = Text)]
    name: String,
}

/// `ANALYZE`s each table of the current schema whose rows changed since its
/// last analysis by more than 50 rows plus half the table (a table that
/// only grew: it has doubled), and returns their names.
pub fn analyze_grown_tables(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    let due: Vec<Due> = diesel::sql_query(
        "SELECT relname::text AS name FROM pg_stat_user_tables \
         WHERE schemaname = current_schema() \
         AND n_mod_since_analyze > 50 + n_live_tup / 2 \
         ORDER BY relname",
    )
    .load(conn)?;
    for table in &due {
        conn.batch_execute(&format!("ANALYZE \"{}\"", table.name.replace('"', "\"\"")))?;
    }
    Ok(due.into_iter().map(|t| t.name).collect())
}

/// The tables whose rows come and go many times a minute by design: the
/// kept counts (`user_counts`, `value_counts`, `licenses`), where every
/// write adds a row of +/- and the upkeep folds them every few seconds,
/// and the licenses' notes, written and cleared inside one write. A few
/// hundred live rows each, read on hot paths (a capped product's use on
/// every member PATCH that adds to a group mapped to it, a page's total).
pub const CHURNED_TABLES: [&str; 4] = [
    "license_counts",
    "license_dirty",
    "user_counts",
    "user_value_counts",
];

/// `VACUUM`s each of [`CHURNED_TABLES`] that had more rows written since
/// its last vacuum than 1,000 plus its live ones, and returns their names.
/// Autovacuum looks at a table once a minute at most
/// (`autovacuum_naptime`), and only past a fifth of its rows dead; in that
/// minute a churned table gathers thousands of dead rows for every live
/// one, and each sum of a count scans them: a capped product's use was
/// read in 0.3 ms over 48 pages of dead rows where it is 0.07 ms over one.
/// The tables are small, so their vacuum is too; `SKIP_LOCKED` leaves a
/// table autovacuum holds. Counted in rows written (PostgreSQL 13's
/// `n_ins_since_vacuum`), not rows dead: a transaction left open elsewhere
/// keeps the dead rows from being removed, and a count of them would have
/// every tick vacuum again for nothing.
pub fn vacuum_churned(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    // Names from the fixed list above, never from input.
    let listed = CHURNED_TABLES.map(|t| format!("'{t}'")).join(", ");
    let due: Vec<Due> = diesel::sql_query(format!(
        "SELECT relname::text AS name FROM pg_stat_user_tables \
         WHERE schemaname = current_schema() AND relname IN ({listed}) \
         AND n_ins_since_vacuum > 1000 + n_live_tup"
    ))
    .load(conn)?;
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let tables: Vec<&str> = CHURNED_TABLES
        .into_iter()
        .filter(|t| due.iter().any(|d| d.name == *t))
        .collect();
    conn.batch_execute(&format!("VACUUM (SKIP_LOCKED) {}", tables.join(", ")))?;
    Ok(tables.into_iter().map(str::to_owned).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_falls_due_every_thousand_writes_one_at_a_time() {
        let analyzer = Analyzer::default();
        let due = |from: usize, to: usize| -> Vec<usize> {
            (from..=to).filter(|_| analyzer.count_write()).collect()
        };
        assert_eq!(
            due(1, 2_000),
            vec![1_000],
            "the check at 2,000 waits for the one running"
        );
        analyzer.check(None);
        assert_eq!(due(2_001, 3_000), vec![3_000]);
    }
}

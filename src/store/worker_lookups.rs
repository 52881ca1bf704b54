//! The one-statement lookups of PostgreSQL (`user_lookup`: a `userName eq`
//! lookup, a read by id) sent from the HTTP worker that serves them, over
//! a connection of the worker's own that tokio-postgres drives without
//! blocking, instead of handed to a reader thread.
//!
//! A reader thread costs a lookup two hops: the worker wakes the reader,
//! the reader wakes the worker with the answer, each a futex or an eventfd
//! and a context switch. At 1M users a lookup cost the server 124 us of CPU
//! and PostgreSQL 27.5 us; a profile of the server put 20% of it in the
//! scheduler (bench/results/2026-12-07T040000Z-one-statement-settle). Here
//! the worker writes the statement, serves other requests while PostgreSQL
//! answers, and reads the answer when its event loop says it came. A
//! worker's lookups share its connection, pipelined; it opens another
//! only when that one is stuck (`MOST_PER_WORKER`).
//!
//! Only what needs nothing else is answered here: the statement's row, and
//! its groups as the catalog keeps them (`group_catalog::resolve_kept`).
//! Anything else is left to the readers as before (`None`): no connection
//! open yet, or the one used lost; a group the catalog does not keep; any error
//! (a read changes nothing, so asking again is safe, and the readers say
//! what an error means). The connection is opened only where the readers
//! connect without TLS, to a database on this host (`loopback_tls`); with
//! TLS every lookup goes to the readers, as before.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use tokio_postgres::config::SslMode;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, Config, NoTls, Row, Statement};

use super::group_catalog::GroupCatalog;
use super::opener::ConnectionOpener;

/// How long a worker's connection may take to open (and set up).
const OPEN_WITHIN: Duration = Duration::from_secs(10);

/// How long after a failed open a worker tries again.
const RETRY_OPEN_AFTER: Duration = Duration::from_secs(5);

/// Most connections one worker opens. A connection answers its
/// statements in turn, so one lookup that waits (on the disk, on a lock)
/// holds up every lookup sent after it on that connection: a worker whose
/// every connection has been stuck for `STALLED_AFTER` sends its next
/// lookups to the readers (whose connections run side by side) and opens
/// another, up to this many.
const MOST_PER_WORKER: usize = 4;

/// How long a connection may go without answering a statement it was
/// sent before it counts as stuck.
const STALLED_AFTER: Duration = Duration::from_millis(2);

/// The workers' connections of one store, by worker thread.
pub struct WorkerLookups {
    opener: ConnectionOpener,
    statement_timeout: Option<Duration>,
    /// The readers' catalog of groups: a lookup uses what they keep.
    catalog: Arc<GroupCatalog>,
    /// How the workers connect, once the readers' URL is decided.
    config: OnceLock<Option<Config>>,
    /// Each worker thread's connections.
    lanes: Mutex<HashMap<ThreadId, Lanes>>,
}

/// One worker's connections.
#[derive(Default)]
struct Lanes {
    open: Vec<Arc<Open>>,
    opening: bool,
    /// When its last open failed.
    failed_at: Option<Instant>,
}

/// An open connection of a worker.
struct Open {
    client: Client,
    progress: Progress,
    /// Statements prepared on this connection, by name.
    prepared: Mutex<HashMap<&'static str, Statement>>,
}

/// A statement a worker may run: its name, its text (with `$1`, `$2`…),
/// and the number of its text parameters.
pub struct Lookup {
    pub name: &'static str,
    pub text: fn() -> String,
    pub texts: usize,
}

impl WorkerLookups {
    pub(super) fn new(
        opener: ConnectionOpener,
        statement_timeout: Option<Duration>,
        catalog: Arc<GroupCatalog>,
    ) -> WorkerLookups {
        WorkerLookups {
            opener,
            statement_timeout,
            catalog,
            config: OnceLock::new(),
            lanes: Mutex::default(),
        }
    }

    pub(super) fn catalog(&self) -> &GroupCatalog {
        &self.catalog
    }

    fn lanes(&self) -> MutexGuard<'_, HashMap<ThreadId, Lanes>> {
        // Each change under the lock leaves the lanes whole.
        self.lanes.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The row `lookup` finds with `params`, if any, read on one of this
    /// thread's connections; `None` when this thread has none open (its
    /// first lookup starts opening one), when each is stuck (see
    /// `open_here`), or when the statement failed (that connection is
    /// then dropped, and another opened by a later lookup).
    pub(super) async fn row(
        self: &Arc<Self>,
        lookup: &Lookup,
        params: &[Option<&str>],
    ) -> Option<Option<Row>> {
        let open = self.open_here()?;
        let _sent = InFlight::on(&open.progress);
        let found = async {
            let statement = open.statement(lookup).await?;
            let params: Vec<&(dyn ToSql + Sync)> =
                params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
            open.client.query_opt(&statement, &params).await
        }
        .await;
        match found {
            Ok(row) => {
                worker_lookup_metrics().answered.increment(1);
                Some(row)
            }
            Err(e) => {
                tracing::debug!(error = %e, "a lookup on the worker's connection failed; a reader answers it");
                worker_lookup_metrics().failed.increment(1);
                self.forget(&open);
                None
            }
        }
    }

    /// This thread's first open connection that is not stuck, if any;
    /// when there is none (none open yet, or each stuck) another starts to
    /// open, unless one is opening, there are `MOST_PER_WORKER`, or the
    /// last open failed less than `RETRY_OPEN_AFTER` ago. The first
    /// usable one, not the least busy: statements pipelined on one
    /// connection cost PostgreSQL less than the same spread over several
    /// (measured: `bench/results/2026-12-07T061500Z-worker-lookups`).
    fn open_here(self: &Arc<Self>) -> Option<Arc<Open>> {
        let here = thread::current().id();
        let mut all = self.lanes();
        let lanes = all.entry(here).or_default();
        lanes.open.retain(|o| !o.client.is_closed());
        if let Some(usable) = lanes
            .open
            .iter()
            .find(|o| !o.progress.stalled(Instant::now()))
        {
            return Some(usable.clone());
        }
        let may_open = !lanes.opening
            && lanes.open.len() < MOST_PER_WORKER
            && lanes
                .failed_at
                .is_none_or(|at| at.elapsed() >= RETRY_OPEN_AFTER);
        if !may_open {
            return None;
        }
        let config = self.config()?;
        // A worker runs one runtime on its own thread: the connection is
        // driven by the event loop of the thread that uses it.
        let runtime = tokio::runtime::Handle::try_current().ok()?;
        lanes.opening = true;
        drop(all);
        let this = Arc::clone(self);
        runtime.spawn(async move {
            // Bounded, so that a connection attempt that never ends does
            // not leave the worker "opening" for good.
            let opened = tokio::time::timeout(OPEN_WITHIN, this.open(config)).await;
            let mut all = this.lanes();
            let lanes = all.entry(here).or_default();
            lanes.opening = false;
            match opened {
                Ok(Ok(open)) => {
                    lanes.failed_at = None;
                    lanes.open.push(Arc::new(open));
                }
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "could not open a worker's PostgreSQL connection; its lookups go to the readers");
                    lanes.failed_at = Some(Instant::now());
                }
                Err(_) => {
                    tracing::warn!(
                        "a worker's PostgreSQL connection did not open within {} s; its lookups go to the readers",
                        OPEN_WITHIN.as_secs()
                    );
                    lanes.failed_at = Some(Instant::now());
                }
            }
        });
        None
    }

    /// How a worker connects; `None` unless the readers connect to this
    /// host without TLS (`read_config` says the rest).
    fn config(&self) -> Option<Config> {
        let url = self.opener.on_this_host()?;
        self.config.get_or_init(|| read_config(url)).clone()
    }

    async fn open(&self, config: Config) -> Result<Open, tokio_postgres::Error> {
        let (client, connection) = config.connect(NoTls).await?;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "a worker's PostgreSQL connection ended");
            }
        });
        if let Some(limit) = self.statement_timeout {
            client
                .batch_execute(&super::deadline::postgres_setting(limit))
                .await?;
        }
        Ok(Open {
            client,
            progress: Progress::new(Instant::now()),
            prepared: Mutex::default(),
        })
    }

    /// Drops `open` from this thread's connections.
    fn forget(&self, open: &Arc<Open>) {
        if let Some(lanes) = self.lanes().get_mut(&thread::current().id()) {
            lanes.open.retain(|o| !Arc::ptr_eq(o, open));
        }
    }
}

/// The readers' URL as the workers' client reads it, without TLS and
/// named apart from the readers in `pg_stat_activity`; `None` when the
/// client cannot read the URL (a libpq parameter it does not know).
fn read_config(url: &str) -> Option<Config> {
    match Config::from_str(url) {
        Ok(mut config) => {
            config.ssl_mode(SslMode::Disable);
            let name = config
                .get_application_name()
                .map_or_else(|| "gatehouse".to_owned(), str::to_owned);
            config.application_name(format!("{name} (lookups)"));
            Some(config)
        }
        Err(e) => {
            tracing::info!(error = %e, "lookups go to the readers: the database URL has a parameter the workers' client does not read");
            None
        }
    }
}

/// A connection's statements in flight, and when it last answered one or
/// was sent one while it had none: while it has statements in flight, how
/// long the first of them has waited at least.
struct Progress(Mutex<(usize, Instant)>);

impl Progress {
    fn new(now: Instant) -> Progress {
        Progress(Mutex::new((0, now)))
    }

    fn lock(&self) -> MutexGuard<'_, (usize, Instant)> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn sent(&self, now: Instant) {
        let mut progress = self.lock();
        if progress.0 == 0 {
            progress.1 = now;
        }
        progress.0 += 1;
    }

    /// A statement answered, or given up by its caller.
    fn answered(&self, now: Instant) {
        let mut progress = self.lock();
        *progress = (progress.0.saturating_sub(1), now);
    }

    /// Whether it has statements in flight and has answered none of them
    /// for `STALLED_AFTER`.
    fn stalled(&self, now: Instant) -> bool {
        let (in_flight, at) = *self.lock();
        in_flight > 0 && now.saturating_duration_since(at) >= STALLED_AFTER
    }
}

/// A statement sent on a connection, until it is answered (or given up).
struct InFlight<'a>(&'a Progress);

impl InFlight<'_> {
    fn on(progress: &Progress) -> InFlight<'_> {
        progress.sent(Instant::now());
        InFlight(progress)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.answered(Instant::now());
    }
}

impl Open {
    /// `lookup`'s statement, prepared on first use.
    async fn statement(&self, lookup: &Lookup) -> Result<Statement, tokio_postgres::Error> {
        let kept = self
            .prepared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(lookup.name)
            .cloned();
        if let Some(statement) = kept {
            return Ok(statement);
        }
        let types = vec![Type::TEXT; lookup.texts];
        let statement = self.client.prepare_typed(&(lookup.text)(), &types).await?;
        self.prepared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(lookup.name, statement.clone());
        Ok(statement)
    }
}

/// Statements answered on a worker's connection, and those that failed
/// there (their lookups then go to the readers).
struct WorkerLookupMetrics {
    answered: metrics::Counter,
    failed: metrics::Counter,
}

fn worker_lookup_metrics() -> &'static WorkerLookupMetrics {
    static METRICS: std::sync::OnceLock<WorkerLookupMetrics> = std::sync::OnceLock::new();
    METRICS.get_or_init(|| WorkerLookupMetrics {
        answered: metrics::counter!("gatehouse_worker_lookups_total", "outcome" => "answered"),
        failed: metrics::counter!("gatehouse_worker_lookups_total", "outcome" => "failed"),
    })
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::{read_config, Progress};

    #[test]
    fn a_connection_is_stuck_when_it_answers_nothing_in_flight_for_a_while() {
        // (what happens at which millisecond; whether it is stuck after)
        enum Step {
            Sent(u64),
            Answered(u64),
            Stuck(u64, bool),
        }
        use Step::*;
        let cases: &[(&str, &[Step])] = &[
            ("idle", &[Stuck(0, false), Stuck(1_000, false)]),
            (
                "one statement",
                &[
                    Sent(0),
                    Stuck(1, false),
                    Stuck(2, true),
                    Answered(3),
                    Stuck(60, false),
                ],
            ),
            (
                "sent after a long idle time: its wait counts from its send",
                &[Sent(500), Stuck(501, false), Stuck(502, true)],
            ),
            (
                "pipelined, each answered in time",
                &[
                    Sent(0),
                    Sent(1),
                    Answered(1),
                    Stuck(2, false),
                    Sent(2),
                    Answered(3),
                    Stuck(4, false),
                    Stuck(5, true),
                    Answered(5),
                    Answered(5),
                    Stuck(90, false),
                ],
            ),
            (
                "a later send does not hide the first one's wait",
                &[Sent(0), Sent(3), Stuck(3, true)],
            ),
        ];
        for (name, steps) in cases {
            let start = Instant::now();
            let at = |ms: &u64| start + Duration::from_millis(*ms);
            let progress = Progress::new(start);
            for step in steps.iter() {
                match step {
                    Sent(ms) => progress.sent(at(ms)),
                    Answered(ms) => progress.answered(at(ms)),
                    Stuck(ms, stuck) => {
                        assert_eq!(progress.stalled(at(ms)), *stuck, "{name} at {ms} ms")
                    }
                }
            }
        }
    }

    #[test]
    fn the_workers_read_the_readers_url_without_tls_and_named_apart() {
        // (url, the application name the workers' connections carry;
        // None: the client cannot read the URL, lookups go to the readers)
        let cases: &[(&str, Option<&str>)] = &[
            (
                "postgres://postgres@127.0.0.1:5432/test",
                Some("gatehouse (lookups)"),
            ),
            (
                "postgres://u:p%40ss@localhost/db?options=-csearch_path%3Dx",
                Some("gatehouse (lookups)"),
            ),
            (
                "postgresql://u@[::1]/db?application_name=idp-sync&connect_timeout=5",
                Some("idp-sync (lookups)"),
            ),
            // libpq parameters the client does not know.
            ("postgres://u@127.0.0.1/db?service=gatehouse", None),
            (
                "postgres://u@127.0.0.1/db?fallback_application_name=x",
                None,
            ),
            ("postgres://u@127.0.0.1/db?sslmode=allow", None),
        ];
        for (url, name) in cases {
            let config = read_config(url);
            assert_eq!(
                config.as_ref().and_then(|c| c.get_application_name()),
                *name,
                "{url}"
            );
            if let Some(config) = config {
                assert_eq!(
                    config.get_ssl_mode(),
                    tokio_postgres::config::SslMode::Disable,
                    "{url}"
                );
            }
        }
    }
}

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
//! A `userName eq` lookup (an IdP's resync sends one for every user) goes
//! in a batch ([`Batched`]): the lookups a worker is asked while the
//! connection answers the last batch wait for it, then go together as one
//! statement. PostgreSQL spends per statement what it spends per lookup
//! (starting and ending the executor, the transaction, a send): at 1M
//! users three lookups in one statement answered 2.3 times as many a
//! second as three statements (`pgbench`, 8 clients,
//! `bench/results/2026-12-07T142000Z-batched-lookups`).
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

use tokio::sync::{mpsc, oneshot};
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

/// Most lookups in one batch: a bound on the statement's arrays.
const MOST_PER_BATCH: usize = 64;

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
    /// Shared with the tasks that send its batches (`answer_in_batches`),
    /// which end when this is dropped.
    client: Arc<Client>,
    progress: Progress,
    /// Statements prepared on this connection, by name.
    prepared: Mutex<HashMap<&'static str, Statement>>,
    /// Where the lookups of each batched statement wait for their batch,
    /// by the statement's name.
    batches: Mutex<HashMap<&'static str, mpsc::UnboundedSender<Asked>>>,
}

/// A statement a worker may run: its name, its text (with `$1`, `$2`…),
/// and the number of its text parameters.
pub struct Lookup {
    pub name: &'static str,
    pub text: fn() -> String,
    pub texts: usize,
}

/// A lookup by two values sent in batches: its statement takes the
/// batch's first values as `$1` and its second as `$2`, two arrays of
/// text in the lookups' order, and answers each row found with the place
/// (from 1) of the lookup it answers as its first column. A lookup finds
/// at most one row (its key is unique).
pub struct Batched {
    pub name: &'static str,
    pub text: fn() -> String,
}

/// What a batched lookup is answered: its row if any, or why its batch
/// failed.
type Answer = Result<Option<Row>, Arc<str>>;

/// A lookup waiting for its batch.
struct Asked {
    values: [String; 2],
    answer: oneshot::Sender<Answer>,
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
        self.outcome(&open, found)
    }

    /// The row `batched` finds with `values`, as `row` does, sent in the
    /// connection's next batch of such lookups.
    pub(super) async fn row_batched(
        self: &Arc<Self>,
        batched: &'static Batched,
        values: [&str; 2],
    ) -> Option<Option<Row>> {
        let open = self.open_here()?;
        let _sent = InFlight::on(&open.progress);
        let (answer, answered) = oneshot::channel();
        let asked = Asked {
            values: values.map(str::to_owned),
            answer,
        };
        // No runtime to send batches from, or the task gone with it (the
        // worker stopping): the readers answer.
        open.batches_of(batched)?.send(asked).ok()?;
        let found = answered.await.ok()?;
        self.outcome(&open, found)
    }

    /// A lookup's outcome on `open`, counted: its row (or none), or `None`
    /// for a reader to answer it, the connection then dropped.
    fn outcome<E: std::fmt::Display>(
        &self,
        open: &Arc<Open>,
        found: Result<Option<Row>, E>,
    ) -> Option<Option<Row>> {
        match found {
            Ok(row) => {
                worker_lookup_metrics().answered.increment(1);
                Some(row)
            }
            Err(e) => {
                tracing::debug!(error = %e, "a lookup on the worker's connection failed; a reader answers it");
                worker_lookup_metrics().failed.increment(1);
                self.forget(open);
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
        // Each statement here finds its rows by a unique key, and its one
        // plan is that key's index. Left to choose, PostgreSQL plans a
        // batch again at every execution: a plan made for its arrays'
        // lengths always looks cheaper than one made for any length.
        client
            .batch_execute("SET plan_cache_mode = force_generic_plan")
            .await?;
        Ok(Open {
            client: Arc::new(client),
            progress: Progress::new(Instant::now()),
            prepared: Mutex::default(),
            batches: Mutex::default(),
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

    /// Where `batched`'s lookups wait for their batch on this connection;
    /// its task (`answer_in_batches`) starts on the first, on the calling
    /// worker's runtime. `None` outside a runtime.
    fn batches_of(&self, batched: &'static Batched) -> Option<mpsc::UnboundedSender<Asked>> {
        let mut all = self.batches.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(waiting) = all.get(batched.name) {
            return Some(waiting.clone());
        }
        let runtime = tokio::runtime::Handle::try_current().ok()?;
        let (waiting, asked) = mpsc::unbounded_channel();
        runtime.spawn(answer_in_batches(Arc::clone(&self.client), batched, asked));
        all.insert(batched.name, waiting.clone());
        Some(waiting)
    }
}

/// Sends `batched`'s lookups, as they are asked, in batches: the first
/// one waiting and every other waiting with it (up to `MOST_PER_BATCH`),
/// then, once PostgreSQL has answered, those asked meanwhile. Ends when
/// the connection's `Open` is dropped (and with it every sender).
async fn answer_in_batches(
    client: Arc<Client>,
    batched: &'static Batched,
    mut asked: mpsc::UnboundedReceiver<Asked>,
) {
    let mut statement = None;
    while let Some(first) = asked.recv().await {
        let mut batch = vec![first];
        while batch.len() < MOST_PER_BATCH {
            match asked.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        worker_lookup_metrics().batches.increment(1);
        let found = send_batch(&client, batched, &mut statement, &batch).await;
        answer(batch, found.map_err(|e| e.to_string()));
    }
}

/// One batch's statement (prepared on the first).
async fn send_batch(
    client: &Client,
    batched: &Batched,
    statement: &mut Option<Statement>,
    batch: &[Asked],
) -> Result<Vec<Row>, tokio_postgres::Error> {
    let prepared = match statement {
        Some(kept) => kept.clone(),
        None => {
            let types = [Type::TEXT_ARRAY, Type::TEXT_ARRAY];
            let made = client.prepare_typed(&(batched.text)(), &types).await?;
            statement.insert(made).clone()
        }
    };
    let firsts: Vec<&str> = batch.iter().map(|a| a.values[0].as_str()).collect();
    let seconds: Vec<&str> = batch.iter().map(|a| a.values[1].as_str()).collect();
    client.query(&prepared, &[&firsts, &seconds]).await
}

/// Gives each lookup of `batch` its row, or none; when the batch failed,
/// or a row does not say which lookup it answers (no place, a place out
/// of the batch, or one answered twice), each lookup its failure, for a
/// reader to answer: no lookup is told "none" on a doubt.
fn answer(batch: Vec<Asked>, found: Result<Vec<Row>, String>) {
    let placed = found.and_then(|rows| placed(batch.len(), rows));
    match placed {
        Ok(rows) => {
            for (asked, row) in batch.into_iter().zip(rows) {
                // The asker may have gone (its request dropped).
                let _ = asked.answer.send(Ok(row));
            }
        }
        Err(why) => {
            let why: Arc<str> = why.into();
            for asked in batch {
                let _ = asked.answer.send(Err(Arc::clone(&why)));
            }
        }
    }
}

/// The rows of a batch of `size` lookups in the lookups' order (`None`
/// for a lookup none answers).
fn placed(size: usize, rows: Vec<Row>) -> Result<Vec<Option<Row>>, String> {
    let mut placed: Vec<Option<Row>> = (0..size).map(|_| None).collect();
    for row in rows {
        let place: i64 = row.try_get(0).map_err(|e| e.to_string())?;
        let slot = usize::try_from(place)
            .ok()
            .and_then(|p| p.checked_sub(1))
            .and_then(|i| placed.get_mut(i))
            .ok_or_else(|| format!("a row answers lookup {place} of a batch of {size}"))?;
        if slot.replace(row).is_some() {
            return Err(format!("two rows answer lookup {place} of a batch"));
        }
    }
    Ok(placed)
}

/// Lookups answered on a worker's connection, and those that failed
/// there (a reader then answers them).
struct WorkerLookupMetrics {
    answered: metrics::Counter,
    failed: metrics::Counter,
    /// Batches sent (`Batched`): the lookups answered over the batches
    /// say how many a batch carries.
    batches: metrics::Counter,
}

fn worker_lookup_metrics() -> &'static WorkerLookupMetrics {
    static METRICS: std::sync::OnceLock<WorkerLookupMetrics> = std::sync::OnceLock::new();
    METRICS.get_or_init(|| WorkerLookupMetrics {
        answered: metrics::counter!("gatehouse_worker_lookups_total", "outcome" => "answered"),
        failed: metrics::counter!("gatehouse_worker_lookups_total", "outcome" => "failed"),
        batches: metrics::counter!("gatehouse_worker_lookup_batches_total"),
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

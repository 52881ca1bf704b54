//! Connection pools and the one helper that runs blocking diesel work off
//! the async workers.

use std::time::Duration;

use diesel::r2d2::{Pool, PooledConnection};
use diesel::Connection;

use super::analyze::Analyzer;
use super::checkpointer::Checkpointer;
use super::conn::{is_dead, Backend, DbConn};
use super::error::{IsStale, MAX_ATTEMPTS};
use super::error::{StoreError, StoreResult};
use super::group_commit::GroupCommit;
use super::opener::ConnectionOpener;
use super::probe::{Probe, Readiness};
use super::readers::{ReaderConnection, Readers};
use super::worker_lookups::WorkerLookups;
use super::write_reach::Reach;

type DbPool = Pool<ConnectionOpener>;

/// The database: reader threads for reads (`readers`) and a pool for
/// writes.
///
/// SQLite allows one writer at a time; giving writes a pool of one connection
/// queues them in the pool instead of failing with `SQLITE_BUSY`, while WAL
/// lets the readers run beside it.
pub struct Store {
    backend: Backend,
    readers: Readers,
    write: DbPool,
    /// Opens a write connection in place of one found dead (`begin_write`).
    opener: ConnectionOpener,
    /// SQLite's writes go through group commit (see `group_commit`);
    /// PostgreSQL runs concurrent write transactions and syncs them itself.
    committer: Option<GroupCommit>,
    /// SQLite: checkpoints the WAL off the write path (see `checkpointer`).
    checkpointer: Option<Checkpointer>,
    /// PostgreSQL: analyzes tables as they grow (see `analyze`).
    analyzer: Analyzer,
    /// Readiness, on a connection of its own (see `probe`).
    probe: std::sync::Arc<Probe>,
    /// PostgreSQL: lookups sent from the HTTP workers (`worker_lookups`).
    worker_lookups: Option<std::sync::Arc<WorkerLookups>>,
}

/// Pool sizes and waits.
#[derive(Debug, Clone)]
pub struct PoolOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    /// How long one read may run before the database stops it
    /// (`deadline`); `None`: unlimited.
    pub statement_timeout: Option<Duration>,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(30),
            statement_timeout: Some(Duration::from_secs(30)),
        }
    }
}

/// Opens one connection to the database at `url`, as the URL says, and
/// closes it: whether it can be reached now, answered as fast as the
/// database (or the network) refuses, unlike a pool that waits out its
/// timeout.
pub fn reachable(url: &str) -> StoreResult<()> {
    ConnectionOpener::as_written(url)
        .open()
        .map(drop)
        .map_err(|e| StoreError::Pool(format!("could not connect: {e}")))
}

impl Store {
    /// Connects to the database named by `url` and runs pending migrations.
    pub fn open(url: &str, options: &PoolOptions) -> StoreResult<Store> {
        let opener = ConnectionOpener::new(url);
        let backend = opener.backend();
        let build = |size: u32, opener: ConnectionOpener| {
            Pool::builder()
                .max_size(size)
                .min_idle(Some(1))
                // A PostgreSQL connection can die with its server, but is not
                // checked (`SELECT 1`) when taken from the pool: that was a
                // round trip on every write. A write whose `BEGIN` fails on
                // a dead one gets a new one (`begin_write`). A SQLite
                // connection is an open file and cannot die.
                .test_on_check_out(false)
                .connection_timeout(options.acquire_timeout)
                .build(opener)
                .map_err(|e| StoreError::Pool(e.to_string()))
        };
        let readers = Readers::start(
            options.max_connections.max(1),
            opener.clone(),
            options.acquire_timeout,
            options.statement_timeout,
        )
        .map_err(|e| StoreError::Pool(format!("could not start the readers: {e}")))?;
        let write = match backend {
            Backend::Sqlite => build(1, opener.for_writes())?,
            Backend::Postgres => build(options.max_connections.max(1), opener.clone())?,
        };
        let checkpointer =
            match backend {
                Backend::Sqlite => Some(Checkpointer::start(opener.clone()).map_err(|e| {
                    StoreError::Pool(format!("could not start the checkpointer: {e}"))
                })?),
                Backend::Postgres => None,
            };
        let committer = match &checkpointer {
            Some(checkpointer) => Some(
                GroupCommit::start(write.clone(), checkpointer.clone())
                    .map_err(|e| StoreError::Pool(format!("could not start the writer: {e}")))?,
            ),
            None => None,
        };
        let worker_lookups = (backend == Backend::Postgres).then(|| {
            std::sync::Arc::new(WorkerLookups::new(
                opener.clone(),
                options.statement_timeout,
                readers.catalog(),
            ))
        });
        let store = Store {
            backend,
            readers,
            write,
            opener: opener.clone(),
            committer,
            checkpointer,
            analyzer: Analyzer::default(),
            probe: std::sync::Arc::new(Probe::new(opener.clone())),
            worker_lookups,
        };
        let mut conn = store.write_conn()?;
        let _one_at_a_time = super::instance::migrating(url)?;
        super::case_fold::check(&mut conn)?;
        super::migrations::run_pending(&mut conn)?;
        super::tasks::reindex_folded(&mut conn)?;
        super::tasks::reverse_email_keys(&mut conn)?;
        Ok(store)
    }

    /// On PostgreSQL, vacuums the small tables whose rows churn by design
    /// once more rows were written to them since their last vacuum than
    /// 1,000 plus their live ones (`analyze::vacuum_churned`); returns the
    /// tables vacuumed. SQLite reuses deleted rows' space:
    /// nothing to do.
    pub async fn vacuum_churned(self: &std::sync::Arc<Self>) -> StoreResult<Vec<String>> {
        if self.backend != Backend::Postgres {
            return Ok(Vec::new());
        }
        let store = self.clone();
        run_blocking(move || {
            let mut conn = store.write_conn()?;
            Ok(super::analyze::vacuum_churned(&mut conn)?)
        })
        .await
    }

    /// Reads every group into the readers' group catalog (when there are
    /// at most as many as it keeps: `group_catalog::warm`), so that the
    /// first lookups after a start find their users' groups; returns how
    /// many it read.
    pub async fn warm_group_catalog(self: &std::sync::Arc<Self>) -> StoreResult<usize> {
        self.read(|conn| Ok(super::group_catalog::warm(conn)?))
            .await
    }

    /// Whether the database answers with this build's schema (readiness),
    /// asked on the probe's own connection: never behind queued reads,
    /// and no longer than `limit`.
    pub async fn probe(&self, limit: Duration) -> StoreResult<Readiness> {
        let probe = self.probe.clone();
        let check = tokio::task::spawn_blocking(move || probe.check());
        match tokio::time::timeout(limit, check).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(StoreError::Pool("the readiness probe panicked".into())),
            Err(_) => Err(StoreError::Pool(format!(
                "the database did not answer within {} ms",
                limit.as_millis()
            ))),
        }
    }

    /// The write pool's use now: (open connections, busy ones).
    pub fn writer_use(&self) -> (u32, u32) {
        let state = self.write.state();
        (
            state.connections,
            state.connections.saturating_sub(state.idle_connections),
        )
    }

    /// The lookups an HTTP worker may send itself (PostgreSQL only).
    pub fn worker_lookups(&self) -> Option<&std::sync::Arc<WorkerLookups>> {
        self.worker_lookups.as_ref()
    }

    /// Which database this store talks to.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    fn write_conn(&self) -> StoreResult<PooledConnection<ConnectionOpener>> {
        self.write
            .get()
            .map_err(|e| StoreError::Pool(e.to_string()))
    }

    /// Begins a write transaction on `pooled`. A PostgreSQL connection
    /// that died in the pool (the server restarted, an idle timeout, an
    /// operator's `pg_terminate_backend`) fails its `BEGIN`; nothing has
    /// run on it, so it is replaced in the pool by a new one, on which the
    /// transaction begins. A write whose connection dies after its `BEGIN`
    /// fails as it always did: whether its `COMMIT` landed is not known.
    fn begin_write(&self, pooled: &mut PooledConnection<ConnectionOpener>) -> StoreResult<()> {
        let conn: &mut DbConn = pooled;
        match super::write_lock::begin(conn) {
            Ok(()) => Ok(()),
            Err(_) if self.backend == Backend::Postgres && is_dead(conn) => {
                *conn = self
                    .opener
                    .open()
                    .map_err(|e| StoreError::Pool(format!("could not connect: {e}")))?;
                Ok(super::write_lock::begin(conn)?)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Runs read-only work on a reader thread (see `readers`). The work
    /// may run twice: again on a new connection when its first died under
    /// it (`ReaderConnection::lost`).
    pub async fn read<T, E, F>(self: &std::sync::Arc<Self>, work: F) -> Result<T, E>
    where
        F: Fn(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.submit_read(work, move |result| {
            // A caller that went away (client disconnected) needs no answer.
            let _ = reply.send(result);
        });
        answer.await.unwrap_or_else(|_| Err(read_lost().into()))
    }

    /// Queues `work` for a reader; `answer` gets its result. A read whose
    /// caller has stopped waiting is still run: it changes nothing.
    fn submit_read<T, E, F, A>(&self, work: F, answer: A)
    where
        F: Fn(&mut DbConn) -> Result<T, E> + Send + 'static,
        E: From<StoreError>,
        A: FnOnce(Result<T, E>) + Send + 'static,
    {
        let backend = self.backend;
        let share = super::readers::current_share();
        self.readers.submit(
            share,
            Box::new(move |reader| {
                let run = |reader: &mut ReaderConnection<'_>| match reader.get() {
                    Ok(conn) => read_on(backend, conn, &work),
                    Err(e) => Err(e.into()),
                };
                let mut result = run(reader);
                // A connection that died under the read (its server
                // restarted, or it was cut while idle): once more on a
                // new one.
                if result.is_err() && reader.lost() {
                    result = run(reader);
                }
                answer(result);
            }),
        );
    }

    /// Runs work that writes inside one transaction on a blocking thread:
    /// everything `work` does, audit rows included, commits or rolls back
    /// together. When a concurrent writer changed a row first
    /// (`StoreError::Stale`), the whole transaction runs again on fresh data.
    /// On SQLite the work shares a group commit's transaction
    /// (`group_commit`), as its first change or in a savepoint: the same
    /// guarantees, answered once the shared commit is on disk.
    pub async fn write<T, E, F>(self: &std::sync::Arc<Self>, work: F) -> Result<T, E>
    where
        F: Fn(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + From<diesel::result::Error> + IsStale + Send + 'static,
    {
        self.write_reaching(Reach::Many, work).await
    }

    /// `write`, for work that changes no more than `reach` says: on SQLite
    /// a batch of `Reach::Few` writes keeps its statement journals in
    /// memory (`write_reach`). Saying `Few` of a write that touches every
    /// member of a group would hold a copy of each page it changes in the
    /// server's memory until its statement ends.
    pub async fn write_reaching<T, E, F>(
        self: &std::sync::Arc<Self>,
        reach: Reach,
        work: F,
    ) -> Result<T, E>
    where
        F: Fn(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + From<diesel::result::Error> + IsStale + Send + 'static,
    {
        if let Some(committer) = &self.committer {
            return committer.submit(reach, work).await;
        }
        let store = self.clone();
        let written = run_blocking(move || {
            let mut pooled = store.write_conn()?;
            // A write renders users with the groups reads keep, adding none
            // (`group_catalog::used_by_write`).
            let catalog = store.readers.catalog();
            let mut attempt = 0;
            loop {
                attempt += 1;
                store.begin_write(&mut pooled)?;
                let conn: &mut DbConn = &mut pooled;
                let ran = super::group_catalog::used_by_write(&catalog, || {
                    super::write_lock::run_begun(conn, |c| super::licenses::settled(c, &work))
                });
                match ran {
                    Err(e) if e.is_stale() && attempt < MAX_ATTEMPTS => continue,
                    other => return other,
                }
            }
        })
        .await;
        if written.is_ok() {
            self.count_write();
        }
        written
    }

    /// A write that needs no transaction, on PostgreSQL: `plan` reads what
    /// the write depends on and decides, writing nothing; `write` then
    /// changes the database in one statement (it may read after it), which
    /// commits by itself and checks what `plan` read (a row's version) so
    /// that it changes nothing, and reports `Stale`, when another write
    /// came first. BEGIN and COMMIT are two round trips, and a
    /// transaction's row lock is a write of its own: a provisioned user's
    /// new title cost the server and PostgreSQL ~800 us of CPU in five
    /// round trips, ~15% less this way
    /// (`bench/results/2026-12-08T230000Z-title-patch`).
    ///
    /// `Ok(None)`: nothing was written, and the caller makes the write in
    /// its transaction (`write_reaching`). So it is when `plan` finds the
    /// write needs more than one statement; when the database is SQLite,
    /// whose writes share a group commit's transaction and gain nothing
    /// here; and when another write came first: writers of one row at once
    /// then queue on its lock in their transactions, where retrying here
    /// could lose to each of them in turn. A connection found dead while
    /// planning is replaced and the plan made again on the new one; one
    /// that dies during `write` fails the write, as a transaction's COMMIT
    /// would: whether it landed is not known.
    pub async fn write_in_one_statement<P, T, E, F, W>(
        self: &std::sync::Arc<Self>,
        plan: F,
        write: W,
    ) -> Result<Option<T>, E>
    where
        F: Fn(&mut DbConn) -> Result<Option<P>, E> + Send + 'static,
        W: Fn(&mut DbConn, P) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + IsStale + Send + 'static,
    {
        if self.backend != Backend::Postgres {
            return Ok(None);
        }
        let store = self.clone();
        let written = run_blocking(move || {
            let mut pooled = store.write_conn()?;
            let conn: &mut DbConn = &mut pooled;
            let planned = match plan(conn) {
                Err(_) if is_dead(conn) => {
                    *conn = store
                        .opener
                        .open()
                        .map_err(|e| StoreError::Pool(format!("could not connect: {e}")))?;
                    plan(conn)
                }
                planned => planned,
            };
            let Some(planned) = planned? else {
                return Ok(None);
            };
            let catalog = store.readers.catalog();
            match super::group_catalog::used_by_write(&catalog, || write(conn, planned)) {
                Err(e) if e.is_stale() => Ok(None),
                other => other.map(Some),
            }
        })
        .await;
        if matches!(written, Ok(Some(_))) {
            self.count_write();
        }
        written
    }

    /// Counts a committed write towards the next `ANALYZE` (`analyze`),
    /// which runs off the write's path when one is due.
    fn count_write(self: &std::sync::Arc<Self>) {
        if self.analyzer.count_write() {
            let store = self.clone();
            tokio::task::spawn_blocking(move || {
                let mut conn = store.write_conn();
                store.analyzer.check(conn.as_deref_mut().ok());
            });
        }
    }

    /// Synchronous access for the CLI, which has no async runtime to protect.
    /// On SQLite it waits for the server's writer to let go of the write
    /// lock rather than fail (`write_lock`).
    pub fn write_now<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E>,
        E: From<StoreError> + From<diesel::result::Error>,
    {
        let mut pooled = self.write_conn()?;
        self.begin_write(&mut pooled)?;
        let conn: &mut DbConn = &mut pooled;
        let written = super::write_lock::run_begun(conn, |c| super::licenses::settled(c, work));
        self.nudge_checkpointer();
        written
    }

    /// Synchronous schema work (migrations, in tests and tools): one
    /// transaction like `write_now`, without settling licenses, whose
    /// tables the schema may not hold (yet, or any more).
    pub fn change_schema_now<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E>,
        E: From<StoreError> + From<diesel::result::Error>,
    {
        let mut pooled = self.write_conn()?;
        self.begin_write(&mut pooled)?;
        let conn: &mut DbConn = &mut pooled;
        let changed = super::write_lock::run_begun(conn, work);
        self.nudge_checkpointer();
        changed
    }

    /// After a write outside group commit (the CLI's, bulk tasks'): the
    /// log may have grown.
    fn nudge_checkpointer(&self) {
        if let Some(c) = &self.checkpointer {
            c.nudge();
        }
    }

    /// Synchronous read for the CLI. The CLI does one thing at a time, so
    /// its reads borrow the write pool's connection rather than a reader.
    pub fn read_now<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E>,
        E: From<StoreError>,
    {
        let mut conn = self.write_conn()?;
        read_on(self.backend, &mut conn, work)
    }
}

async fn run_blocking<T, E, F>(work: F) -> Result<T, E>
where
    F: FnOnce() -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<StoreError> + Send + 'static,
{
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result,
        Err(e) => Err(StoreError::Blocking(e.to_string()).into()),
    }
}

/// Runs `work` on `conn`, in one read transaction where the backend
/// wants it (`Backend::reads_in_one_transaction`). It commits when the
/// work succeeds (a read keeps nothing, but the commit costs the same as
/// a rollback and keeps autocommit's behaviour should a read ever
/// write) and rolls back when it fails; a failed rollback leaves the
/// connection marked as in a transaction, and it is not reused
/// (`is_reusable`).
fn read_on<T, E, F>(backend: Backend, conn: &mut DbConn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<StoreError>,
{
    use diesel::connection::TransactionManager;
    type Tm = <DbConn as Connection>::TransactionManager;
    if !backend.reads_in_one_transaction() {
        return work(conn);
    }
    Tm::begin_transaction(conn).map_err(StoreError::from)?;
    match work(conn) {
        Ok(value) => {
            Tm::commit_transaction(conn).map_err(StoreError::from)?;
            Ok(value)
        }
        Err(e) => {
            // The work's error is the one to report.
            let _ = Tm::rollback_transaction(conn);
            Err(e)
        }
    }
}

/// What a caller gets when its read's reader dropped the reply: the read
/// panicked.
fn read_lost() -> StoreError {
    StoreError::Blocking("the read failed without an answer".into())
}

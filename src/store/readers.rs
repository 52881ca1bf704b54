//! The reader threads: a fixed set of threads, each owning one database
//! connection, that run the store's reads.
//!
//! Why not `spawn_blocking` and a connection pool: tokio wakes its idle
//! blocking threads in turn, so under steady load every read lands on the
//! thread (and the connection, with its page and statement caches) that has
//! been idle longest, the coldest one. Here the most recently idle reader
//! takes the next read (a stack, not a queue), so a steady load runs on a
//! few threads whose caches stay warm, while a burst of slow reads (an
//! auditor's scans) can still use every reader. A reader keeps its
//! connection for life: no pool checkout per read, and no lock is ever
//! held around a connection.
//!
//! Fair shares: a read carries the share it was made for (a hash of the
//! request's credential, set by the HTTP layer with `as_share`), and no
//! share runs on more than half the readers at once. One directory's flood
//! of costly filters made another's `POST /Users` wait 39 s and fail with
//! a 503; now the flood queues behind itself while the other directories'
//! reads take the readers it may not.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;

use super::conn::{is_reusable, Backend, DbConn};
use super::error::StoreError;
use super::group_catalog::GroupCatalog;
use super::opener::ConnectionOpener;

/// A read as a reader thread sees it: given the reader's connection (or
/// why there is none), it runs and sends its own answer.
type Job = Box<dyn FnOnce(&mut ReaderConnection<'_>) + Send>;

/// The handle the store keeps; dropping it lets the readers finish the
/// reads already queued and exit.
pub struct Readers {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    /// Most readers one share may hold at once.
    share_cap: usize,
    opener: ConnectionOpener,
    /// A read that waited longer than this for a reader is answered with a
    /// pool error instead of being run (the caller has waited long enough).
    max_wait: Duration,
    /// How long one read may run (see `deadline`); `None`: unlimited.
    statement_timeout: Option<Duration>,
    /// The groups the store's reads have read (see `group_catalog`).
    catalog: Arc<GroupCatalog>,
}

/// Most reads waiting at once; past it a read is refused at once.
const QUEUE_LIMIT: usize = 1024;

/// Most reads of one share waiting at once: a credential flooding the
/// server is told to back off before the others are.
const SHARE_QUEUE_LIMIT: usize = 128;

/// A queued read: when it was queued, its share, the work.
type Queued = (Instant, Option<u64>, Job);

#[derive(Default)]
struct State {
    queued: VecDeque<Queued>,
    /// Reads running per share.
    running: HashMap<u64, usize>,
    /// Reads queued per share.
    waiting: HashMap<u64, usize>,
    /// Parked readers, the most recently parked last.
    idle: Vec<(usize, Thread)>,
    closing: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // The lock guards only the queue, never user code, so a poisoned
        // lock holds a consistent queue.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A read of `share` has ended.
    fn finished(&self, share: Option<u64>) {
        let Some(share) = share else { return };
        let mut state = self.lock();
        if let Some(n) = state.running.get_mut(&share) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                state.running.remove(&share);
            }
        }
    }
}

/// The readers' metrics, resolved once (a lookup by name on every read
/// cost more than the read's bookkeeping). Resolved after the server
/// installs its recorder (`open_state`); without one they record nothing.
struct ReaderMetrics {
    depth: metrics::Gauge,
    shed: metrics::Counter,
    busy: metrics::Gauge,
    wait: metrics::Histogram,
}

fn reader_metrics() -> &'static ReaderMetrics {
    static METRICS: std::sync::OnceLock<ReaderMetrics> = std::sync::OnceLock::new();
    METRICS.get_or_init(|| ReaderMetrics {
        depth: metrics::gauge!("gatehouse_read_queue_depth"),
        shed: metrics::counter!("gatehouse_reads_shed_total"),
        busy: metrics::gauge!("gatehouse_readers_busy"),
        wait: metrics::histogram!("gatehouse_read_queue_wait_seconds"),
    })
}

tokio::task_local! {
    /// The share of the reads the current task makes.
    static SHARE: u64;
}

/// Runs `work` with every read it makes counted against `share`.
pub async fn as_share<F: Future>(share: u64, work: F) -> F::Output {
    SHARE.scope(share, work).await
}

/// The share of the current task's reads, if one was set.
pub fn current_share() -> Option<u64> {
    SHARE.try_with(|share| *share).ok()
}

/// The stack of a thread that runs SQL. SQLite parses and plans an
/// expression by recursion, a few kilobytes per level: a filter of 990
/// `and`s overflowed the default 2 MiB and aborted the process. The
/// filter parser caps operators well below that (`MAX_OPERATORS`); this
/// is the margin behind the cap. Untouched stack costs no memory.
pub(super) const DATABASE_THREAD_STACK: usize = 16 << 20;

impl Readers {
    /// Starts `count` reader threads; each opens its connection when it
    /// is first given a read.
    pub fn start(
        count: u32,
        opener: ConnectionOpener,
        max_wait: Duration,
        statement_timeout: Option<Duration>,
    ) -> std::io::Result<Readers> {
        if statement_timeout.is_some() && opener.backend() == Backend::Sqlite {
            super::deadline::install_sqlite_handler();
        }
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            share_cap: (count.max(1) as usize / 2).max(1),
            opener,
            max_wait,
            statement_timeout,
            catalog: Arc::default(),
        });
        for n in 0..count.max(1) as usize {
            let shared = shared.clone();
            thread::Builder::new()
                .name(format!("gatehouse-read-{n}"))
                .stack_size(DATABASE_THREAD_STACK)
                .spawn(move || run_reader(n, &shared))?;
        }
        Ok(Readers { shared })
    }

    /// The groups the readers' reads keep (`group_catalog`).
    pub fn catalog(&self) -> Arc<GroupCatalog> {
        self.shared.catalog.clone()
    }

    /// Queues `job`, made for `share`, and wakes the reader that parked
    /// last; or, when the queue (or the share's part of it) is full,
    /// answers it at once that the server is busy (a 503 with
    /// `Retry-After`): 600 clients once waited up to 30 s in an unbounded
    /// queue before any was told.
    pub fn submit(&self, share: Option<u64>, job: Job) {
        let accepted = {
            let mut state = self.shared.lock();
            let of_share = share.map_or(0, |s| state.waiting.get(&s).copied().unwrap_or(0));
            if state.queued.len() >= QUEUE_LIMIT || of_share >= SHARE_QUEUE_LIMIT {
                Err(job)
            } else {
                if let Some(s) = share {
                    *state.waiting.entry(s).or_insert(0) += 1;
                }
                state.queued.push_back((Instant::now(), share, job));
                reader_metrics().depth.set(state.queued.len() as f64);
                Ok(state.idle.pop())
            }
        };
        match accepted {
            Ok(Some((_, reader))) => reader.unpark(),
            Ok(None) => {}
            Err(job) => {
                reader_metrics().shed.increment(1);
                job(&mut ReaderConnection::refused(StoreError::Pool(
                    "the server is busy: too many reads are waiting; retry shortly".into(),
                )));
            }
        }
    }
}

impl Drop for Readers {
    fn drop(&mut self) {
        let idle = {
            let mut state = self.shared.lock();
            state.closing = true;
            std::mem::take(&mut state.idle)
        };
        for (_, reader) in idle {
            reader.unpark();
        }
    }
}

fn run_reader(n: usize, shared: &Shared) {
    super::niceness::lower_this_thread();
    let mut conn: Option<DbConn> = None;
    while let Some((queued_at, share, job)) = next_job(n, shared) {
        let waited = queued_at.elapsed();
        reader_metrics().wait.record(waited.as_secs_f64());
        if waited > shared.max_wait {
            job(&mut ReaderConnection::refused(StoreError::Pool(format!(
                "no database connection was free within {} s",
                shared.max_wait.as_secs()
            ))));
            shared.finished(share);
            continue;
        }
        let busy = &reader_metrics().busy;
        busy.increment(1.0);
        // A read that panics answers nobody (its caller sees the dropped
        // reply as a failed read) and may have left its transaction open,
        // so the connection goes with it; the reader carries on.
        let limit = shared.statement_timeout;
        let mut reader = ReaderConnection {
            conn: Ok((&mut conn, shared)),
        };
        if catch_unwind(AssertUnwindSafe(|| {
            super::deadline::timed(limit, || {
                super::group_catalog::kept_here(&shared.catalog, || job(&mut reader))
            })
        }))
        .is_err()
        {
            conn = None;
        }
        busy.decrement(1.0);
        shared.finished(share);
        if let Some(c) = conn.as_mut() {
            if !is_reusable(c) {
                conn = None;
            }
        }
    }
}

/// Waits for the next queued read whose share may have another reader
/// (the oldest such); `None` once the store is gone and the queue is
/// empty. A reader that finds only reads of shares at their cap parks: the
/// reader that ends one of them looks again before it parks itself.
fn next_job(n: usize, shared: &Shared) -> Option<Queued> {
    let mut state = shared.lock();
    loop {
        let state_ref = &mut *state;
        let eligible = state_ref.queued.iter().position(|(_, share, _)| {
            share.is_none_or(|s| state_ref.running.get(&s).copied().unwrap_or(0) < shared.share_cap)
        });
        if let Some(job) = eligible.and_then(|i| state_ref.queued.remove(i)) {
            if let Some(share) = job.1 {
                *state_ref.running.entry(share).or_insert(0) += 1;
                if let Some(n) = state_ref.waiting.get_mut(&share) {
                    *n = n.saturating_sub(1);
                    if *n == 0 {
                        state_ref.waiting.remove(&share);
                    }
                }
            }
            reader_metrics().depth.set(state_ref.queued.len() as f64);
            return Some(job);
        }
        if state.closing && state.queued.is_empty() {
            // Readers parked while only capped shares' reads were queued
            // would otherwise sleep on: let them see the end too.
            for (_, reader) in state.idle.drain(..) {
                reader.unpark();
            }
            return None;
        }
        // A reader woken without being taken off the stack (a spurious
        // wake-up) is still on it: never list it twice.
        if !state.idle.iter().any(|(id, _)| *id == n) {
            state.idle.push((n, thread::current()));
        }
        drop(state);
        thread::park();
        state = shared.lock();
    }
}

/// A reader's connection as a read gets it (opened on first use and after
/// it was lost), or why the read gets none.
///
/// A PostgreSQL connection dies with its server, its network or an idle
/// timeout. It used to be checked (`SELECT 1`) before every read: a round
/// trip, a fifth of a `userName eq` lookup's (lookups were ~12% slower at
/// 8 clients for it). Now a read runs on the connection as it is, and
/// only a read that fails has it checked; when it is dead the read runs
/// again on a new one ([`ReaderConnection::lost`]: reads change nothing,
/// so running one twice is safe). A SQLite connection is an open file
/// and needs no check.
pub struct ReaderConnection<'r> {
    conn: Result<(&'r mut Option<DbConn>, &'r Shared), Option<StoreError>>,
}

impl ReaderConnection<'_> {
    /// No connection: the read is answered with `why`.
    fn refused(why: StoreError) -> ReaderConnection<'static> {
        ReaderConnection {
            conn: Err(Some(why)),
        }
    }

    /// The connection, opened if there is none (a new PostgreSQL
    /// connection gets the statement timeout; SQLite's comes with its
    /// progress handler).
    pub fn get(&mut self) -> Result<&mut DbConn, StoreError> {
        let (conn, shared) = match &mut self.conn {
            Ok((conn, shared)) => (conn, *shared),
            Err(why) => {
                return Err(why
                    .take()
                    .unwrap_or_else(|| StoreError::Pool("the read was refused".into())))
            }
        };
        let open = match conn.take() {
            Some(c) => c,
            None => {
                let mut c = shared
                    .opener
                    .open()
                    .map_err(|e| StoreError::Pool(format!("could not connect: {e}")))?;
                if let (Backend::Postgres, Some(limit)) =
                    (shared.opener.backend(), shared.statement_timeout)
                {
                    c.batch_execute(&super::deadline::postgres_setting(limit))
                        .map_err(|e| {
                            StoreError::Pool(format!("could not set the statement timeout: {e}"))
                        })?;
                }
                c
            }
        };
        Ok(conn.insert(open))
    }

    /// After a failed read: whether the connection had died under it (a
    /// PostgreSQL connection that no longer answers `SELECT 1`); a dead
    /// one is closed, and the next `get` opens another.
    pub fn lost(&mut self) -> bool {
        let Ok((conn, shared)) = &mut self.conn else {
            return false;
        };
        let dead = shared.opener.backend() == Backend::Postgres
            && conn.as_mut().is_some_and(super::conn::is_dead);
        if dead {
            **conn = None;
        }
        dead
    }
}

//! Group commit for SQLite.
//!
//! SQLite takes one writer at a time and, with `synchronous = FULL`, each
//! commit waits for an fsync of the WAL (about 1–2 ms on the CI machine's
//! disk). One transaction per request therefore caps writes at a few hundred
//! a second whatever the CPU, and every queued writer waits for each fsync
//! ahead of it. Instead one writer thread takes the writes that queued up
//! while the previous commit was syncing, runs them in one transaction
//! (each in a savepoint of its own but the first, below), and commits them
//! with a single fsync.
//!
//! What each caller sees is unchanged: its work runs alone (writes are still
//! serial), a failed write's savepoint is rolled back so it leaves nothing,
//! and its answer is sent only once the batch's commit is on disk, so an
//! acknowledged write survives a crash. If the commit itself fails, every
//! write in the batch is answered with that failure. Under light load a
//! batch holds one write and nobody waits for company.
//!
//! The first write of a transaction runs without a savepoint: rolling the
//! transaction back undoes exactly that write, as its savepoint would, so
//! when it fails the transaction is rolled back and the batch goes on in a
//! new one. A savepoint is not free: SQLite copies every page a write
//! touches inside one into a sub-journal, which past
//! `SQLITE_STMTJRNL_SPILL` is a temp file created and deleted per batch.
//! Without it, only the statements that need their own (multi-row writes
//! that may fail halfway) journal their pages, and only while they run.
//! 50 members added to (removed from) a 200k group at 1M users, one
//! PATCH at a time: p50 3.64-3.90 -> 3.23-3.48 ms (2.26-2.36 -> 1.81-2.00),
//! 10-15% less of the server's CPU. A resync's small writes, batched
//! together under load, did not change
//! (`bench/results/2026-12-05T163000Z-first-write`).
//!
//! Writes batched together touch the same pages (the tables' and indexes'
//! last leaves, the kept counts), and a savepoint copies each page an
//! earlier write of its transaction changed before its own write changes
//! it: in an IdP's first sync on SQLite (8 clients creating users), 13.6%
//! of the server's CPU. So a batch of several writes first runs with no
//! savepoint at all (`all_or_nothing`); most batches succeed whole and are
//! committed as they ran. When one of its writes fails, the whole
//! transaction is rolled back and the batch runs again as above, each write
//! in its savepoint, so that the failed one leaves nothing and the others
//! stand: a batch holding a failure (a 409, a 412) costs its writes twice,
//! and the next `SAVEPOINTS_AFTER_RERUN` batches skip the first pass, so
//! that a stream of failing writes costs at most one batch in that many.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;

use diesel::connection::{Connection, TransactionManager};
use diesel::r2d2::Pool;

use super::checkpointer::Checkpointer;
use super::conn::DbConn;
use super::error::StoreError;
use super::error::{IsStale, MAX_ATTEMPTS};
use super::opener::ConnectionOpener;
use super::write_reach::{self, Reach};

/// Writes in one batch at most: bounds how long the first write of a batch
/// waits for the others to run before its commit.
const MAX_BATCH: usize = 64;

/// Batches run straight with savepoints after one had to be run again
/// (`all_or_nothing`): while writes keep failing (an IdP re-sending
/// users that exist, each a 409), at most one batch in this many pays
/// for its writes twice.
const SAVEPOINTS_AFTER_RERUN: u32 = 16;

type Tm = <DbConn as Connection>::TransactionManager;

/// One queued write, with its reply channel; the writer thread sees it
/// through this trait, whatever its result type.
trait Job: Send {
    /// Runs the work in a savepoint of the open batch transaction, retrying
    /// it while it reports a lost race.
    fn run(&mut self, conn: &mut DbConn);
    /// Runs the work as the first change of the open batch transaction,
    /// with no savepoint: unless it is `Kept`, what it wrote is still in the
    /// transaction, and the caller must roll the transaction back.
    fn run_first(&mut self, conn: &mut DbConn) -> FirstRun;
    /// Runs the work in the open batch transaction with no savepoint and no
    /// retry (`all_or_nothing`); whether it succeeded. A failure leaves what
    /// it wrote in the transaction, and the caller must roll it back.
    fn run_bare(&mut self, conn: &mut DbConn) -> bool;
    /// How much the work may change (`write_reach`).
    fn reach(&self) -> Reach;
    /// Sends the caller its result now that the batch's fate is known:
    /// `Err` carries why the batch was not committed.
    fn answer(self: Box<Self>, batch: Result<(), &str>);
}

/// How a write run as its transaction's first change ended.
#[derive(Debug, PartialEq, Eq)]
enum FirstRun {
    /// It succeeded; its changes stay in the transaction.
    Kept,
    /// It failed: rolling the transaction back undoes it.
    Failed,
    /// It lost a race and has tries left: roll back, and run it again.
    Lost,
}

struct Pending<T, E, F> {
    work: F,
    reach: Reach,
    /// Runs as a transaction's first change so far (`run_first`).
    first_runs: u32,
    outcome: Option<Result<T, E>>,
    reply: tokio::sync::oneshot::Sender<Result<T, E>>,
}

impl<T, E, F> Job for Pending<T, E, F>
where
    F: Fn(&mut DbConn) -> Result<T, E> + Send,
    T: Send,
    E: From<StoreError> + From<diesel::result::Error> + IsStale + Send,
{
    fn run(&mut self, conn: &mut DbConn) {
        let mut attempt = 0;
        self.outcome = Some(loop {
            attempt += 1;
            match conn.transaction(|c| super::licenses::settled(c, &self.work)) {
                Err(e) if e.is_stale() && attempt < MAX_ATTEMPTS => continue,
                other => break other,
            }
        });
    }

    fn run_first(&mut self, conn: &mut DbConn) -> FirstRun {
        self.first_runs += 1;
        let outcome = super::licenses::settled(conn, &self.work);
        let ran = match &outcome {
            Ok(_) => FirstRun::Kept,
            Err(e) if e.is_stale() && self.first_runs < MAX_ATTEMPTS => FirstRun::Lost,
            Err(_) => FirstRun::Failed,
        };
        self.outcome = (ran != FirstRun::Lost).then_some(outcome);
        ran
    }

    fn run_bare(&mut self, conn: &mut DbConn) -> bool {
        let outcome = super::licenses::settled(conn, &self.work);
        let kept = outcome.is_ok();
        self.outcome = Some(outcome);
        kept
    }

    fn reach(&self) -> Reach {
        self.reach
    }

    fn answer(self: Box<Self>, batch: Result<(), &str>) {
        let Pending { outcome, reply, .. } = *self;
        let result = match (outcome, batch) {
            (Some(Ok(_)), Err(why)) | (None, Err(why)) => {
                Err(StoreError::Commit(why.to_owned()).into())
            }
            (Some(outcome), _) => outcome,
            (None, Ok(())) => Err(StoreError::Commit("the write was not run".into()).into()),
        };
        // A caller that went away (client disconnected) needs no answer;
        // its write stands or falls with the batch like any other.
        let _ = reply.send(result);
    }
}

/// The queue in front of the writer thread.
pub struct GroupCommit {
    queue: mpsc::Sender<Box<dyn Job>>,
}

impl GroupCommit {
    /// Starts the writer thread over `pool` (the one-connection write pool),
    /// which nudges `checkpointer` after each commit. The thread ends when
    /// this handle is dropped.
    pub fn start(
        pool: Pool<ConnectionOpener>,
        checkpointer: Checkpointer,
    ) -> std::io::Result<GroupCommit> {
        let (queue, jobs) = mpsc::channel::<Box<dyn Job>>();
        std::thread::Builder::new()
            .name("gatehouse-writer".into())
            .stack_size(super::readers::DATABASE_THREAD_STACK)
            .spawn(move || serve(&pool, &jobs, &checkpointer))?;
        Ok(GroupCommit { queue })
    }

    /// Queues `work`, which changes as much as `reach` says, and waits for
    /// its committed result.
    pub async fn submit<T, E, F>(&self, reach: Reach, work: F) -> Result<T, E>
    where
        F: Fn(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + From<diesel::result::Error> + IsStale + Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = Pending {
            work,
            reach,
            first_runs: 0,
            outcome: None,
            reply,
        };
        if self.queue.send(Box::new(job)).is_err() {
            return Err(StoreError::Commit("the writer thread has stopped".into()).into());
        }
        answer.await.unwrap_or_else(|_| {
            Err(StoreError::Commit("the writer thread dropped the write".into()).into())
        })
    }
}

fn serve(
    pool: &Pool<ConnectionOpener>,
    jobs: &mpsc::Receiver<Box<dyn Job>>,
    checkpointer: &Checkpointer,
) {
    // Resolved once, when the writer starts (after the server's recorder).
    let batch_sizes = metrics::histogram!("gatehouse_group_commit_batch_size");
    // Batches still to run with savepoints since the last rerun.
    let mut wary: u32 = 0;
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        batch_sizes.record(batch.len() as f64);
        let bare = batch.len() > 1 && wary == 0;
        wary = wary.saturating_sub(1);
        let reach = Reach::of_batch(batch.iter().map(|job| job.reach()));
        let ran = run_batch(pool, batch, bare, reach);
        if ran == Pass::RanAgain {
            wary = SAVEPOINTS_AFTER_RERUN;
        }
        checkpointer.nudge();
    }
}

/// How a batch ended.
enum Ended {
    /// Committed (`Ok`) or rolled back as a whole (`Err`, with the reason).
    Settled(Result<(), String>),
    /// The write at this index panicked; the whole batch was rolled back.
    Panicked(usize),
}

/// Whether a batch tried first with no savepoints had to be run again.
#[derive(Debug, PartialEq, Eq)]
enum Pass {
    AsItCame,
    RanAgain,
}

/// Runs and answers a batch: first with no savepoints if `bare`
/// (`all_or_nothing`), else (or when a write of it fails) each write in
/// its own (`commit_together`); its statement journals kept where the
/// batch's `reach` allows (`write_reach`).
fn run_batch(
    pool: &Pool<ConnectionOpener>,
    mut jobs: Vec<Box<dyn Job>>,
    mut bare: bool,
    reach: Reach,
) -> Pass {
    let mut pass = Pass::AsItCame;
    loop {
        let ended = match pool.get() {
            Ok(mut conn) => run_on(&mut conn, &mut jobs, &mut bare, &mut pass, reach),
            Err(e) => Ended::Settled(Err(format!("no write connection: {e}"))),
        };
        match ended {
            Ended::Settled(result) => {
                match &result {
                    Ok(()) => tracing::trace!(writes = jobs.len(), "group commit"),
                    Err(why) => tracing::error!(writes = jobs.len(), %why, "group commit failed"),
                }
                let batch = result.as_ref().map(|_| ()).map_err(String::as_str);
                for job in jobs {
                    job.answer(batch);
                }
                return pass;
            }
            Ended::Panicked(culprit) => {
                // The others did nothing wrong: run them again without it.
                jobs.remove(culprit)
                    .answer(Err("the write failed unexpectedly; nothing of it was kept"));
                if jobs.is_empty() {
                    return pass;
                }
            }
        }
    }
}

/// `run_batch` on the writer's connection: first with no savepoints if
/// `bare` (once), noting in `pass` a batch run again. The connection goes
/// back to the pool with SQLite's default `temp_store`, so a write that
/// takes it outside the writer (`Store::write_now`) journals as it always
/// did.
fn run_on(
    conn: &mut DbConn,
    jobs: &mut [Box<dyn Job>],
    bare: &mut bool,
    pass: &mut Pass,
    reach: Reach,
) -> Ended {
    // Not run rather than run with journals it may not keep.
    if let Err(e) = write_reach::keep_journals(conn, reach) {
        return Ended::Settled(Err(format!("could not place the statement journals: {e}")));
    }
    let ended = if std::mem::take(bare) {
        match all_or_nothing(conn, jobs) {
            Some(ended) => ended,
            // A write failed: the batch again, each write able to fail
            // alone (counted: a share of batches run twice says the first
            // pass costs more than it saves).
            None => {
                metrics::counter!("gatehouse_group_commit_reruns_total").increment(1);
                *pass = Pass::RanAgain;
                commit_together(conn, jobs)
            }
        }
    } else {
        commit_together(conn, jobs)
    };
    if reach != Reach::Many {
        if let Err(error) = write_reach::keep_journals(conn, Reach::Many) {
            // The next batch sets its own; only `write_now` would see it.
            tracing::error!(%error, "could not put the writer's statement journals back on a file");
        }
    }
    ended
}

/// The batch in one transaction with no savepoint at all, committed if
/// every write succeeds; `None`, with everything rolled back, as soon as
/// one fails (the caller runs the batch again with `commit_together`).
fn all_or_nothing(conn: &mut DbConn, jobs: &mut [Box<dyn Job>]) -> Option<Ended> {
    if let Err(e) = super::write_lock::begin(conn) {
        return Some(Ended::Settled(Err(format!("could not begin: {e}"))));
    }
    for (index, job) in jobs.iter_mut().enumerate() {
        match catch_unwind(AssertUnwindSafe(|| job.run_bare(conn))) {
            Ok(true) => {}
            Ok(false) => {
                roll_back_everything(conn);
                return None;
            }
            Err(_) => {
                roll_back_everything(conn);
                return Some(Ended::Panicked(index));
            }
        }
    }
    Some(commit(conn))
}

fn commit_together(conn: &mut DbConn, jobs: &mut [Box<dyn Job>]) -> Ended {
    // Whether a transaction is open, and whether it holds a change yet.
    let (mut open, mut fresh) = (false, true);
    let mut index = 0;
    while let Some(job) = jobs.get_mut(index) {
        if !open {
            // BEGIN IMMEDIATE (`write_lock`): a deferred BEGIN could not
            // wait for another connection's lock once the batch had read.
            if let Err(e) = super::write_lock::begin(conn) {
                return Ended::Settled(Err(format!("could not begin: {e}")));
            }
            (open, fresh) = (true, true);
        }
        let ran = catch_unwind(AssertUnwindSafe(|| {
            if fresh {
                job.run_first(conn)
            } else {
                job.run(conn);
                FirstRun::Kept
            }
        }));
        match ran {
            Err(_) => {
                roll_back_everything(conn);
                return Ended::Panicked(index);
            }
            Ok(FirstRun::Kept) => {
                fresh = false;
                index += 1;
            }
            // Undone with the transaction; the next write (or this one
            // again) begins another.
            Ok(FirstRun::Failed) => {
                roll_back_everything(conn);
                open = false;
                index += 1;
            }
            Ok(FirstRun::Lost) => {
                roll_back_everything(conn);
                open = false;
            }
        }
    }
    if !open {
        // The last write failed and was rolled back with its transaction.
        return Ended::Settled(Ok(()));
    }
    commit(conn)
}

/// Commits the open batch transaction; rolls it back if that fails.
fn commit(conn: &mut DbConn) -> Ended {
    match Tm::commit_transaction(conn) {
        Ok(()) => Ended::Settled(Ok(())),
        Err(e) => {
            roll_back_everything(conn);
            Ended::Settled(Err(format!("commit failed: {e}")))
        }
    }
}

/// Closes every open savepoint and the transaction. If that fails the
/// connection's transaction manager is left in error and the pool discards
/// the connection (`ConnectionOpener::has_broken`).
fn roll_back_everything(conn: &mut DbConn) {
    while let Ok(Some(_)) = Tm::transaction_manager_status_mut(conn).transaction_depth() {
        if Tm::rollback_transaction(conn).is_err() {
            break;
        }
    }
}

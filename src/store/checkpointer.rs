//! SQLite's WAL checkpoints, off the write path.
//!
//! A commit lands in the write-ahead log; a checkpoint later copies the
//! logged pages back into the database file. Left to itself SQLite
//! checkpoints inside the commit that finds the log past 1,000 pages:
//! that write (and, with group commit, every write queued behind it)
//! waits while ~1,000 scattered pages are written and the database file
//! is synced. At 1M users a 50-member group change logs a few hundred
//! pages, so one change in a handful paid for a checkpoint (a good part of
//! the tail of floor 6's member PATCHes).
//!
//! Here the writer leaves checkpoints to a thread of its own (its
//! connection checkpoints by itself only past a backstop,
//! `opener::WRITER_CHECKPOINT_BACKSTOP`, should this thread fall behind or
//! stop). The writer nudges it after each commit; it runs a passive
//! checkpoint on its own connection, which copies what no reader still
//! needs without blocking the writer or the readers, then rests `REST` so
//! a busy writer's nudges make one checkpoint rather than one each. Durability is unchanged: a write is
//! acknowledged once its commit is synced in the log, checkpointed or not.

use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::time::Duration;

use diesel::connection::SimpleConnection;

use super::conn::DbConn;
use super::opener::ConnectionOpener;

/// The pause after a checkpoint before the next: commits in between are
/// copied by one checkpoint, so a busy writer does not sync the database
/// file once per commit.
const REST: Duration = Duration::from_millis(50);

/// The writers' handle on the checkpoint thread (the group commit's and
/// the CLI's); the thread ends when every handle is dropped.
#[derive(Clone)]
pub struct Checkpointer {
    nudges: SyncSender<()>,
}

impl Checkpointer {
    /// Starts the checkpoint thread, with a connection opened by `opener`.
    pub fn start(opener: ConnectionOpener) -> std::io::Result<Checkpointer> {
        // One pending nudge is all it needs to know: there is more to copy.
        let (nudges, woken) = mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name("gatehouse-checkpoint".into())
            .spawn(move || serve(&opener, &woken))?;
        Ok(Checkpointer { nudges })
    }

    /// Tells the thread the log has grown; never waits.
    pub fn nudge(&self) {
        match self.nudges.try_send(()) {
            Ok(()) | Err(TrySendError::Full(())) => {}
            Err(TrySendError::Disconnected(())) => {
                tracing::warn!("the checkpoint thread has stopped; the writer checkpoints itself")
            }
        }
    }
}

fn serve(opener: &ConnectionOpener, woken: &Receiver<()>) {
    let mut conn: Option<DbConn> = None;
    while woken.recv().is_ok() {
        if conn.is_none() {
            conn = opener
                .open()
                .map_err(|e| tracing::warn!(error = %e, "checkpoint: could not connect"))
                .ok();
        }
        if let Some(c) = conn.as_mut() {
            // PASSIVE: copy what every reader is done with, wait for nobody.
            // A failure (the disk, a busy lock) leaves the log to the next
            // nudge; a broken connection is opened anew then.
            if let Err(e) = c.batch_execute("PRAGMA wal_checkpoint(PASSIVE)") {
                tracing::warn!(error = %e, "checkpoint failed");
                conn = None;
            }
        }
        std::thread::sleep(REST);
    }
}

//! Readiness: a connection of its own, outside the readers' queue, so a
//! readiness probe is answered at once however many reads wait (it waited
//! 11.4 s in the queue under load, and a 1 s probe marked every replica
//! unready at once). It asks whether the schema is this build's: a
//! database that answers `SELECT 1` but was emptied, or not migrated yet,
//! is not ready.

use std::sync::Mutex;

use super::conn::DbConn;
use super::error::{StoreError, StoreResult};
use super::opener::ConnectionOpener;

/// What the probe found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    Ready,
    /// The database answers, but its schema is not the one this build
    /// migrates to.
    SchemaBehind,
}

/// The probe's connection, opened on first use and again after a failure.
pub(super) struct Probe {
    opener: ConnectionOpener,
    conn: Mutex<Option<DbConn>>,
}

impl Probe {
    pub(super) fn new(opener: ConnectionOpener) -> Probe {
        Probe {
            opener,
            conn: Mutex::new(None),
        }
    }

    /// Checks the database (blocking: run it off the async workers).
    pub(super) fn check(&self) -> StoreResult<Readiness> {
        let mut slot = self
            .conn
            .lock()
            .map_err(|_| StoreError::Pool("the readiness probe panicked".into()))?;
        let conn = match slot.as_mut() {
            Some(conn) => conn,
            None => slot.insert(
                self.opener
                    .open()
                    .map_err(|e| StoreError::Pool(e.to_string()))?,
            ),
        };
        match super::migrations::is_current(conn) {
            Ok(true) => Ok(Readiness::Ready),
            Ok(false) => Ok(Readiness::SchemaBehind),
            Err(e) => {
                // The connection may be what failed: the next probe opens anew.
                *slot = None;
                Err(e)
            }
        }
    }
}

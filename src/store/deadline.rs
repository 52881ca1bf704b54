//! The statement timeout on reads: a read that runs past it is stopped by
//! the database and answered as `StoreError::Timeout`, never a 500.
//!
//! A filter of 900 ORs once held a reader for 11 s; with fair shares one
//! directory can no longer take every reader, but a runaway read still
//! holds its reader (and a CPU) until it ends. Now it ends at the limit.
//!
//! PostgreSQL: each reader connection runs with `statement_timeout`, so
//! the server cancels a statement past it. SQLite has no such setting: a
//! progress handler, installed on every connection as it opens (an
//! auto-extension, since diesel does not hand out the raw handle), asks
//! every few thousand VM steps whether the read on this thread has run out
//! of time and, once, interrupts it. Only reader threads set a deadline,
//! so writes (and the writer's connection) are never cut.
//!
//! Either way the database answers with an error diesel cannot tell apart
//! (PostgreSQL's SQLSTATE 57014 reaches diesel as `Unknown`; SQLite says
//! "interrupted"), so the read's own clock decides: a database error on a
//! read whose time is up is the timeout.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// The current read's clock, on a reader thread while it runs a read.
#[derive(Clone, Copy)]
struct Clock {
    started: Instant,
    limit: Duration,
    /// The progress handler has interrupted this read once already (the
    /// rollback after it must run).
    fired: bool,
}

thread_local! {
    static CLOCK: Cell<Option<Clock>> = const { Cell::new(None) };
}

/// Runs `read` with `limit` as its time (none: unlimited), then clears it,
/// even if `read` panics.
pub(super) fn timed<R>(limit: Option<Duration>, read: impl FnOnce() -> R) -> R {
    struct Clear;
    impl Drop for Clear {
        fn drop(&mut self) {
            CLOCK.with(|c| c.set(None));
        }
    }
    CLOCK.with(|c| {
        c.set(limit.map(|limit| Clock {
            started: Instant::now(),
            limit,
            fired: false,
        }))
    });
    let _clear = Clear;
    read()
}

/// The limit of the read on this thread, if it has run out of time.
pub(super) fn expired() -> Option<Duration> {
    CLOCK
        .try_with(|c| {
            c.get()
                .filter(|clock| clock.fired || clock.started.elapsed() >= clock.limit)
                .map(|clock| clock.limit)
        })
        .ok()
        .flatten()
}

/// The statement that gives a PostgreSQL reader connection its limit.
pub(super) fn postgres_setting(limit: Duration) -> String {
    format!("SET statement_timeout = {}", limit.as_millis().max(1))
}

/// Called by SQLite every `STEPS` VM steps of a statement on a connection
/// opened by this process; non-zero interrupts the statement.
const STEPS: std::os::raw::c_int = 2000;

extern "C" fn progress(_: *mut std::os::raw::c_void) -> std::os::raw::c_int {
    CLOCK
        .try_with(|c| match c.get() {
            Some(clock) if !clock.fired && clock.started.elapsed() >= clock.limit => {
                c.set(Some(Clock {
                    fired: true,
                    ..clock
                }));
                1
            }
            _ => 0,
        })
        .unwrap_or(0)
}

/// Installs the progress handler on every SQLite connection opened from
/// now on (idempotent). Called before the readers open theirs.
#[allow(unsafe_code)] // SQLite's C API; see the SAFETY notes
pub(super) fn install_sqlite_handler() {
    use libsqlite3_sys as ffi;

    extern "C" fn on_open(
        db: *mut ffi::sqlite3,
        _error: *mut *mut std::os::raw::c_char,
        _api: *const ffi::sqlite3_api_routines,
    ) -> std::os::raw::c_int {
        // SAFETY: SQLite calls this with the connection it is opening,
        // valid for the call; the handler is a plain function that only
        // reads a thread-local and takes no argument.
        unsafe { ffi::sqlite3_progress_handler(db, STEPS, Some(progress), std::ptr::null_mut()) };
        ffi::SQLITE_OK
    }

    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: registers a function with the signature SQLite expects;
        // registering twice would be harmless too (SQLite keeps one).
        let rc = unsafe { ffi::sqlite3_auto_extension(Some(on_open)) };
        if rc != ffi::SQLITE_OK {
            tracing::warn!(
                rc,
                "SQLite refused the statement-timeout handler; reads are not timed"
            );
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_past_its_limit_has_expired_and_the_clock_is_cleared_after() {
        let inside = timed(Some(Duration::ZERO), expired);
        assert_eq!(inside, Some(Duration::ZERO));
        assert_eq!(expired(), None, "cleared after the read");
        assert_eq!(timed(Some(Duration::from_secs(60)), expired), None);
        assert_eq!(timed(None, expired), None);
    }

    #[test]
    fn the_progress_handler_interrupts_once_per_read() {
        timed(Some(Duration::ZERO), || {
            assert_eq!(progress(std::ptr::null_mut()), 1);
            assert_eq!(progress(std::ptr::null_mut()), 0, "the rollback runs");
            assert!(expired().is_some());
        });
        assert_eq!(progress(std::ptr::null_mut()), 0, "no read, no interrupt");
    }

    #[test]
    fn postgres_gets_whole_milliseconds_never_zero() {
        assert_eq!(
            postgres_setting(Duration::from_secs(30)),
            "SET statement_timeout = 30000"
        );
        // 0 would switch PostgreSQL's timeout off.
        assert_eq!(
            postgres_setting(Duration::from_micros(10)),
            "SET statement_timeout = 1"
        );
    }
}

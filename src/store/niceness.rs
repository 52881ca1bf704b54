//! Reader threads run at a lower CPU priority than the threads that
//! answer HTTP.
//!
//! Under overload (600 clients flooding scanning filters on two cores) the
//! readers' scans took the CPU from the HTTP workers: `/healthz`, which
//! touches no database, took 155 ms at the median and 277 ms at p99, and
//! the reads refused at once (503) waited as long to be told. A reader at
//! nice 10 yields to the HTTP workers whenever they have work, so cheap
//! answers stay cheap; when the workers are idle the readers have the CPU
//! to themselves, so a lone scan is no slower. The writer keeps the normal
//! priority: writes must not starve behind reads.

/// How much lower: nice 10 weighs a tenth of nice 0 in Linux's scheduler.
const READER_NICENESS: i32 = 10;

/// Lowers the calling thread's priority (Linux: priorities are per
/// thread). A failure is logged and otherwise ignored: it costs latency
/// under overload, not correctness.
#[allow(unsafe_code)] // two plain system calls; see SAFETY
pub(super) fn lower_this_thread() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: gettid and setpriority take and return plain integers
        // and touch no memory of ours.
        let rc = unsafe {
            let tid = libc::gettid();
            libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, READER_NICENESS)
        };
        if rc != 0 {
            tracing::debug!(
                error = %std::io::Error::last_os_error(),
                "could not lower a reader thread's priority"
            );
        }
    }
}

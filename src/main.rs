//! The `gatehouse` command.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of glibc's malloc: requests allocate and free many small
/// JSON and row buffers across the async and database threads, and glibc's
/// arenas spent 13% of a 1M-user lookup run in malloc/free (perf).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    memory_settings();
    let cli = gatehouse::cli::Cli::parse();
    match gatehouse::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gatehouse: {e}");
            ExitCode::FAILURE
        }
    }
}

/// SQLite and libpq still allocate through glibc's malloc, which gives each
/// thread that allocates its own arena: with 16 reader threads each arena
/// kept its own high-water mark of page cache and statement memory, and the
/// server's RSS with 1M users reached 163 MB after a burst of concurrent
/// deep-paged scans. One arena holds the same data in 113 MB and gives memory
/// back; lookups were no slower (measured at 52–58 against 55–61 µs of CPU
/// each): C allocations are a small share of a request, on two cores.
/// Called before any thread starts, as `mallopt` asks.
///
/// And no transparent huge pages for the process: mimalloc asks for them
/// (`MADV_HUGEPAGE`) on the memory it maps, so the first touch of any 2 MiB
/// of a thread's heap had the kernel zero all of it. A new server spent
/// 73% of its first burst's CPU in `clear_page_erms`: 8 clients' first
/// pages of 100 users took 12-44 ms each, and its RSS after 400 of them
/// was 71 MB, 33-39 MB of it huge pages; without them, 6-14 ms and 42 MB,
/// and lookups no slower (1M users on SQLite,
/// bench/results/2026-12-05T110000Z-one-statement-lookup/thp-ab.txt). An
/// idle server pays again: mimalloc gives freed memory back after 10 ms
/// (a second after a burst, RSS 88 -> 72 MB, huge pages 61 -> 24 MB).
#[allow(unsafe_code)] // C calls, justified below (see README "Layout")
fn memory_settings() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; no thread has
    // allocated through glibc yet. prctl(PR_SET_THP_DISABLE) sets a flag
    // on the process's memory, read at page faults; it takes no pointers.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

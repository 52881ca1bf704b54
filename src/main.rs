//! The `gatehouse` command.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of glibc's malloc: requests allocate and free many small
/// JSON and row buffers across the async and database threads, and glibc's
/// arenas spent 13% of a 1M-user lookup run in malloc/free (perf).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    one_arena_for_c_libraries();
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
#[allow(unsafe_code)] // C calls, justified below (see README "Layout")
fn one_arena_for_c_libraries() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; no thread has
    // allocated through glibc yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

//! The `gatehouse` command.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of glibc's malloc: requests allocate and free many small
/// JSON and row buffers across the async and database threads, and glibc's
/// arenas spent 13% of a 1M-user lookup run in malloc/free (perf).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = gatehouse::cli::Cli::parse();
    match gatehouse::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gatehouse: {e}");
            ExitCode::FAILURE
        }
    }
}

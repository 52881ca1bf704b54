//! The `gatehouse` command.

use std::process::ExitCode;

use clap::Parser;

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

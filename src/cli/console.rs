//! `gatehouse console link`: a one-time sign-in link to the web console,
//! for the operator on the server (the way in before any admin exists, and
//! the way back in when every other is lost).

use clap::Subcommand;
use serde_json::json;

use super::common::{open_store, operator, CliError, DatabaseArgs};
use crate::access::console_sessions;
use crate::clock::Clock;
use crate::config::Settings;

#[derive(Debug, Subcommand)]
pub enum ConsoleCommand {
    /// Prints a one-time sign-in link to the console (valid 10 minutes).
    Link {
        #[command(flatten)]
        database: DatabaseArgs,
        /// Where admins reach the server; by default `http://` and the
        /// listen address.
        #[arg(long, env = "GATEHOUSE_PUBLIC_URL")]
        public_url: Option<String>,
        /// The server's listen address, for the default public URL.
        #[arg(long, env = "GATEHOUSE_LISTEN", default_value_t = Settings::default().listen)]
        listen: String,
        /// Print one JSON object `{"url"}`.
        #[arg(long)]
        json: bool,
    },
}

/// Runs a `console` command.
pub fn console(command: ConsoleCommand, clock: &dyn Clock) -> Result<(), CliError> {
    match command {
        ConsoleCommand::Link {
            database,
            public_url,
            listen,
            json,
        } => {
            let store = open_store(&database)?;
            let link = store.write_now(|conn| {
                console_sessions::issue_link(conn, &operator(), clock.now_micros())
            })?;
            let origin = public_url
                .map(|u| u.trim_end_matches('/').to_owned())
                .unwrap_or_else(|| format!("http://{listen}"));
            let url = format!("{origin}/console/sign-in?code={}", link.secret);
            if json {
                super::access::print_json(&json!({"url": url}));
            } else {
                println!("{url}");
                println!("(works once, for the next 10 minutes)");
            }
            Ok(())
        }
    }
}

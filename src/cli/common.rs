//! What every command shares: the database it opens, who the operator is,
//! how a command fails.

use clap::Args;

use crate::access::{Actor, ActorKind};
use crate::clock::Clock;
use crate::config::Settings;
use crate::store::pool::PoolOptions;
use crate::store::{Store, StoreError};

/// The database to use.
#[derive(Debug, Args, Clone)]
pub struct DatabaseArgs {
    /// `sqlite://path` (default) or `postgres://user@host/db`.
    #[arg(long, env = "DATABASE_URL", default_value_t = Settings::default().database_url)]
    pub database_url: String,
}

/// A failed command, as printed to the operator.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Access(#[from] crate::access::AccessError),
}

impl From<diesel::result::Error> for CliError {
    fn from(e: diesel::result::Error) -> Self {
        CliError::Store(e.into())
    }
}

pub fn open_store(database: &DatabaseArgs) -> Result<Store, CliError> {
    let store = Store::open(
        &database.database_url,
        &PoolOptions {
            max_connections: 2,
            ..PoolOptions::default()
        },
    )?;
    Ok(store)
}

/// The context of a change an operator makes from the command line.
pub fn operator_context(clock: &dyn Clock) -> crate::access::WriteContext {
    crate::access::WriteContext::local(&operator(), clock.now_micros())
}

pub fn operator() -> Actor {
    Actor::new(
        ActorKind::Cli,
        std::env::var("USER").unwrap_or_else(|_| "operator".into()),
    )
}

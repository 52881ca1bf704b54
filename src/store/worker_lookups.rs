//! The one-statement lookups of PostgreSQL (`user_lookup`: a `userName eq`
//! lookup, a read by id) sent from the HTTP worker that serves them, over
//! a connection of the worker's own that tokio-postgres drives without
//! blocking, instead of handed to a reader thread.
//!
//! A reader thread costs a lookup two hops: the worker wakes the reader,
//! the reader wakes the worker with the answer, each a futex or an eventfd
//! and a context switch. At 1M users a lookup cost the server 124 us of CPU
//! and PostgreSQL 27.5 us; a profile of the server put 20% of it in the
//! scheduler (bench/results/2026-12-07T040000Z-one-statement-settle). Here
//! the worker writes the statement, serves other requests while PostgreSQL
//! answers, and reads the answer when its event loop says it came; the
//! lookups of one worker share its connection, pipelined.
//!
//! Only what needs nothing else is answered here: the statement's row, and
//! its groups as the catalog keeps them (`group_catalog::resolve_kept`).
//! Anything else is left to the readers as before (`None`): the connection
//! not open yet, or lost; a group the catalog does not keep; any error
//! (a read changes nothing, so asking again is safe, and the readers say
//! what an error means). The connection is opened only where the readers
//! connect without TLS, to a database on this host (`loopback_tls`); with
//! TLS every lookup goes to the readers, as before.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use tokio_postgres::config::SslMode;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, Config, NoTls, Row, Statement};

use super::group_catalog::GroupCatalog;
use super::opener::ConnectionOpener;

/// How long after a failed open a worker tries again.
const RETRY_OPEN_AFTER: Duration = Duration::from_secs(5);

/// The workers' connections of one store, one per worker thread.
pub struct WorkerLookups {
    opener: ConnectionOpener,
    statement_timeout: Option<Duration>,
    /// The readers' catalog of groups: a lookup uses what they keep.
    catalog: Arc<GroupCatalog>,
    /// How the workers connect, once the readers' URL is decided.
    config: OnceLock<Option<Config>>,
    slots: Mutex<HashMap<ThreadId, Slot>>,
}

/// A worker's connection.
enum Slot {
    Opening,
    Open(Arc<Open>),
    /// Its last open failed at this time.
    Failed(Instant),
}

struct Open {
    client: Client,
    /// Statements prepared on this connection, by name.
    prepared: Mutex<HashMap<&'static str, Statement>>,
}

/// A statement a worker may run: its name, its text (with `$1`, `$2`…),
/// and the number of its text parameters.
pub struct Lookup {
    pub name: &'static str,
    pub text: fn() -> String,
    pub texts: usize,
}

impl WorkerLookups {
    pub(super) fn new(
        opener: ConnectionOpener,
        statement_timeout: Option<Duration>,
        catalog: Arc<GroupCatalog>,
    ) -> WorkerLookups {
        WorkerLookups {
            opener,
            statement_timeout,
            catalog,
            config: OnceLock::new(),
            slots: Mutex::default(),
        }
    }

    pub(super) fn catalog(&self) -> &GroupCatalog {
        &self.catalog
    }

    fn slots(&self) -> MutexGuard<'_, HashMap<ThreadId, Slot>> {
        // Each change under the lock is one insert or remove: whole.
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The row `lookup` finds with `params`, if any, read on this thread's
    /// connection; `None` when this thread has none open (its first
    /// lookup starts opening it) or the statement failed (the connection
    /// is then dropped, and opened again by a later lookup).
    pub(super) async fn row(
        self: &Arc<Self>,
        lookup: &Lookup,
        params: &[Option<&str>],
    ) -> Option<Option<Row>> {
        let open = self.open_here()?;
        let found = async {
            let statement = open.statement(lookup).await?;
            let params: Vec<&(dyn ToSql + Sync)> =
                params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
            open.client.query_opt(&statement, &params).await
        }
        .await;
        match found {
            Ok(row) => {
                worker_lookup_metrics().answered.increment(1);
                Some(row)
            }
            Err(e) => {
                tracing::debug!(error = %e, "a lookup on the worker's connection failed; a reader answers it");
                worker_lookup_metrics().failed.increment(1);
                self.forget(&open);
                None
            }
        }
    }

    /// This thread's open connection; else `None`, having started to open
    /// one when none is opening and the last failure is old enough.
    fn open_here(self: &Arc<Self>) -> Option<Arc<Open>> {
        let here = thread::current().id();
        let mut slots = self.slots();
        match slots.get(&here) {
            Some(Slot::Open(open)) if !open.client.is_closed() => return Some(open.clone()),
            Some(Slot::Opening) => return None,
            Some(Slot::Failed(at)) if at.elapsed() < RETRY_OPEN_AFTER => return None,
            _ => {}
        }
        let config = self.config()?;
        // A worker runs one runtime on its own thread: the connection is
        // driven by the event loop of the thread that uses it.
        let runtime = tokio::runtime::Handle::try_current().ok()?;
        slots.insert(here, Slot::Opening);
        drop(slots);
        let this = Arc::clone(self);
        runtime.spawn(async move {
            let slot = match this.open(config).await {
                Ok(open) => Slot::Open(Arc::new(open)),
                Err(e) => {
                    tracing::warn!(error = %e, "could not open a worker's PostgreSQL connection; its lookups go to the readers");
                    Slot::Failed(Instant::now())
                }
            };
            this.slots().insert(here, slot);
        });
        None
    }

    /// How a worker connects; `None` unless the readers connect to this
    /// host without TLS (`read_config` says the rest).
    fn config(&self) -> Option<Config> {
        let url = self.opener.on_this_host()?;
        self.config.get_or_init(|| read_config(url)).clone()
    }

    async fn open(&self, config: Config) -> Result<Open, tokio_postgres::Error> {
        let (client, connection) = config.connect(NoTls).await?;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "a worker's PostgreSQL connection ended");
            }
        });
        if let Some(limit) = self.statement_timeout {
            client
                .batch_execute(&super::deadline::postgres_setting(limit))
                .await?;
        }
        Ok(Open {
            client,
            prepared: Mutex::default(),
        })
    }

    /// Drops this thread's connection if it is still `open`.
    fn forget(&self, open: &Arc<Open>) {
        let here = thread::current().id();
        let mut slots = self.slots();
        if matches!(slots.get(&here), Some(Slot::Open(o)) if Arc::ptr_eq(o, open)) {
            slots.remove(&here);
        }
    }
}

/// The readers' URL as the workers' client reads it, without TLS and
/// named apart from the readers in `pg_stat_activity`; `None` when the
/// client cannot read the URL (a libpq parameter it does not know).
fn read_config(url: &str) -> Option<Config> {
    match Config::from_str(url) {
        Ok(mut config) => {
            config.ssl_mode(SslMode::Disable);
            let name = config
                .get_application_name()
                .map_or_else(|| "gatehouse".to_owned(), str::to_owned);
            config.application_name(format!("{name} (lookups)"));
            Some(config)
        }
        Err(e) => {
            tracing::info!(error = %e, "lookups go to the readers: the database URL has a parameter the workers' client does not read");
            None
        }
    }
}

impl Open {
    /// `lookup`'s statement, prepared on first use.
    async fn statement(&self, lookup: &Lookup) -> Result<Statement, tokio_postgres::Error> {
        let kept = self
            .prepared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(lookup.name)
            .cloned();
        if let Some(statement) = kept {
            return Ok(statement);
        }
        let types = vec![Type::TEXT; lookup.texts];
        let statement = self.client.prepare_typed(&(lookup.text)(), &types).await?;
        self.prepared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(lookup.name, statement.clone());
        Ok(statement)
    }
}

/// Statements answered on a worker's connection, and those that failed
/// there (their lookups then go to the readers).
struct WorkerLookupMetrics {
    answered: metrics::Counter,
    failed: metrics::Counter,
}

fn worker_lookup_metrics() -> &'static WorkerLookupMetrics {
    static METRICS: std::sync::OnceLock<WorkerLookupMetrics> = std::sync::OnceLock::new();
    METRICS.get_or_init(|| WorkerLookupMetrics {
        answered: metrics::counter!("gatehouse_worker_lookups_total", "outcome" => "answered"),
        failed: metrics::counter!("gatehouse_worker_lookups_total", "outcome" => "failed"),
    })
}

#[cfg(test)]
mod tests {
    use super::read_config;

    #[test]
    fn the_workers_read_the_readers_url_without_tls_and_named_apart() {
        // (url, the application name the workers' connections carry;
        // None: the client cannot read the URL, lookups go to the readers)
        let cases: &[(&str, Option<&str>)] = &[
            (
                "postgres://postgres@127.0.0.1:5432/test",
                Some("gatehouse (lookups)"),
            ),
            (
                "postgres://u:p%40ss@localhost/db?options=-csearch_path%3Dx",
                Some("gatehouse (lookups)"),
            ),
            (
                "postgresql://u@[::1]/db?application_name=idp-sync&connect_timeout=5",
                Some("idp-sync (lookups)"),
            ),
            // libpq parameters the client does not know.
            ("postgres://u@127.0.0.1/db?service=gatehouse", None),
            (
                "postgres://u@127.0.0.1/db?fallback_application_name=x",
                None,
            ),
            ("postgres://u@127.0.0.1/db?sslmode=allow", None),
        ];
        for (url, name) in cases {
            let config = read_config(url);
            assert_eq!(
                config.as_ref().and_then(|c| c.get_application_name()),
                *name,
                "{url}"
            );
            if let Some(config) = config {
                assert_eq!(
                    config.get_ssl_mode(),
                    tokio_postgres::config::SslMode::Disable,
                    "{url}"
                );
            }
        }
    }
}

//! Opening connections: the backend a URL names, with its settings and
//! (SQLite) Gatehouse's `lower()`.

use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::{Connection, PgConnection, SqliteConnection};

use std::sync::{Arc, OnceLock};

use super::conn::{is_reusable, sqlite_path, Backend, DbConn};
use super::loopback_tls;

/// The log size (pages of 4 KiB) past which the writer's own SQLite
/// connection checkpoints after all: a backstop, far above what the
/// checkpoint thread (`checkpointer`) lets the log grow to.
const WRITER_CHECKPOINT_BACKSTOP: u32 = 16_000;

/// Opens connections of the backend named by the URL, so a SQLite path is
/// never handed to libpq (or the other way round).
#[derive(Debug, Clone)]
pub struct ConnectionOpener {
    /// The URL as given.
    url: String,
    /// A loopback PostgreSQL URL that leaves TLS unsaid, with TLS off; used
    /// once a connection has shown the database is on this host
    /// (`loopback_tls`).
    plain: Option<String>,
    /// The URL every connection is made with, once decided; shared by the
    /// opener's clones (the readers', the writer's, the pool's).
    decided: Arc<OnceLock<String>>,
    backend: Backend,
    /// Opens the writer's connection: on SQLite it leaves checkpoints to
    /// `checkpointer` up to a backstop.
    writer: bool,
}

impl ConnectionOpener {
    /// Opens connections to the database `url` names.
    pub(super) fn new(url: &str) -> ConnectionOpener {
        // libpq speaks TLS through OpenSSL, which by default frees its
        // global state in an exit handler, while another thread (a pool's
        // connector, a reader) may still be in a handshake: one in three
        // CLI runs against PostgreSQL crashed on exit. Initialised first
        // with OPENSSL_INIT_NO_ATEXIT (what `init` asks for), it never
        // does; the process's memory goes with the process anyway.
        openssl_sys::init();
        let backend = Backend::from_url(url);
        ConnectionOpener {
            url: url.to_owned(),
            plain: match backend {
                Backend::Postgres => loopback_tls::plain_variant_here(url),
                Backend::Sqlite => None,
            },
            decided: Arc::default(),
            backend,
            writer: false,
        }
    }

    /// Opens connections exactly as `url` says, without asking where the
    /// database was reached (`loopback_tls`): for a one-off check that it
    /// answers, which would otherwise open a second, plain connection just
    /// to close it, and ask again when the store opens.
    pub(super) fn as_written(url: &str) -> ConnectionOpener {
        ConnectionOpener {
            plain: None,
            ..ConnectionOpener::new(url)
        }
    }

    /// The same database, opened for the writer (see `writer`).
    pub(super) fn for_writes(&self) -> ConnectionOpener {
        ConnectionOpener {
            writer: true,
            ..self.clone()
        }
    }

    /// Which database the connections are to.
    pub(super) fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL as given, once a connection has shown the database listens
    /// on this host and connections are made without TLS (`loopback_tls`);
    /// `None` before that, and for any other database.
    pub(super) fn on_this_host(&self) -> Option<&str> {
        let plain = self.plain.as_ref()?;
        (self.decided.get() == Some(plain)).then_some(self.url.as_str())
    }

    /// Opens one connection and applies the backend's settings.
    pub(super) fn open(&self) -> Result<DbConn, diesel::ConnectionError> {
        let mut conn = match self.backend {
            Backend::Postgres => DbConn::Postgres(self.open_postgres()?),
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(sqlite_path(&self.url))?;
                super::case_fold::register(&mut conn)
                    .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                DbConn::Sqlite(conn)
            }
        };
        for statement in self.backend.connection_setup() {
            conn.batch_execute(statement)
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
        }
        if self.writer && self.backend == Backend::Sqlite {
            let backstop = WRITER_CHECKPOINT_BACKSTOP;
            conn.batch_execute(&format!("PRAGMA wal_autocheckpoint = {backstop}"))
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
        }
        Ok(conn)
    }

    /// A PostgreSQL connection: with the URL decided, or, for a loopback
    /// URL not decided yet, as written, asking the database where it was
    /// reached (see `loopback_tls`).
    fn open_postgres(&self) -> Result<PgConnection, diesel::ConnectionError> {
        if let Some(url) = self.decided.get() {
            return PgConnection::establish(url);
        }
        let mut conn = PgConnection::establish(&self.url)?;
        let Some(plain) = &self.plain else {
            return Ok(conn);
        };
        match loopback_tls::reached_on_loopback(&mut conn) {
            Some(true) => {
                if self.decided.set(plain.clone()).is_ok() {
                    loopback_tls::announce();
                }
                drop(conn);
                PgConnection::establish(plain)
            }
            Some(false) => {
                let _ = self.decided.set(self.url.clone());
                Ok(conn)
            }
            // Not known (the question failed): asked again next time.
            None => Ok(conn),
        }
    }
}

impl ManageConnection for ConnectionOpener {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        self.open().map_err(r2d2::Error::ConnectionError)
    }

    /// Asked by r2d2 only on check-out with `test_on_check_out`, which the
    /// store's pools leave off (`Store::begin_write` replaces a dead one).
    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        super::conn::ping(conn).map_err(r2d2::Error::QueryError)
    }

    /// A connection left inside a transaction, or whose transaction manager
    /// is in error (a failed rollback), is closed rather than reused.
    fn has_broken(&self, conn: &mut DbConn) -> bool {
        std::thread::panicking() || !is_reusable(conn)
    }
}

//! The connection: one `MultiConnection` over SQLite and PostgreSQL, and
//! what tells the two apart. A leaf: every other store module builds on it.

use diesel::{Connection, PgConnection, SqliteConnection};

/// One connection type for both databases; queries are written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

impl DbConn {
    /// Which database this connection is to.
    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Postgres(_) => Backend::Postgres,
            DbConn::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// Whether a connection can be handed to the next piece of work: not left
/// inside a transaction, and its transaction manager not in error.
pub fn is_reusable(conn: &mut DbConn) -> bool {
    use diesel::connection::TransactionManager;
    type Tm = <DbConn as Connection>::TransactionManager;
    matches!(
        Tm::transaction_manager_status_mut(conn).transaction_depth(),
        Ok(None)
    )
}

/// Asks the database for nothing (`SELECT 1`): whether the connection
/// still answers.
pub fn ping(conn: &mut DbConn) -> diesel::QueryResult<()> {
    use diesel::connection::SimpleConnection;
    conn.batch_execute("SELECT 1")
}

/// Whether a connection no longer answers [`ping`] (a PostgreSQL
/// connection whose server, network or idle timeout ended it).
pub fn is_dead(conn: &mut DbConn) -> bool {
    ping(conn).is_err()
}

/// Which database a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Picks the backend from a database URL: `postgres://` or `postgresql://`
    /// is PostgreSQL; `sqlite://path`, `sqlite:path` or a bare path is SQLite.
    pub fn from_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    /// Per-connection settings run right after a connection is opened.
    ///
    /// SQLite: WAL so readers never block the writer; `synchronous=FULL` so an
    /// acknowledged commit survives power loss, not just a process crash;
    /// foreign keys are off by default in SQLite and must be asked for.
    pub fn connection_setup(self) -> &'static [&'static str] {
        match self {
            Backend::Sqlite => &[
                "PRAGMA journal_mode = WAL",
                "PRAGMA synchronous = FULL",
                "PRAGMA foreign_keys = ON",
                "PRAGMA busy_timeout = 10000",
            ],
            Backend::Postgres => &[],
        }
    }

    /// Whether a read's statements run in one transaction.
    ///
    /// SQLite: yes. The statements of one read (a lookup checks the token,
    /// finds the user, loads its groups and entitlements) then see one
    /// snapshot, and SQLite takes its shared lock and WAL read mark once
    /// instead of once per statement (that bookkeeping was ~10% of a
    /// lookup's CPU). PostgreSQL: no; at READ COMMITTED a transaction would
    /// not give one snapshot, only two more round trips.
    pub fn reads_in_one_transaction(self) -> bool {
        self == Backend::Sqlite
    }

    /// The function that finds a substring, opened up to its first argument:
    /// `instr(hay, needle)` in SQLite, `strpos(hay, needle)` in PostgreSQL.
    pub fn substring_position(self) -> &'static str {
        match self {
            Backend::Sqlite => "instr(",
            Backend::Postgres => "strpos(",
        }
    }

    /// Makes text ordering compare code points on both databases: SQLite
    /// already does; PostgreSQL would otherwise use the locale's collation.
    pub fn binary_collation(self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => " COLLATE \"C\"",
        }
    }
}

/// The file path inside a SQLite URL.
pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_and_path_from_url() {
        let cases = [
            ("postgres://u@h/db", Backend::Postgres, None),
            ("postgresql://u@h/db", Backend::Postgres, None),
            (
                "sqlite://gatehouse.db",
                Backend::Sqlite,
                Some("gatehouse.db"),
            ),
            ("sqlite:/tmp/x.db", Backend::Sqlite, Some("/tmp/x.db")),
            ("/var/lib/g.db", Backend::Sqlite, Some("/var/lib/g.db")),
        ];
        for (url, backend, path) in cases {
            assert_eq!(Backend::from_url(url), backend, "{url}");
            if let Some(p) = path {
                assert_eq!(sqlite_path(url), p, "{url}");
            }
        }
    }
}

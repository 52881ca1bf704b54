//! One isolated database per test: a SQLite file in a temporary directory,
//! or, with GATEHOUSE_TEST_POSTGRES set, a new schema dropped afterwards.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

/// A database that lives as long as this value.
pub struct TestDb {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres {
        admin_url: String,
        schema: String,
    },
    /// Another `TestDb` owns it.
    Shared,
}

impl TestDb {
    /// A new empty database of the kind this test run uses.
    pub fn new() -> TestDb {
        match std::env::var("GATEHOUSE_TEST_POSTGRES") {
            Ok(url) if !url.is_empty() => TestDb::postgres(&url),
            _ => TestDb::sqlite(),
        }
    }

    /// The database `url` names, owned (and cleaned up) by another
    /// `TestDb`: a second app on one database.
    pub fn shared(url: &str) -> TestDb {
        TestDb {
            url: url.to_owned(),
            cleanup: Cleanup::Shared,
        }
    }

    /// A SQLite database, whatever this run targets.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("gatehouse.db").display());
        TestDb {
            url,
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    /// A PostgreSQL schema on the server at `admin_url`.
    pub fn postgres(admin_url: &str) -> TestDb {
        let schema = format!("gh_test_{}", uuid::Uuid::new_v4().simple());
        // Before libpq's first connection in this process starts OpenSSL: as
        // the store's opener does, so OpenSSL registers no exit handler that
        // frees its state under a thread still in a handshake (the test
        // binary crashed with SIGSEGV after every test had passed).
        openssl_sys::init();
        let mut conn = PgConnection::establish(admin_url).unwrap_or_else(|e| {
            panic!(
                "GATEHOUSE_TEST_POSTGRES is set but PostgreSQL is unreachable at {admin_url}: {e}"
            )
        });
        conn.batch_execute(&format!("CREATE SCHEMA {schema}"))
            .expect("create schema");
        let sep = if admin_url.contains('?') { '&' } else { '?' };
        let url = format!("{admin_url}{sep}options=-csearch_path%3D{schema}");
        TestDb {
            url,
            cleanup: Cleanup::Postgres {
                admin_url: admin_url.to_owned(),
                schema,
            },
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, schema } = &self.cleanup {
            if let Ok(mut conn) = PgConnection::establish(admin_url) {
                let _ = conn.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
            }
        }
    }
}

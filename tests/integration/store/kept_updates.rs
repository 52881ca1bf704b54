//! A user's update is prepared once per connection (`store::kept`), where
//! diesel would prepare every `UPDATE` anew: on SQLite that compiles all
//! of `users`' triggers into it each time, on PostgreSQL it parses and
//! plans it again.

use std::sync::{Arc, Mutex};

use diesel::connection::{Connection, Instrumentation, InstrumentationEvent, SimpleConnection};
use gatehouse::store::{users, DbConn};

use super::bare_connection;
use crate::support::db::TestDb;

/// The statements a connection prepared to keep.
#[derive(Clone, Default)]
struct KeptStatements(Arc<Mutex<Vec<String>>>);

impl Instrumentation for KeptStatements {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::CacheQuery { sql, .. } = event {
            self.0.lock().unwrap().push(sql.to_owned());
        }
    }
}

#[actix_web::test]
async fn a_users_update_is_prepared_once_per_connection() {
    let db = TestDb::new();
    let mut conn = bare_connection(&db.url);
    gatehouse::store::migrations::run_pending(&mut conn).unwrap();
    conn.batch_execute(
        "INSERT INTO directories (id, name, created_at) VALUES ('okta', 'Okta', 0);
         INSERT INTO users (id, directory_id, user_name, user_name_key, active, attributes,
                            version, created_at, updated_at, portal_only, suspended)
           VALUES ('u1', 'okta', 'Ann', 'ann', true, '{}', 1, 1, 1, false, false);",
    )
    .unwrap();
    let kept = KeptStatements::default();
    match &mut conn {
        DbConn::Sqlite(c) => c.set_instrumentation(kept.clone()),
        DbConn::Postgres(c) => c.set_instrumentation(kept.clone()),
    }

    for title in ["one", "two", "three"] {
        let mut row = users::find(&mut conn, Some("okta"), "u1").unwrap();
        row.attributes = format!(r#"{{"title": "{title}"}}"#);
        row.version += 1;
        users::update(&mut conn, &row).unwrap();
    }

    let row = users::find(&mut conn, Some("okta"), "u1").unwrap();
    assert_eq!(
        (row.version, row.attributes.as_str()),
        (4, r#"{"title": "three"}"#)
    );
    let updates: Vec<String> = kept
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|sql| sql.starts_with("UPDATE"))
        .cloned()
        .collect();
    assert_eq!(updates.len(), 1, "prepared to keep: {updates:?}");
    // A stale version still changes nothing (the optimistic check is in
    // the kept statement's WHERE).
    let mut stale = row.clone();
    stale.version = 3;
    assert!(users::update(&mut conn, &stale).is_err());
}

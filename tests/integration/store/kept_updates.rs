//! A user's update is prepared once per connection (`store::kept`), where
//! diesel would prepare every `UPDATE` anew: on SQLite that compiles all
//! of `users`' triggers into it each time, on PostgreSQL it parses and
//! plans it again. So is the read that locks the user first, which on
//! PostgreSQL selects the group catalog's version too (written as a
//! literal, it was parsed and planned at every PATCH). It sets only the
//! indexed columns that changed, and every change is written.

use std::sync::{Arc, Mutex};

use diesel::connection::{Connection, Instrumentation, InstrumentationEvent, SimpleConnection};
use gatehouse::store::models::UserRow;
use gatehouse::store::{users, DbConn};

use super::bare_connection;
use crate::support::db::TestDb;

/// The statements a connection prepared to keep.
#[derive(Clone, Default)]
pub(super) struct KeptStatements(pub(super) Arc<Mutex<Vec<String>>>);

impl Instrumentation for KeptStatements {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::CacheQuery { sql, .. } = event {
            self.0.lock().unwrap().push(sql.to_owned());
        }
    }
}

/// Has `conn` report its events to a clone of `instrumentation`.
pub(super) fn instrument<I: Instrumentation + Clone>(conn: &mut DbConn, instrumentation: &I) {
    match conn {
        DbConn::Sqlite(c) => c.set_instrumentation(instrumentation.clone()),
        DbConn::Postgres(c) => c.set_instrumentation(instrumentation.clone()),
    }
}

/// A migrated database with one user, `u1` of directory `okta`, and a
/// person `p1` it is not linked to.
pub(super) fn one_user(db: &TestDb) -> DbConn {
    let mut conn = bare_connection(&db.url);
    gatehouse::store::migrations::run_pending(&mut conn).unwrap();
    conn.batch_execute(
        "INSERT INTO directories (id, name, created_at) VALUES ('okta', 'Okta', 0);
         INSERT INTO persons (id, email_key, managed, live, created_at, updated_at)
           VALUES ('p1', NULL, true, true, 1, 1);
         INSERT INTO users (id, directory_id, user_name, user_name_key, active, attributes,
                            version, created_at, updated_at, portal_only, suspended)
           VALUES ('u1', 'okta', 'Ann', 'ann', true, '{}', 1, 1, 1, false, false);",
    )
    .unwrap();
    conn
}

#[actix_web::test]
async fn a_users_update_is_prepared_once_per_connection() {
    let db = TestDb::new();
    let mut conn = one_user(&db);
    let kept = KeptStatements::default();
    instrument(&mut conn, &kept);

    let on_postgres = matches!(conn, DbConn::Postgres(_));
    for title in ["one", "two", "three"] {
        let (before, catalog_version) = conn
            .transaction(|c| users::find_for_update(c, "okta", "u1"))
            .unwrap();
        // The version the migrations start the catalog at, on PostgreSQL.
        assert_eq!(catalog_version, on_postgres.then_some(0));
        let mut row = before.clone();
        row.attributes = format!(r#"{{"title": "{title}"}}"#);
        row.version += 1;
        users::update(&mut conn, &before, &row).unwrap();
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
    if on_postgres {
        let locked: Vec<String> = kept
            .0
            .lock()
            .unwrap()
            .iter()
            .filter(|sql| sql.contains("FOR UPDATE"))
            .cloned()
            .collect();
        assert_eq!(locked.len(), 1, "prepared to keep: {locked:?}");
        assert!(locked[0].contains("group_catalog_version"), "{locked:?}");
    }
    // A stale version still changes nothing (the optimistic check is in
    // the kept statement's WHERE).
    let mut stale = row.clone();
    stale.version = 3;
    assert!(users::update(&mut conn, &row, &stale).is_err());
}

#[actix_web::test]
async fn every_column_that_changed_is_written_alone_or_together() {
    let db = TestDb::new();
    let mut conn = one_user(&db);
    let changes: [fn(&mut UserRow); 10] = [
        |r| (r.user_name, r.user_name_key) = ("Bea".into(), "bea".into()),
        |r| r.external_id = Some("e-1".into()),
        |r| r.display_name = Some("Bea B.".into()),
        |r| r.active = false,
        |r| r.attributes = r#"{"title": "Boss"}"#.into(),
        |r| r.person_id = Some("p1".into()),
        |r| r.portal_only = true,
        |r| r.suspended = true,
        |r| r.email_verified = true,
        // All of them back at once.
        |r| {
            (r.user_name, r.user_name_key, r.external_id, r.display_name) =
                ("Ann".into(), "ann".into(), None, None);
            (r.active, r.attributes, r.person_id) = (true, "{}".into(), None);
            (r.portal_only, r.suspended, r.email_verified) = (false, false, false);
        },
    ];
    for change in changes {
        let before = users::find(&mut conn, Some("okta"), "u1").unwrap();
        let mut row = before.clone();
        change(&mut row);
        row.version += 1;
        row.updated_at += 1;
        users::update(&mut conn, &before, &row).unwrap();
        let stored = users::find(&mut conn, Some("okta"), "u1").unwrap();
        assert_eq!(format!("{stored:?}"), format!("{row:?}"));
    }
}

//! Settling licenses (`store::licenses::settle`, at the end of every write
//! that may move one) runs statements kept prepared, whatever the number
//! of persons: diesel's `IN (?, ?, …)` was prepared anew on each run on
//! SQLite, 7% of the writer thread's time in a member PATCH.

use std::sync::{Arc, Mutex};

use diesel::connection::{Connection, Instrumentation, InstrumentationEvent};
use diesel::RunQueryDsl;
use gatehouse::store::licenses;

use super::kept_updates::{instrument, one_user};
use crate::support::db::TestDb;

/// The statements a connection ran, and those it prepared to keep (each
/// without its binds).
#[derive(Clone, Default)]
struct Statements {
    ran: Arc<Mutex<Vec<String>>>,
    kept: Arc<Mutex<Vec<String>>>,
}

impl Instrumentation for Statements {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { query, .. } => {
                let text = query.to_string();
                let sql = text.split(" -- binds:").next().unwrap_or_default();
                self.ran.lock().unwrap().push(sql.to_owned());
            }
            InstrumentationEvent::CacheQuery { sql, .. } => {
                self.kept.lock().unwrap().push(sql.to_owned());
            }
            _ => {}
        }
    }
}

#[actix_web::test]
async fn settling_licenses_keeps_its_statements_prepared() {
    let db = TestDb::new();
    let mut conn = one_user(&db);
    let statements = Statements::default();
    instrument(&mut conn, &statements);
    // Noted persons in lists of several lengths, one of them an id that a
    // careless list would split or unquote.
    let odd = r#"p"{1,\2}"#;
    for persons in [
        vec!["u1"],
        vec!["u1", "p1"],
        vec!["p1", "u1", odd, "nobody"],
    ] {
        conn.transaction(|c| {
            for person in &persons {
                diesel::sql_query("INSERT INTO license_dirty (person_id) VALUES ($1)")
                    .bind::<diesel::sql_types::Text, _>(*person)
                    .execute(c)?;
            }
            licenses::settle(c)
        })
        .unwrap();
    }

    let ran = statements.ran.lock().unwrap().clone();
    let kept = statements.kept.lock().unwrap().clone();
    // What settling read and deleted (SQLite quotes names with `, and
    // PostgreSQL with ").
    let settling: Vec<&String> = ran
        .iter()
        .filter(|sql| {
            let bare = sql.replace(['`', '"'], "");
            [
                "FROM license_dirty",
                "FROM user_entitlements",
                "FROM licenses",
                "FROM users",
            ]
            .iter()
            .any(|read| bare.contains(read))
        })
        .collect();
    for table in ["license_dirty", "user_entitlements", "licenses", "users"] {
        assert!(
            settling.iter().any(|sql| sql.contains(table)),
            "nothing read from {table}: {ran:#?}"
        );
    }
    for sql in settling {
        assert!(
            kept.contains(sql),
            "run but not kept prepared: {sql}\nkept: {kept:#?}"
        );
    }
    // Every noted person was settled and its note cleared, the odd one too.
    let left: i64 = conn
        .transaction(|c| {
            diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "(SELECT count(*) FROM license_dirty)",
            ))
            .get_result(c)
        })
        .unwrap();
    assert_eq!(left, 0);
}

//! Settling licenses (`store::licenses::settle`, at the end of every write
//! that may move one) runs statements kept prepared, whatever the number
//! of persons: diesel's `IN (?, ?, …)` was prepared anew on each run on
//! SQLite, 7% of the writer thread's time in a member PATCH. The licenses
//! it adds go in one prepared statement too (`dialect::insert_licenses`).
//! On PostgreSQL the settle is one function whose statement keeps one plan
//! (migration 000032).

use std::sync::{Arc, Mutex};

use diesel::connection::{Connection, Instrumentation, InstrumentationEvent, SimpleConnection};
use diesel::prelude::*;
use gatehouse::store::{dialect, licenses, schema};

use super::kept_updates::{instrument, one_user};
use crate::support::db::TestDb;

/// The statements a connection ran, and those it prepared to keep (each
/// without its binds).
#[derive(Clone, Default)]
pub(super) struct Statements {
    pub(super) ran: Arc<Mutex<Vec<String>>>,
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
    // PostgreSQL with "; the accounts' entitlements are read user by
    // user, joined to their list). On PostgreSQL the persons are settled
    // by one function (migration 000032), which reads the rest.
    let on_postgres = matches!(conn, gatehouse::store::DbConn::Postgres(_));
    let settling: Vec<&String> = ran
        .iter()
        .filter(|sql| {
            let bare = sql.replace(['`', '"'], "");
            [
                "FROM license_dirty",
                "JOIN user_entitlements",
                "FROM user_entitlements",
                "FROM licenses",
                "FROM users",
                "settle_licenses(",
            ]
            .iter()
            .any(|read| bare.contains(read))
        })
        .collect();
    let read = match on_postgres {
        true => ["license_dirty", "settle_licenses"].as_slice(),
        false => ["license_dirty", "user_entitlements", "licenses", "users"].as_slice(),
    };
    for table in read {
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
    // The function's statement keeps one plan for any number of persons:
    // planned for a few, PostgreSQL would plan it again at every settle.
    if on_postgres {
        let config: String = conn
            .transaction(|c| {
                diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>(
                    "(SELECT array_to_string(proconfig, ',') FROM pg_proc \
                      WHERE proname = 'settle_licenses' \
                      AND pronamespace = current_schema()::regnamespace)",
                ))
                .get_result(c)
            })
            .unwrap();
        assert_eq!(config, "plan_cache_mode=force_generic_plan");
    }
}

/// Licenses are added in one statement kept prepared, whatever the number
/// of persons: a multi-row `VALUES` was parsed anew on every member PATCH.
/// A person already holding one is skipped; an odd id is kept whole.
#[actix_web::test]
async fn adding_licenses_keeps_its_statement_prepared() {
    let db = TestDb::new();
    let mut conn = one_user(&db);
    let statements = Statements::default();
    instrument(&mut conn, &statements);
    let odd = r#"p"{1,\2}"#;
    let mut added = Vec::new();
    for people in [
        vec!["p1"],
        vec!["p1", odd, "p2"],
        vec![odd, "p3", "p4", "p5"],
    ] {
        added.push(
            conn.transaction(|c| dialect::insert_licenses(c, "jira", &people))
                .unwrap(),
        );
    }
    assert_eq!(added, [1, 2, 3]);
    let mut held: Vec<String> = schema::licenses::table
        .filter(schema::licenses::product_key.eq("jira"))
        .select(schema::licenses::person_id)
        .load(&mut conn)
        .unwrap();
    held.sort();
    assert_eq!(held, [odd, "p1", "p2", "p3", "p4", "p5"]);

    let ran = statements.ran.lock().unwrap().clone();
    let kept = statements.kept.lock().unwrap().clone();
    let inserts: Vec<&String> = ran
        .iter()
        .filter(|sql| sql.contains("INSERT INTO licenses"))
        .collect();
    assert_eq!(inserts.len(), 3, "{ran:#?}");
    for sql in inserts {
        assert!(kept.contains(sql), "run but not kept prepared: {sql}");
    }
}

/// More notes than one round settles (500): the rounds go on until a short
/// one, and stop there without asking once more.
#[actix_web::test]
async fn settling_goes_round_by_round_and_stops_after_a_short_round() {
    let db = TestDb::new();
    let mut conn = one_user(&db);
    let statements = Statements::default();
    instrument(&mut conn, &statements);
    // Noted and settled in one transaction: on PostgreSQL a commit settles
    // what is left (migration 000034), and would leave nothing to settle.
    conn.transaction(|c| {
        for n in 0..1_201 {
            diesel::sql_query("INSERT INTO license_dirty (person_id) VALUES ($1)")
                .bind::<diesel::sql_types::Text, _>(format!("person-{n:04}"))
                .execute(c)?;
        }
        licenses::settle(c)
    })
    .unwrap();
    // Rounds of 500, 500 and 201 persons: three reads of the notes.
    let ran = statements.ran.lock().unwrap().clone();
    let reads = ran
        .iter()
        .filter(|sql| {
            sql.starts_with("SELECT") && sql.replace(['`', '"'], "").contains("FROM license_dirty")
        })
        .count();
    assert_eq!(reads, 3, "{ran:#?}");

    assert_eq!(notes_left(&mut conn), 0);
}

/// A cap check asks whether a license note waits (`licenses::used_settled`)
/// on every member PATCH of a capped product's group. The notes are a
/// queue: each written and deleted within its transaction, so between
/// vacuums the table is mostly dead rows (here the last ANALYZE saw
/// 20,000 that are gone since). PostgreSQL answered `EXISTS (SELECT 1
/// FROM license_dirty)` by reading them all, 1.1 ms at 1M users; the
/// question must go through the key's index.
#[actix_web::test]
async fn asking_whether_a_note_waits_reads_the_notes_index() {
    let db = TestDb::new();
    let mut conn = one_user(&db);
    if conn.backend() != gatehouse::store::Backend::Postgres {
        return;
    }
    conn.batch_execute(
        "INSERT INTO license_dirty (person_id)
           SELECT 'person-' || n FROM generate_series(1, 20000) AS n;
         ANALYZE license_dirty;
         DELETE FROM license_dirty;",
    )
    .unwrap();
    let statements = Statements::default();
    instrument(&mut conn, &statements);
    let used = conn
        .transaction(|c| licenses::used_settled(c, "p"))
        .unwrap();
    assert_eq!(used, 0);
    let ran = statements.ran.lock().unwrap().clone();
    let asked = ran
        .iter()
        .find(|sql| sql.contains("license_dirty"))
        .unwrap_or_else(|| panic!("no statement read the notes: {ran:#?}"));

    #[derive(QueryableByName)]
    struct Line {
        #[diesel(sql_type = diesel::sql_types::Text, column_name = "QUERY PLAN")]
        line: String,
    }
    let plan: Vec<String> = diesel::sql_query(format!("EXPLAIN {}", asked.replace("$1", "'p'")))
        .load::<Line>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|l| l.line)
        .collect();
    let plan = plan.join("\n");
    assert!(plan.contains("using license_dirty_pkey"), "{asked}\n{plan}");
    assert!(
        !plan.contains("Seq Scan on license_dirty"),
        "{asked}\n{plan}"
    );
}

/// A write's notes are settled by the time it commits, on both databases;
/// on PostgreSQL by the commit itself (the deferred trigger of migration
/// 000034), so the write sends no statement of its own for them: not even
/// the question whether it noted anyone, a round trip on every write.
#[actix_web::test]
async fn a_writes_notes_are_settled_by_its_commit() {
    let db = TestDb::new();
    let mut conn = one_user(&db);
    let on_postgres = matches!(conn, gatehouse::store::DbConn::Postgres(_));
    let statements = Statements::default();
    instrument(&mut conn, &statements);
    conn.transaction(|c| {
        licenses::settled(c, |c| {
            for person in ["p1", "u1", "nobody"] {
                diesel::sql_query("INSERT INTO license_dirty (person_id) VALUES ($1)")
                    .bind::<diesel::sql_types::Text, _>(person)
                    .execute(c)?;
            }
            diesel::QueryResult::Ok(())
        })
    })
    .unwrap();
    let ran = statements.ran.lock().unwrap().clone();
    let settling = ran
        .iter()
        .filter(|sql| {
            let bare = sql.replace(['`', '"'], "");
            bare.contains("FROM license_dirty") || bare.contains("settle_licenses(")
        })
        .count();
    match on_postgres {
        true => assert_eq!(settling, 0, "{ran:#?}"),
        false => assert!(settling > 0, "{ran:#?}"),
    }
    assert_eq!(notes_left(&mut conn), 0, "notes left after the commit");
}

/// PostgreSQL queues the commit's settle once per transaction (migration
/// 000036), at its first note; the one firing still settles every note at
/// commit: notes written after a settle the write ran itself (a license
/// cap's check, `licenses::settled_use`), and notes written after a savepoint that held the first
/// one was rolled back (which takes back the firing it queued).
#[actix_web::test]
async fn one_settle_at_commit_takes_every_note_of_the_write() {
    let db = TestDb::new();
    let mut conn = one_user(&db);
    let note = |c: &mut gatehouse::store::DbConn, person: &str| {
        diesel::sql_query("INSERT INTO license_dirty (person_id) VALUES ($1)")
            .bind::<diesel::sql_types::Text, _>(person)
            .execute(c)
            .map(drop)
    };
    // Noted, settled in the transaction, noted again.
    conn.transaction(|c| {
        licenses::settled(c, |c| {
            note(c, "u1")?;
            // As a license cap's check settles (`licensing::used_now`).
            assert_eq!(licenses::settled_use(c, "nothing-mapped")?, 0);
            assert_eq!(notes_left(c), 0, "the write's own settle");
            note(c, "p1")?;
            note(c, "nobody")
        })
    })
    .unwrap();
    assert_eq!(
        notes_left(&mut conn),
        0,
        "notes after a settle of the write's own"
    );
    // The first note in a savepoint rolled back, then others.
    conn.transaction(|c| {
        licenses::settled(c, |c| {
            let rolled_back: diesel::QueryResult<()> = c.transaction(|c| {
                note(c, "u1")?;
                Err(diesel::result::Error::RollbackTransaction)
            });
            assert!(rolled_back.is_err());
            assert_eq!(notes_left(c), 0, "the savepoint's note is gone");
            note(c, "p1")?;
            note(c, "u1")
        })
    })
    .unwrap();
    assert_eq!(
        notes_left(&mut conn),
        0,
        "notes after a rolled-back savepoint"
    );
    // The next transaction queues its own settle.
    conn.transaction(|c| licenses::settled(c, |c| note(c, "u1")))
        .unwrap();
    assert_eq!(notes_left(&mut conn), 0, "notes of the next transaction");
}

/// The commit's settle counts the roles the server counts: the trigger's
/// arguments are `entitlements::LICENSED_ROLES`, which a migration can
/// only copy.
#[actix_web::test]
async fn the_commits_settle_counts_the_servers_licensed_roles() {
    let db = TestDb::new();
    let mut conn = one_user(&db);
    if conn.backend() != gatehouse::store::Backend::Postgres {
        return;
    }
    #[derive(QueryableByName)]
    struct Argument {
        #[diesel(sql_type = diesel::sql_types::Text)]
        role: String,
    }
    // `tgargs` holds each argument ended by a NUL byte.
    let roles: Vec<String> = diesel::sql_query(
        "SELECT unnest(string_to_array(rtrim(encode(tgargs, 'escape'), '\\000'), '\\000')) AS role \
           FROM pg_trigger WHERE tgname = 'license_dirty_settled' \
           AND tgrelid = to_regclass('license_dirty')",
    )
    .load::<Argument>(&mut conn)
    .unwrap()
    .into_iter()
    .map(|a| a.role)
    .collect();
    assert_eq!(roles, gatehouse::store::entitlements::LICENSED_ROLES);
}

/// The license notes no settle has cleared yet.
fn notes_left(conn: &mut gatehouse::store::DbConn) -> i64 {
    schema::license_dirty::table
        .count()
        .get_result(conn)
        .unwrap()
}

//! The statistics the planners plan from: PostgreSQL replans lookups once
//! `users` has grown (and vacuums the tables that churn by design), and
//! SQLite's fixed statistics make every database, even an empty test one,
//! plan like a large deployment.

use super::{explain, plan};
use crate::support::TestApp;

/// PostgreSQL: a lookup whose generic plan was made while `users` was new
/// is planned again once the table has grown. diesel keeps statements
/// prepared; after five executions PostgreSQL may settle on a generic plan,
/// and on a nearly empty `users` table that plan reads any index starting
/// with the directory (the whole directory, per lookup, once it has grown).
/// The store analyzes grown tables (`store::analyze`), which drops such
/// plans on every connection.
#[actix_web::test]
async fn postgres_replans_lookups_once_the_users_table_has_grown() {
    use diesel::prelude::*;
    use diesel::sql_types::Text;
    use gatehouse::store::schema::users;
    use gatehouse::store::{analyze, DbConn, StoreError};

    #[derive(QueryableByName)]
    struct Line {
        #[diesel(sql_type = Text)]
        text: String,
    }
    #[derive(QueryableByName)]
    struct PlanLine {
        #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
        line: String,
    }

    let app = TestApp::new().await;
    if app.state.store.backend() != gatehouse::store::Backend::Postgres {
        return;
    }
    let directory = app.directory.id.clone();
    // One closure, so one connection: the prepared statement, its cached
    // plan and the check all live on it.
    let plan = app
        .state
        .store
        .read(move |conn| -> Result<String, StoreError> {
            let lookups = |conn: &mut DbConn| -> Result<(), StoreError> {
                let DbConn::Postgres(c) = conn else {
                    unreachable!("checked above")
                };
                for n in 0..10 {
                    users::table
                        .filter(users::directory_id.eq(&directory))
                        .filter(users::user_name_key.eq(format!("user{n}")))
                        .select(users::id)
                        .load::<String>(c)?;
                }
                Ok(())
            };
            lookups(conn)?;
            diesel::sql_query(
                "INSERT INTO users (id, directory_id, user_name, user_name_key, external_id, \
                 display_name, active, attributes, version, created_at, updated_at) \
                 SELECT 'u' || i, $1, 'user' || i, 'user' || i, NULL, 'User ' || i, true, '{}', 1, i, i \
                 FROM generate_series(1, 5000) i",
            )
            .bind::<Text, _>(&directory)
            .execute(conn)?;
            // The change counts reach pg_stat_user_tables when this
            // backend next reports its statistics.
            diesel::sql_query("SELECT pg_stat_force_next_flush()::text AS text").load::<Line>(conn)?;
            diesel::sql_query("SELECT 'flushed' AS text").load::<Line>(conn)?;
            let analyzed = analyze::analyze_grown_tables(conn)?;
            assert!(analyzed.contains(&"users".to_owned()), "{analyzed:?}");
            lookups(conn)?;
            let name: Vec<Line> = diesel::sql_query(
                "SELECT name AS text FROM pg_prepared_statements \
                 WHERE statement LIKE '%user_name_key%' ORDER BY prepare_time LIMIT 1",
            )
            .load(conn)?;
            let plan: Vec<PlanLine> = diesel::sql_query(format!(
                "EXPLAIN EXECUTE {}('{directory}', 'user42')",
                name[0].text
            ))
            .load(conn)?;
            Ok(plan.into_iter().map(|l| l.line).collect::<Vec<_>>().join("\n"))
        })
        .await
        .unwrap();
    assert!(
        plan.contains("users_directory_user_name"),
        "the lookup should use the unique index:\n{plan}"
    );
}

/// SQLite plans with fixed statistics that describe a large deployment
/// (migration 000005): every index has them, so no query is planned from
/// SQLite's defaults, and adding an index without its row fails here.
#[actix_web::test]
async fn every_sqlite_index_has_fixed_planner_statistics() {
    use diesel::sql_types::Text;
    use diesel::{QueryableByName, RunQueryDsl};
    use gatehouse::store::{DbConn, StoreError};

    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = Text)]
        name: String,
    }
    let app = TestApp::new().await;
    if app.state.store.backend() != gatehouse::store::Backend::Sqlite {
        return;
    }
    let missing = app
        .state
        .store
        .read_now(|conn| -> Result<Vec<String>, StoreError> {
            let DbConn::Sqlite(c) = conn else {
                unreachable!("checked above")
            };
            Ok(diesel::sql_query(
                "SELECT name FROM sqlite_master WHERE type = 'index' \
                 AND tbl_name <> '__diesel_schema_migrations' \
                 AND name NOT IN (SELECT idx FROM sqlite_stat1 WHERE idx IS NOT NULL) \
                 ORDER BY name",
            )
            .load::<Name>(c)?
            .into_iter()
            .map(|n| n.name)
            .collect())
        })
        .unwrap();
    assert!(
        missing.is_empty(),
        "indexes without statistics: {missing:?}"
    );
}

/// With those statistics an empty test database is planned like a million
/// users: paged lookups find their user by the selective index and sort
/// it, rather than walk the directory in creation order (200 ms at 1M
/// users), and a page of users reads its members' groups from their
/// memberships, rather than scanning every group (seen with statistics
/// gathered while `groups` held one row).
#[actix_web::test]
async fn sqlite_plans_every_database_as_a_large_one() {
    let app = TestApp::new().await;
    if app.state.store.backend() != gatehouse::store::Backend::Sqlite {
        return;
    }
    let page = "ORDER BY users.created_at ASC, users.id ASC LIMIT 10 OFFSET 0";
    let cases = [
        (
            format!("SELECT users.id FROM users WHERE users.directory_id = 'd' AND (users.external_id IS NOT NULL AND users.external_id = 'x') {page}"),
            "USING INDEX users_directory_external_id",
        ),
        (
            format!("SELECT users.id FROM users WHERE users.directory_id = 'd' AND users.id IN (SELECT ue.user_id FROM user_emails ue WHERE ue.value_key = 'x') {page}"),
            "USING INDEX user_emails_value",
        ),
        (
            format!("SELECT users.id FROM users WHERE users.directory_id = 'd' AND (users.display_name IS NOT NULL AND lower(users.display_name) = lower('x')) {page}"),
            "USING INDEX users_directory_display_name",
        ),
        (
            "SELECT m.member_id, g.id FROM memberships m JOIN \"groups\" g ON g.id = m.group_id \
             JOIN users u ON u.id = m.member_id WHERE m.member_id IN ('a', 'b', 'c') \
             ORDER BY g.display_name_key, g.id"
                .to_owned(),
            "SEARCH m USING COVERING INDEX memberships_member (member_id=?)",
        ),
        (
            "SELECT user_id FROM user_entitlements WHERE user_id IN ('a', 'b', 'c')".to_owned(),
            "SEARCH m USING COVERING INDEX memberships_member (member_id=?)",
        ),
    ];
    // `userName sw` reads a range of the key's index.
    let plan = plan(
        &app,
        gatehouse::scim::schema::ResourceKind::User,
        "userName sw \"User01\"",
    );
    assert!(
        plan.contains(
            "users_directory_user_name (directory_id=? AND user_name_key>? AND user_name_key<?)"
        ),
        "userName sw should read a range of keys:\n{plan}"
    );
    for (query, expected) in cases {
        let plan = explain(&app, &query);
        assert!(
            plan.contains(expected),
            "{query}\nshould use {expected}:\n{plan}"
        );
        assert!(
            !plan.contains("USING INDEX users_directory_created")
                && !plan.contains("SCAN g")
                && !plan.contains("SCAN users"),
            "{query}\nwalks a table:\n{plan}"
        );
    }
}

/// PostgreSQL: a churned table (rows written and cleared by design, here
/// the licenses' notes) is vacuumed by the store once more rows were
/// written to it since its last vacuum than 1,000 plus its live ones, and
/// left alone before and after (even when a transaction elsewhere keeps
/// the vacuum from removing the dead rows, as other tests' may).
#[actix_web::test]
async fn postgres_vacuums_churned_tables_once_per_thousand_rows_written() {
    use diesel::RunQueryDsl;
    use gatehouse::store::{analyze, StoreError};

    let app = TestApp::new().await;
    if app.state.store.backend() != gatehouse::store::Backend::Postgres {
        assert!(app.state.store.vacuum_churned().await.unwrap().is_empty());
        return;
    }
    // A snapshot held open elsewhere, taken before any row dies: the
    // vacuum then cannot remove the dead rows, and must not run again
    // for them.
    let url = std::env::var("GATEHOUSE_TEST_POSTGRES").unwrap();
    let mut holder = <diesel::PgConnection as diesel::Connection>::establish(&url).unwrap();
    diesel::connection::SimpleConnection::batch_execute(
        &mut holder,
        "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 1",
    )
    .unwrap();
    let rounds = app
        .state
        .store
        .read(move |conn| -> Result<Vec<Vec<String>>, StoreError> {
            let flush = |conn: &mut gatehouse::store::DbConn| -> Result<(), StoreError> {
                // This backend's change counts reach pg_stat_user_tables
                // when it next reports (after the next statement).
                diesel::sql_query("SELECT pg_stat_force_next_flush()").execute(conn)?;
                diesel::sql_query("SELECT 1").execute(conn)?;
                Ok(())
            };
            let churn = |conn: &mut gatehouse::store::DbConn, n: i32| -> Result<(), StoreError> {
                diesel::sql_query(format!(
                    "INSERT INTO license_dirty (person_id) \
                     SELECT 'churn-' || g FROM generate_series(1, {n}) g"
                ))
                .execute(conn)?;
                diesel::sql_query("DELETE FROM license_dirty WHERE person_id LIKE 'churn-%'")
                    .execute(conn)?;
                flush(conn)
            };
            let mut rounds = Vec::new();
            churn(conn, 500)?;
            rounds.push(analyze::vacuum_churned(conn)?);
            churn(conn, 1000)?;
            rounds.push(analyze::vacuum_churned(conn)?);
            flush(conn)?;
            rounds.push(analyze::vacuum_churned(conn)?);
            Ok(rounds)
        })
        .await
        .unwrap();
    drop(holder);
    assert_eq!(
        rounds,
        vec![vec![], vec!["license_dirty".to_owned()], vec![]],
        "500 rows written wait, 1,500 are vacuumed, and then none are due"
    );
}

//! Query plans: the lookups IdPs and auditors make are index lookups on
//! both databases.

use crate::support::TestApp;

/// The plan the database chooses for `SELECT id FROM <table> WHERE <directory> AND <filter>`,
/// as text. Bound values are inlined as literals (test data only).
fn plan(app: &TestApp, kind: gatehouse::scim::schema::ResourceKind, filter: &str) -> String {
    use gatehouse::scim::schema::ResourceKind;

    let parsed = gatehouse::scim::filter::parse(filter).unwrap();
    let condition = gatehouse::store::sql_filter::compile(
        &parsed,
        &app.state.registry(),
        kind,
        app.state.store.backend(),
    )
    .unwrap();
    let sql = inline(&condition);
    let table = match kind {
        ResourceKind::User => "users",
        ResourceKind::Group => "\"groups\"",
    };
    let query =
        format!("SELECT {table}.id FROM {table} WHERE {table}.directory_id = 'd' AND {sql}");
    explain(app, &query)
}

/// `condition` with its binds spliced in as literals (for `EXPLAIN` only).
fn inline(condition: &gatehouse::store::sql_filter::SqlCondition) -> String {
    let (text, binds) = condition.describe();
    let mut sql = String::new();
    let mut binds = binds.into_iter();
    for c in text.chars() {
        if c == '?' {
            sql.push_str(&format!("'{}'", binds.next().unwrap().replace('\'', "''")));
        } else {
            sql.push(c);
        }
    }
    sql
}

/// The database's plan for `query`.
fn explain(app: &TestApp, query: &str) -> String {
    use diesel::sql_types::Text;
    use diesel::{QueryableByName, RunQueryDsl};
    use gatehouse::store::DbConn;

    #[derive(QueryableByName)]
    struct SqlitePlan {
        #[diesel(sql_type = Text)]
        detail: String,
    }
    #[derive(QueryableByName)]
    struct PgPlan {
        #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
        line: String,
    }
    app.state
        .store
        .read_now(|conn| -> Result<String, gatehouse::store::StoreError> {
            Ok(match conn {
                DbConn::Sqlite(c) => diesel::sql_query(format!("EXPLAIN QUERY PLAN {query}"))
                    .load::<SqlitePlan>(c)?
                    .into_iter()
                    .map(|r| r.detail)
                    .collect::<Vec<_>>()
                    .join("\n"),
                DbConn::Postgres(c) => {
                    // Tiny test tables would be scanned anyway: ask whether an index *can* serve.
                    diesel::sql_query("SET enable_seqscan = off").execute(c)?;
                    diesel::sql_query("SET enable_bitmapscan = off").execute(c)?;
                    let lines = diesel::sql_query(format!("EXPLAIN {query}"))
                        .load::<PgPlan>(c)?
                        .into_iter()
                        .map(|r| r.line)
                        .collect::<Vec<_>>()
                        .join("\n");
                    diesel::sql_query("RESET enable_seqscan").execute(c)?;
                    diesel::sql_query("RESET enable_bitmapscan").execute(c)?;
                    lines
                }
            })
        })
        .unwrap()
}

#[actix_web::test]
async fn identity_lookups_are_index_lookups_on_both_databases() {
    use gatehouse::scim::schema::ResourceKind::{Group, User};
    let app = TestApp::new().await;
    // Enough rows in one directory, with statistics, that PostgreSQL's planner
    // tells the selective indexes from the directory prefix they share. Only
    // this test's tables are analyzed: a bare ANALYZE walks every schema of
    // the database, including those other tests are dropping.
    if let gatehouse::store::Backend::Postgres = app.state.store.backend() {
        use diesel::connection::SimpleConnection;
        app.state
            .store
            .write_now(|conn| -> Result<(), gatehouse::store::StoreError> {
                conn.batch_execute(
                    "INSERT INTO directories VALUES ('d', 'd', 0);
                     INSERT INTO users (id, directory_id, user_name, user_name_key, external_id, display_name,
                                        active, attributes, version, created_at, updated_at)
                       SELECT 'u' || g, 'd', 'n' || g, 'n' || g, 'e' || g, 'D' || g, true, '{}', 1, g, g
                       FROM generate_series(1, 3000) g;
                     INSERT INTO user_emails SELECT 'u' || g, 'm' || g FROM generate_series(1, 3000) g;
                     INSERT INTO \"groups\" (id, directory_id, display_name, display_name_key, external_id,
                                          attributes, version, created_at, updated_at)
                       SELECT 'g' || g, 'd', 'G' || g, 'g' || g, 'x' || g, '{}', 1, g, g
                       FROM generate_series(1, 3000) g;
                     ANALYZE users, user_emails, \"groups\";",
                )
                .map_err(gatehouse::store::StoreError::Database)
            })
            .unwrap();
    }
    let cases = [
        (
            User,
            "userName eq \"bjensen@example.com\"",
            "users_directory_user_name",
        ),
        (
            User,
            "externalId eq \"a1b2\"",
            "users_directory_external_id",
        ),
        (
            User,
            "emails.value eq \"b@example.com\"",
            "user_emails_value",
        ),
        (
            User,
            "emails[value eq \"b@example.com\"]",
            "user_emails_value",
        ),
        (
            User,
            "displayName eq \"Babs\"",
            "users_directory_display_name",
        ),
        (
            Group,
            "displayName eq \"Sales\"",
            "groups_directory_display_name",
        ),
        (
            Group,
            "externalId eq \"g-1\"",
            "groups_directory_external_id",
        ),
    ];
    for (kind, filter, index) in cases {
        let plan = plan(&app, kind, filter);
        assert!(plan.contains(index), "{filter} should use {index}:\n{plan}");
        assert!(
            !plan.contains("SCAN users") && !plan.contains("SCAN groups"),
            "{filter} scans:\n{plan}"
        );
    }
}

/// A registered extension's attributes get expression indexes, and their
/// filters are written so that the database uses them (both databases).
#[actix_web::test]
async fn registered_extension_filters_are_index_lookups() {
    use gatehouse::scim::schema::ResourceKind::User;
    let urn = "urn:ietf:params:scim:schemas:extension:Acme:2.0:User";
    let app = TestApp::new().await;
    let r = app
        .admin_post(
            "/schemas",
            &serde_json::json!({"id": urn, "attributes": [
                {"name": "badge", "type": "string"},
                {"name": "level", "type": "integer"},
                {"name": "office", "type": "complex", "subAttributes": [
                    {"name": "building", "type": "string", "caseExact": true}
                ]}
            ]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    if let gatehouse::store::Backend::Postgres = app.state.store.backend() {
        use diesel::connection::SimpleConnection;
        app.state
            .store
            .write_now(|conn| -> Result<(), gatehouse::store::StoreError> {
                conn.batch_execute(&format!(
                    "INSERT INTO directories (id, name, created_at) VALUES ('d', 'd', 0);
                     INSERT INTO users (id, directory_id, user_name, user_name_key, active, attributes,
                                        version, created_at, updated_at, portal_only, suspended)
                       SELECT 'u' || g, 'd', 'n' || g, 'n' || g, true,
                              '{{\"{urn}\": {{\"badge\": \"B' || g || '\", \"level\": ' || g || ',
                                \"office\": {{\"building\": \"H' || g || '\"}}}}}}', 1, g, g, false, false
                       FROM generate_series(1, 3000) g;
                     ANALYZE users;"
                ))
                .map_err(gatehouse::store::StoreError::Database)
            })
            .unwrap();
    }
    for filter in [
        format!("{urn}:badge eq \"B7\""),
        format!("{urn}:level eq 7"),
        format!("{urn}:level gt 2990"),
        format!("{urn}:office.building eq \"H7\""),
    ] {
        let plan = plan(&app, User, &filter);
        assert!(
            plan.contains("ext_u_"),
            "{filter} should use its index:\n{plan}"
        );
        assert!(!plan.contains("SCAN users"), "{filter} scans:\n{plan}");
    }
}

/// A cursor page starts at its position in the `(directory, created, id)`
/// index on both databases, rather than walking the directory from its
/// first user to get there.
#[actix_web::test]
async fn cursor_pages_seek_into_the_creation_order_index() {
    use gatehouse::scim::query::{ListOrder, ListRequest, Position};
    use gatehouse::scim::schema::ResourceKind::{Group, User};
    use gatehouse::store::sql_filter::ListQuery;

    let app = TestApp::new().await;
    for (kind, table, index) in [
        (User, "users", "users_directory_created"),
        (Group, "\"groups\"", "groups_directory_created"),
    ] {
        for after in [true, false] {
            let request = ListRequest {
                filter: None,
                order: ListOrder::Creation { descending: !after },
                position: Some(Position {
                    created_us: 1_700_000_000_000_000,
                    id: "some-id".into(),
                    after,
                }),
                offset: 0,
                limit: 10,
            };
            let query = ListQuery::compile(
                &request,
                &app.state.registry(),
                kind,
                app.state.store.backend(),
            )
            .unwrap();
            let condition = inline(query.seek.as_ref().unwrap());
            let direction = if after { "ASC" } else { "DESC" };
            let plan = explain(
                &app,
                &format!(
                    "SELECT {table}.id FROM {table} WHERE {table}.directory_id = 'd' AND {condition} \
                     ORDER BY {table}.created_at {direction}, {table}.id {direction} LIMIT 10"
                ),
            );
            let sought = match app.state.store.backend() {
                gatehouse::store::Backend::Sqlite => {
                    plan.contains(&format!("{index} (directory_id=? AND (created_at,id)"))
                }
                gatehouse::store::Backend::Postgres => {
                    plan.contains(index) && plan.contains("Index Cond") && plan.contains("ROW(")
                }
            };
            assert!(sought, "{table}, after={after}:\n{plan}");
        }
    }
}

/// An entitlements filter starts from the product mappings (a few hundred
/// rows at most) and reaches the mapped groups' memberships by primary
/// key; it never scans memberships or users. (SQLite, with its fixed
/// statistics; PostgreSQL plans from its own.)
#[actix_web::test]
async fn entitlement_filters_start_from_the_mapped_groups() {
    use gatehouse::scim::schema::ResourceKind::User;
    let app = TestApp::new().await;
    if app.state.store.backend() != gatehouse::store::Backend::Sqlite {
        return;
    }
    for filter in [
        "entitlements[value eq \"wiki:user\"]",
        "urn:gatehouse:scim:schemas:extension:access:1.0:User:grants[product eq \"wiki\"]",
    ] {
        let plan = plan(&app, User, filter);
        for line in plan.lines().filter(|l| l.contains("SCAN ")) {
            assert!(
                ["SCAN gmx", "SCAN gm ", "SCAN p "]
                    .iter()
                    .any(|t| line.contains(t)),
                "{filter} scans more than the mappings: {line}\n{plan}"
            );
        }
        assert!(
            plan.contains(
                "SEARCH m USING COVERING INDEX sqlite_autoindex_memberships_1 (group_id=?)"
            ),
            "{filter} should reach memberships by group:\n{plan}"
        );
        assert!(
            !plan.contains("SCAN m "),
            "{filter} scans memberships:\n{plan}"
        );
    }
}

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
            "SEARCH m USING INDEX memberships_member (member_id=?)",
        ),
        (
            "SELECT user_id FROM user_entitlements WHERE user_id IN ('a', 'b', 'c')".to_owned(),
            "SEARCH m USING INDEX memberships_member (member_id=?)",
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

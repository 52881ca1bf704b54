//! Query plans: the lookups IdPs and auditors make are index lookups on
//! both databases. The helpers here ask the database for its plan;
//! `compiled` checks the SQL the store compiles from SCIM requests, and
//! `statistics` the statistics both planners plan from.

mod compiled;
mod pages;
mod reports;
mod statistics;
mod windows;

use crate::support::TestApp;

/// The plan the database chooses for `SELECT id FROM <table> WHERE <directory> AND <filter>`,
/// as text. Bound values are inlined as literals (test data only).
fn plan(app: &TestApp, kind: gatehouse::scim::schema::ResourceKind, filter: &str) -> String {
    use gatehouse::scim::schema::ResourceKind;

    let sql = compiled(app, kind, filter);
    let table = match kind {
        ResourceKind::User => "users",
        ResourceKind::Group => "\"groups\"",
    };
    let query =
        format!("SELECT {table}.id FROM {table} WHERE {table}.directory_id = 'd' AND {sql}");
    explain(app, &query)
}

/// The SQL condition the store compiles from a SCIM `filter` on this
/// app's backend, binds inlined (for `EXPLAIN` only).
fn compiled(app: &TestApp, kind: gatehouse::scim::schema::ResourceKind, filter: &str) -> String {
    let parsed = gatehouse::scim::filter::parse(filter).unwrap();
    let condition = gatehouse::store::sql_filter::compile(
        &parsed,
        &app.state.registry(),
        kind,
        app.state.store.backend(),
    )
    .unwrap();
    inline(&condition)
}

/// How this app's database names a read of `index` alone in its plan.
fn index_only(app: &TestApp, index: &str) -> String {
    match app.state.store.backend() {
        gatehouse::store::Backend::Sqlite => format!("COVERING INDEX {index}"),
        gatehouse::store::Backend::Postgres => format!("Index Only Scan using {index}"),
    }
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

/// Directory `d` with 3,000 users (`u1`…, named `n1`…, created at 1…):
/// the start of most seeds given to [`on_postgres`].
pub(super) const THREE_THOUSAND_USERS: &str = "INSERT INTO directories VALUES ('d', 'd', 0);
     INSERT INTO users (id, directory_id, user_name, user_name_key, external_id, display_name,
                        active, attributes, version, created_at, updated_at)
       SELECT 'u' || g, 'd', 'n' || g, 'n' || g, 'e' || g, 'D' || g, true, '{}', 1, g, g
       FROM generate_series(1, 3000) g;";

/// Runs `sql` on PostgreSQL only: rows and statistics enough that its
/// planner, which plans an empty table any way at all, tells the indexes
/// apart. Only the test's own tables should be analyzed: a bare ANALYZE
/// walks every schema of the database, including those other tests are
/// dropping.
pub(super) fn on_postgres(app: &TestApp, sql: &str) {
    use diesel::connection::SimpleConnection;
    if app.state.store.backend() != gatehouse::store::Backend::Postgres {
        return;
    }
    app.state
        .store
        .write_now(|conn| -> Result<(), gatehouse::store::StoreError> {
            conn.batch_execute(sql)
                .map_err(gatehouse::store::StoreError::Database)
        })
        .unwrap();
}

//! A page's size is written into its statement, and its `OFFSET` only
//! when there is one (`store::page_window`): PostgreSQL keeps one generic
//! plan for a filter's pages instead of planning every page anew, which
//! it did while it guessed a bound `LIMIT` and `OFFSET` at a tenth of the
//! matches each.

use gatehouse::scim::query::{ListOrder, ListRequest};
use gatehouse::scim::schema::ResourceKind;
use gatehouse::store::sql_filter::ListQuery;
use gatehouse::store::{users, Backend, DbConn, StoreError};

use super::super::kept_updates::{instrument, KeptStatements};
use super::{on_postgres, THREE_THOUSAND_USERS};
use crate::scim::ENTERPRISE;
use crate::support::TestApp;

fn department_page(app: &TestApp, offset: u64, limit: u64) -> ListQuery {
    let request = ListRequest {
        filter: Some(
            gatehouse::scim::filter::parse(&format!("{ENTERPRISE}:department eq \"Finance\""))
                .unwrap(),
        ),
        order: ListOrder::Creation { descending: false },
        position: None,
        offset,
        limit,
        count_total: true,
    };
    ListQuery::compile(
        &request,
        &app.state.registry(),
        ResourceKind::User,
        app.state.store.backend(),
    )
    .unwrap()
}

#[derive(diesel::QueryableByName, Debug)]
struct Prepared {
    #[diesel(sql_type = diesel::sql_types::Text)]
    statement: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    generic_plans: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    custom_plans: i64,
}

#[actix_web::test]
async fn a_filters_pages_keep_one_generic_plan() {
    let app = TestApp::new().await;
    // Every one of 3,000 users in Finance: a page of 100 is a thirtieth
    // of the matches, where a generic plan guessed a tenth.
    on_postgres(
        &app,
        &format!(
            "{THREE_THOUSAND_USERS}
             UPDATE users SET attributes = '{{\"{ENTERPRISE}\": {{\"department\": \"Finance\"}}}}';
             ANALYZE users;"
        ),
    );
    let pages = [
        // (offset, limit, what the statement ends with)
        (0, 100, "LIMIT 100"),
        // A cursor page's look-ahead.
        (0, 101, "LIMIT 101"),
        // A size no client is known to ask for is bound, as before.
        (0, 37, "LIMIT ?"),
        (200, 100, "LIMIT 100 OFFSET ?"),
    ];
    let queries: Vec<ListQuery> = pages
        .iter()
        .map(|(offset, limit, _)| department_page(&app, *offset, *limit))
        .collect();
    let kept = KeptStatements::default();
    let seen = kept.clone();
    let prepared = app
        .state
        .store
        .read(move |conn| -> Result<Vec<Prepared>, StoreError> {
            instrument(conn, &seen);
            for query in &queries {
                // Past the five executions PostgreSQL plans for their
                // values before it weighs a generic plan.
                for _ in 0..8 {
                    users::list_read(conn, Some("d"), query, false)?;
                }
            }
            Ok(match conn {
                DbConn::Postgres(c) => {
                    use diesel::RunQueryDsl;
                    diesel::sql_query(
                        "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements \
                         WHERE statement LIKE '%lower(users.department)%' ORDER BY prepare_time",
                    )
                    .load(c)?
                }
                DbConn::Sqlite(_) => Vec::new(),
            })
        })
        .await
        .unwrap();

    let kept = kept.0.lock().unwrap().clone();
    let placeholder = match app.state.store.backend() {
        Backend::Sqlite => "?",
        Backend::Postgres => "$",
    };
    for (_, _, tail) in pages {
        let tail = tail.replace('?', placeholder);
        assert!(
            kept.iter().any(
                |sql| sql.contains("department") && unnumbered(sql).trim_end().ends_with(&tail)
            ),
            "no page statement ends with {tail:?}: {kept:#?}"
        );
    }
    if app.state.store.backend() != Backend::Postgres {
        return;
    }
    let first = prepared
        .iter()
        .find(|p| p.statement.trim_end().ends_with("LIMIT 100"))
        .unwrap_or_else(|| panic!("no first page of 100: {prepared:#?}"));
    assert!(
        first.generic_plans > 0 && first.custom_plans <= 5,
        "the first page of 100 is planned anew every time: {first:#?}"
    );
}

/// `sql` with PostgreSQL's numbered placeholders unnumbered (`$4` as `$`).
fn unnumbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut after_dollar = false;
    for c in sql.chars() {
        if after_dollar && c.is_ascii_digit() {
            continue;
        }
        after_dollar = c == '$' || (after_dollar && c.is_ascii_digit());
        out.push(c);
    }
    out
}

//! The kept totals every list reads (a directory's users, a value's users)
//! and a member PATCH of a capped product reads (licenses in use) are
//! prepared once per connection. Written with diesel's `sql()` literal
//! they were prepared afresh at every read: on PostgreSQL a parse, a plan
//! and a round trip more for each page and each `count=1` probe.

use diesel::connection::SimpleConnection;
use gatehouse::store::licenses;
use gatehouse::store::user_counts::{self, Kept};
use gatehouse::store::value_counts::{self, KeptAttribute};

use super::kept_updates::{instrument, one_user, KeptStatements};
use crate::support::db::TestDb;

#[actix_web::test]
async fn kept_totals_are_prepared_once_per_connection() {
    let db = TestDb::new();
    let mut conn = one_user(&db);
    conn.batch_execute(
        "INSERT INTO directories (id, name, created_at) VALUES ('azure', 'Azure', 0);
         INSERT INTO user_counts (directory_id, users, changes, inactive)
           VALUES ('azure', 5, 5, 0), ('azure', -2, 2, 1);
         INSERT INTO user_value_counts (directory_id, attribute, value_key, users, folded)
           VALUES ('azure', 'department', 'finance', 4, false),
                  ('azure', 'department', 'finance', -1, false);",
    )
    .unwrap();
    let kept = KeptStatements::default();
    instrument(&mut conn, &kept);

    for _ in 0..3 {
        assert_eq!(
            user_counts::of(&mut conn, Some("azure")).unwrap(),
            Kept {
                users: 3,
                changes: 7,
                inactive: 1
            }
        );
        assert!(user_counts::of(&mut conn, None).unwrap().users >= 3);
        let finance = value_counts::of(
            &mut conn,
            Some("azure"),
            KeptAttribute::Department,
            "Finance",
        );
        assert_eq!(finance.unwrap(), 3);
        assert_eq!(licenses::used(&mut conn, "no-such-product").unwrap(), 0);
    }

    let kept = kept.0.lock().unwrap().clone();
    let prepared = |table: &str| kept.iter().filter(|sql| sql.contains(table)).count();
    // One text for a directory's total, one for every directory's.
    assert_eq!(prepared("sum(user_counts.users)"), 2, "{kept:#?}");
    assert_eq!(prepared("FROM user_value_counts v"), 1, "{kept:#?}");
    assert_eq!(prepared("sum(license_counts.used)"), 1, "{kept:#?}");
}

/// The statements a connection ran, its transactions' own left out.
#[derive(Clone, Default)]
struct Statements(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl diesel::connection::Instrumentation for Statements {
    fn on_connection_event(&mut self, event: diesel::connection::InstrumentationEvent<'_>) {
        if let diesel::connection::InstrumentationEvent::StartQuery { query, .. } = event {
            let sql = query.to_string();
            let control = ["BEGIN", "COMMIT", "ROLLBACK"];
            if !control.iter().any(|c| sql.starts_with(c)) {
                self.0.lock().unwrap().push(sql);
            }
        }
    }
}

/// A page whose total is kept (`active eq …`, `department eq …`) reads
/// it with its rows: one statement, one snapshot (on PostgreSQL one round
/// trip); a page past the last user still reports the total.
#[actix_web::test]
async fn a_page_reads_its_kept_total_in_its_own_statement() {
    use gatehouse::scim::query::{ListOrder, ListRequest};
    use gatehouse::scim::schema::ResourceKind;
    use gatehouse::store::sql_filter::ListQuery;
    use gatehouse::store::users;
    use serde_json::json;

    use crate::scim::{user_body, ENTERPRISE};
    use crate::support::TestApp;

    let app = TestApp::new().await;
    // u1 and u3 inactive; u0-u3 in Finance, u4 in Legal.
    for i in 0..5 {
        let mut body = user_body(&format!("u{i}@example.com"));
        body["active"] = json!(i % 2 == 0);
        body[ENTERPRISE]["department"] = json!(if i < 4 { "Finance" } else { "Legal" });
        let r = app.post("/scim/v2/Users", &body).await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let department = format!("{ENTERPRISE}:department eq \"FINANCE\"");
    for (filter, total) in [
        ("active eq false", 2),
        ("active eq true", 3),
        (department.as_str(), 4),
    ] {
        for (offset, rows) in [(0, 1), (1, 1), (10, 0)] {
            let request = ListRequest {
                filter: Some(gatehouse::scim::filter::parse(filter).unwrap()),
                order: ListOrder::Creation { descending: false },
                position: None,
                offset,
                limit: 1,
                count_total: true,
            };
            let query = ListQuery::compile(
                &request,
                &app.state.registry(),
                ResourceKind::User,
                app.state.store.backend(),
            )
            .unwrap();
            let ran = Statements::default();
            let (seen, directory) = (ran.clone(), app.directory.id.clone());
            let listed = app
                .state
                .store
                .read(move |conn| {
                    instrument(conn, &seen);
                    users::list_read(conn, Some(&directory), &query, true)
                        .map_err(gatehouse::store::StoreError::from)
                })
                .await
                .unwrap();
            assert_eq!(
                (listed.total, listed.rows.len()),
                (total, rows),
                "{filter} from {offset}"
            );
            if offset == 0 {
                let ran = ran.0.lock().unwrap();
                assert_eq!(ran.len(), 1, "{filter}: a page and its total: {ran:#?}");
            }
        }
    }
}

//! A PostgreSQL connection that dies while the server holds it (the
//! database restarted, an idle timeout, an operator's
//! `pg_terminate_backend`): the next read on it still answers. Reads no
//! longer check their connection before they run (a round trip each);
//! a read that fails on a dead one runs again on a new connection. SQLite
//! connections are open files and cannot be cut, so this runs in the
//! PostgreSQL half of the suite.

use diesel::sql_types::{Bool, Text};
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
use futures_util::future::join_all;

use crate::support::db::TestDb;
use crate::support::TestApp;

#[derive(QueryableByName)]
struct Cut {
    #[diesel(sql_type = Bool)]
    #[allow(dead_code)]
    cut: bool,
}

/// Terminates every connection named `application_name`; how many.
fn cut_connections(admin_url: &str, application_name: &str) -> usize {
    let mut conn = PgConnection::establish(admin_url).expect("admin connection");
    diesel::sql_query(
        "SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity \
         WHERE application_name = $1",
    )
    .bind::<Text, _>(application_name)
    .load::<Cut>(&mut conn)
    .expect("terminate")
    .len()
}

#[actix_web::test]
async fn reads_answer_after_their_connections_are_cut() {
    let Ok(admin_url) = std::env::var("GATEHOUSE_TEST_POSTGRES") else {
        return;
    };
    let mut db = TestDb::postgres(&admin_url);
    let name = format!("gh_cut_{}", uuid::Uuid::new_v4().simple());
    db.url.push_str(&format!("&application_name={name}"));
    let app = TestApp::builder().database(db).start().await;
    let user = app.create_user("cut@example.org").await;
    let single = format!("/scim/v2/Users/{}", user["id"].as_str().unwrap());
    let filtered = "/scim/v2/Users?filter=userName%20eq%20%22cut@example.org%22";

    for round in 0..3 {
        // Reads at once, so that several readers hold a connection.
        let warm = join_all((0..8).map(|_| app.get(&single))).await;
        assert!(warm.iter().all(|r| r.status == 200), "round {round}");
        let cut = cut_connections(&admin_url, &name);
        assert!(cut > 0, "the app's connections are found by their name");
        // Every connection the app held is dead; every read still answers.
        let reads =
            join_all((0..8).map(|i| app.get(if i % 2 == 0 { &single } else { filtered }))).await;
        for r in &reads {
            assert_eq!(r.status, 200, "round {round}: {}", r.text);
        }
        assert_eq!(reads[1].json["totalResults"], 1);
        assert_eq!(reads[0].json["userName"], "cut@example.org");
    }
}

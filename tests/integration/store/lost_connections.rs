//! A PostgreSQL connection that dies while the server holds it (the
//! database restarted, an idle timeout, an operator's
//! `pg_terminate_backend`): the next read or write on it still answers.
//! Neither checks its connection before it runs (a round trip each): a
//! read that fails on a dead one runs again on a new connection, and a
//! write whose `BEGIN` fails on one begins on a new connection. SQLite
//! connections are open files and cannot be cut, so this runs in the
//! PostgreSQL half of the suite.

use actix_web::http::Method;
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

/// Terminates every connection named `application_name`, the HTTP
/// workers' lookup connections (`<name> (lookups)`) with them; how many.
pub(super) fn cut_connections(admin_url: &str, application_name: &str) -> usize {
    let mut conn = PgConnection::establish(admin_url).expect("admin connection");
    diesel::sql_query(
        "SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity \
         WHERE application_name = $1 OR application_name = $1 || ' (lookups)'",
    )
    .bind::<Text, _>(application_name)
    .load::<Cut>(&mut conn)
    .expect("terminate")
    .len()
}

/// On PostgreSQL: an app whose connections carry a name of their own (to
/// cut them by), the admin URL, and that name.
pub(super) async fn named_app() -> Option<(TestApp, String, String)> {
    let admin_url = std::env::var("GATEHOUSE_TEST_POSTGRES").ok()?;
    let mut db = TestDb::postgres(&admin_url);
    let name = format!("gh_cut_{}", uuid::Uuid::new_v4().simple());
    db.url.push_str(&format!("&application_name={name}"));
    let app = TestApp::builder().database(db).start().await;
    Some((app, admin_url, name))
}

#[actix_web::test]
async fn reads_answer_after_their_connections_are_cut() {
    let Some((app, admin_url, name)) = named_app().await else {
        return;
    };
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

#[actix_web::test]
async fn writes_answer_after_their_connections_are_cut() {
    let Some((app, admin_url, name)) = named_app().await else {
        return;
    };

    for round in 0..3 {
        // Writes at once, so that the write pool holds several connections.
        let names: Vec<String> = (0..8)
            .map(|i| format!("cut{round}-{i}@example.org"))
            .collect();
        let made = join_all(names.iter().map(|n| app.create_user(n))).await;
        let cut = cut_connections(&admin_url, &name);
        assert!(cut > 0, "the app's connections are found by their name");
        // Every connection the app held is dead; every write still lands.
        let patches = join_all(made.iter().map(|user| {
            let body = serde_json::json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "replace", "path": "title", "value": format!("Round {round}")}]
            });
            app.request(
                Method::PATCH,
                &format!("/scim/v2/Users/{}", user["id"].as_str().unwrap()),
            )
            .json(&body)
            .send()
        }))
        .await;
        for r in &patches {
            assert_eq!(r.status, 200, "round {round}: {}", r.text);
            assert_eq!(r.json["title"], format!("Round {round}"));
        }
        let read = app
            .get(&format!(
                "/scim/v2/Users/{}",
                made[0]["id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(
            read.json["title"],
            format!("Round {round}"),
            "the write was kept"
        );
    }
}

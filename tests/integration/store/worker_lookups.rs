//! On PostgreSQL an HTTP worker sends a `userName eq` lookup and a read by
//! id itself, over a connection of its own (`store::worker_lookups`),
//! instead of handing them to a reader thread. What it answers must be
//! what a reader answers: the same user, groups and entitlements, the
//! same 404; a lookup whose group the catalog does not keep, and every
//! lookup once the worker's connection is cut, still answers (a reader
//! does). SQLite has no such connection; the half of the suite that runs
//! on PostgreSQL checks it.

use actix_web::http::Method;
use diesel::sql_types::{BigInt, Text};
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
use serde_json::{json, Value};

use crate::support::TestApp;

#[derive(QueryableByName)]
struct Seen {
    #[diesel(sql_type = BigInt)]
    lookups: i64,
}

/// On PostgreSQL: an app whose connections carry a name of their own
/// (`lost_connections`), the admin URL, and the name its workers' lookup
/// connections carry.
async fn named_app() -> Option<(TestApp, String, String)> {
    let (app, admin_url, name) = super::lost_connections::named_app().await?;
    Some((app, admin_url, format!("{name} (lookups)")))
}

/// The workers' lookup connections whose last statement was a lookup.
fn lookup_connections(admin_url: &str, name: &str) -> i64 {
    connections_last_running(admin_url, name, "%FROM users u%")
}

/// The connections named `name` whose last statement was `like`.
fn connections_last_running(admin_url: &str, name: &str, like: &str) -> i64 {
    let mut conn = PgConnection::establish(admin_url).expect("admin connection");
    diesel::sql_query(
        "SELECT count(*) AS lookups FROM pg_stat_activity \
         WHERE application_name = $1 AND query LIKE $2",
    )
    .bind::<Text, _>(name)
    .bind::<Text, _>(like)
    .get_result::<Seen>(&mut conn)
    .expect("pg_stat_activity")
    .lookups
}

/// The lookup of `user_name`: quoted in the filter, the filter
/// percent-encoded, so any userName travels as it is.
fn lookup_path(user_name: &str) -> String {
    let quoted = user_name.replace('\\', "\\\\").replace('"', "\\\"");
    let filter = format!("userName eq \"{quoted}\"");
    let encoded =
        percent_encoding::utf8_percent_encode(&filter, percent_encoding::NON_ALPHANUMERIC);
    format!("/scim/v2/Users?filter={encoded}")
}

/// Looks `user_name` up `times` times, one after another; every answer.
async fn look_up(app: &TestApp, user_name: &str, times: usize) -> Vec<Value> {
    let mut answers = Vec::new();
    for _ in 0..times {
        let found = app.get(&lookup_path(user_name)).await;
        assert_eq!(found.status, 200, "{}", found.text);
        assert_eq!(found.json["totalResults"], 1, "{}", found.text);
        answers.push(found.json["Resources"][0].clone());
        // The first lookup on a worker opens its connection beside it.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    answers
}

#[actix_web::test]
async fn lookups_on_the_workers_connection_answer_as_a_reader_does() {
    let Some((app, admin_url, lookups)) = named_app().await else {
        return;
    };
    app.create_product("main", "wiki", None).await;
    let ada = app.create_user("ada@example.org").await;
    let id = ada["id"].as_str().unwrap().to_owned();
    let group = app.create_group("Engineering", &[&id]).await;
    app.map(group["id"].as_str().unwrap(), "wiki", "user").await;

    // A page that is not a lookup is a reader's: what a lookup must show.
    let page = app
        .get("/scim/v2/Users?filter=userName%20sw%20%22ada%22")
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    let by_reader = page.json["Resources"][0].clone();
    assert_eq!(by_reader["entitlements"][0]["value"], "wiki:user");
    assert_eq!(by_reader["groups"][0]["display"], "Engineering");

    // Lookups by both workers (each opens its own connection on its first).
    for answer in look_up(&app, "ADA@example.org", 12).await {
        assert_eq!(answer, by_reader);
    }
    assert!(
        lookup_connections(&admin_url, &lookups) >= 1,
        "a worker's own connection ran the lookup"
    );
    for _ in 0..6 {
        let read = app.get(&format!("/scim/v2/Users/{id}")).await;
        assert_eq!(read.status, 200, "{}", read.text);
        assert_eq!(read.json, by_reader);
        assert!(read.header("etag").is_some());
    }

    // Nobody by that name, no such id: as a reader answers.
    let nobody = app.get(&lookup_path("nobody@example.org")).await;
    assert_eq!(nobody.status, 200);
    assert_eq!(nobody.json["totalResults"], 0);
    assert_eq!(nobody.json["Resources"], json!([]));
    let missing = app
        .get("/scim/v2/Users/00000000-0000-4000-8000-000000000000")
        .await;
    assert_eq!(missing.status, 404, "{}", missing.text);

    // A group made since: the catalog does not keep it yet, a reader
    // reads it; the lookups after see it.
    let second = app.create_group("Writers", &[&id]).await;
    for answer in look_up(&app, "ada@example.org", 4).await {
        assert_eq!(answer["groups"].as_array().unwrap().len(), 2, "{answer}");
        assert!(answer["groups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["value"] == second["id"]));
    }

    // Another directory's token finds nothing of this one's.
    let other = app.other_directory("Other IdP");
    let theirs = app
        .request_as(&other.token, Method::GET, &lookup_path("ada@example.org"))
        .send()
        .await;
    assert_eq!(theirs.status, 200);
    assert_eq!(theirs.json["totalResults"], 0, "{}", theirs.text);
    let theirs = app
        .request_as(&other.token, Method::GET, &format!("/scim/v2/Users/{id}"))
        .send()
        .await;
    assert_eq!(theirs.status, 404, "{}", theirs.text);

    // The app's connections cut, the workers' among them: every lookup
    // still answers.
    assert!(lookup_connections(&admin_url, &lookups) >= 1);
    let app_name = lookups.trim_end_matches(" (lookups)");
    assert!(super::lost_connections::cut_connections(&admin_url, app_name) >= 1);
    for answer in look_up(&app, "ada@example.org", 8).await {
        assert_eq!(answer["id"], id.as_str());
        assert_eq!(answer["groups"].as_array().unwrap().len(), 2);
    }
    assert!(
        lookup_connections(&admin_url, &lookups) >= 1,
        "a cut connection is opened again"
    );
}

/// `userName eq` lookups a worker is asked while its connection answers
/// others wait and go together, as one statement (`worker_lookups::
/// Batched`): each answer must still be its own lookup's. Asked at once:
/// every user by a name in other case, a name nobody has, and one name
/// twice.
#[actix_web::test]
async fn lookups_asked_at_once_are_each_answered_their_own() {
    let Some((app, admin_url, lookups)) = named_app().await else {
        return;
    };
    // The last name is what a careless array would split or unquote.
    let names: Vec<String> = (0..7)
        .map(|n| format!("batch{n}@example.org"))
        .chain([r#"batch"{7,\8}@example.org"#.to_owned()])
        .collect();
    let mut ids = Vec::new();
    for name in &names {
        let user = app.create_user(name).await;
        ids.push(user["id"].as_str().unwrap().to_owned());
    }
    // Each worker's connection opened (on its first lookup, beside it).
    look_up(&app, "batch0@example.org", 6).await;

    for round in 0..6 {
        let mut asked: Vec<(String, Option<&str>)> = names
            .iter()
            .zip(&ids)
            .map(|(name, id)| (name.to_uppercase(), Some(id.as_str())))
            .collect();
        asked.insert(3, (format!("nobody{round}@example.org"), None));
        asked.push(("batch5@example.org".to_owned(), Some(ids[5].as_str())));
        let paths: Vec<String> = asked.iter().map(|(name, _)| lookup_path(name)).collect();
        let answers = futures_util::future::join_all(paths.iter().map(|p| app.get(p))).await;
        for ((name, id), found) in asked.iter().zip(answers) {
            assert_eq!(found.status, 200, "{name}: {}", found.text);
            match id {
                Some(id) => {
                    assert_eq!(found.json["totalResults"], 1, "{name}: {}", found.text);
                    let user = &found.json["Resources"][0];
                    assert_eq!(user["id"], *id, "{name}: {}", found.text);
                    assert!(
                        user["userName"]
                            .as_str()
                            .unwrap()
                            .eq_ignore_ascii_case(name),
                        "{name}: {}",
                        found.text
                    );
                }
                None => {
                    assert_eq!(found.json["totalResults"], 0, "{name}: {}", found.text);
                    assert_eq!(found.json["Resources"], json!([]));
                }
            }
        }
    }
    assert!(
        connections_last_running(&admin_url, &lookups, "%unnest(%FROM users u%") >= 1,
        "the lookups went in a batch's statement"
    );
}

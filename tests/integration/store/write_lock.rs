//! SQLite: a write waits for another connection's write lock instead of
//! failing. The writer begins each batch with `BEGIN IMMEDIATE`; a
//! deferred `BEGIN` read first and then asked for the lock, and SQLite
//! answers a transaction that has read "database is locked" at once, so
//! the request was a 500 (about once per resync at 1M users). The CLI's
//! writes begin the same way.

use std::time::Duration;

use actix_web::http::Method;
use diesel::connection::SimpleConnection;
use serde_json::json;

use super::bare_connection;
use crate::cli::gatehouse;
use crate::support::app::TestApp;
use crate::support::db::TestDb;

#[actix_web::test]
async fn a_patch_waits_for_a_write_lock_another_connection_holds() {
    let db = TestDb::sqlite();
    let url = db.url.clone();
    let app = TestApp::builder().database(db).start().await;
    let user = app.create_user("lock@example.com").await;
    let id = user["id"].as_str().unwrap().to_owned();

    // Another connection (the CLI, say) holds the write lock for a while.
    let mut other = bare_connection(&url);
    other
        .batch_execute(
            "PRAGMA busy_timeout = 10000; BEGIN IMMEDIATE; UPDATE directories SET name = name;",
        )
        .unwrap();
    let patch = app
        .request(Method::PATCH, &format!("/scim/v2/Users/{id}"))
        .json(&json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "title", "value": "Waited"}]
        }))
        .send();
    let release = async {
        actix_web::rt::time::sleep(Duration::from_millis(300)).await;
        other.batch_execute("COMMIT").unwrap();
    };
    let (response, ()) = futures_util::future::join(patch, release).await;

    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(response.json["title"], "Waited");
}

/// The CLI's writes (`Store::write_now`) wait for the lock too: while the
/// server was writing, `gatehouse product add` read the site, asked for the
/// lock and failed in 12 ms with "database is locked".
#[test]
fn a_cli_write_waits_for_a_write_lock_another_connection_holds() {
    let db = TestDb::sqlite();
    let cli = |args: &[&str]| {
        let (ok, out, err) = gatehouse(&[args, &["--database-url", &db.url]].concat());
        (ok, format!("{out}{err}"))
    };
    let (ok, err) = cli(&["site", "add", "Lock site"]);
    assert!(ok, "{err}");

    let mut other = bare_connection(&db.url);
    other
        .batch_execute("BEGIN IMMEDIATE; UPDATE directories SET name = name;")
        .unwrap();
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        other.batch_execute("COMMIT").unwrap();
    });
    let (ok, err) = cli(&["product", "add", "held", "--site", "Lock site"]);
    release.join().unwrap();

    assert!(ok, "the write failed instead of waiting: {err}");
    let (ok, listed) = cli(&["product", "list"]);
    assert!(
        ok && listed.contains("held"),
        "the product was not kept: {listed}"
    );
}

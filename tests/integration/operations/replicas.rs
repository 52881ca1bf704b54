//! Two replicas on one PostgreSQL database (as `docker-compose.yml` runs
//! them behind a proxy), driven at once: every acknowledged write is
//! there, read from either replica, and none is there twice. SQLite is
//! one server per file (a second is refused: `cli.rs`), so this runs in
//! the PostgreSQL half of the suite.

use actix_web::http::Method;
use futures_util::future::join_all;
use serde_json::json;

use crate::scim::user_body;
use crate::support::db::TestDb;
use crate::support::TestApp;

#[actix_web::test]
async fn two_replicas_driven_at_once_lose_and_duplicate_nothing() {
    let Ok(admin_url) = std::env::var("GATEHOUSE_TEST_POSTGRES") else {
        return;
    };
    let db = TestDb::postgres(&admin_url);
    let url = db.url.clone();
    // (Starting at once is `store::concurrency`'s test: migrations run
    // under an advisory lock.)
    let a = TestApp::builder().database(db).start().await;
    let b = TestApp::builder()
        .database(TestDb::shared(&url))
        .start()
        .await;
    let token = a.directory.token.clone();
    let replicas = [&a, &b];
    let send = |i: usize, method: Method, path: String, body: serde_json::Value| {
        replicas[i % 2]
            .request_as(&token, method, &path)
            .json(&body)
            .send()
    };

    // 60 creates, alternating replicas, all at once.
    let created = join_all((0..60).map(|i| {
        send(
            i,
            Method::POST,
            "/scim/v2/Users".into(),
            user_body(&format!("r{i}@x.org")),
        )
    }))
    .await;
    let mut ids = Vec::new();
    for r in &created {
        assert_eq!(r.status, 201, "{}", r.text);
        ids.push(r.json["id"].as_str().unwrap().to_owned());
    }

    // The same userName to both replicas at once: one 201, one 409.
    let raced = join_all((0..20).flat_map(|i| (0..2).map(move |side| (i, side))).map(
        |(i, side)| {
            send(
                side,
                Method::POST,
                "/scim/v2/Users".into(),
                user_body(&format!("race{i}@x.org")),
            )
        },
    ))
    .await;
    for pair in raced.chunks(2) {
        let mut statuses: Vec<u16> = pair.iter().map(|r| r.status).collect();
        statuses.sort();
        assert_eq!(
            statuses,
            [201, 409],
            "{:?}",
            pair.iter().map(|r| &r.text).collect::<Vec<_>>()
        );
    }

    // One group, every user added by its own PATCH, through both replicas.
    let group = a.create_group("Replicated", &[]).await;
    let group_path = format!("/scim/v2/Groups/{}", group["id"].as_str().unwrap());
    let patched = join_all(ids.iter().enumerate().map(|(i, id)| {
        send(
            i,
            Method::PATCH,
            group_path.clone(),
            json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                   "Operations": [{"op": "add", "path": "members", "value": [{"value": id}]}]}),
        )
    }))
    .await;
    for r in &patched {
        assert!(
            r.status == 200 || r.status == 204,
            "{} {}",
            r.status,
            r.text
        );
    }

    // Both replicas see the same: 80 users, each once, and 60 members.
    for replica in replicas {
        let all = replica
            .request_as(
                &token,
                Method::GET,
                "/scim/v2/Users?count=200&attributes=userName",
            )
            .send()
            .await;
        assert_eq!(all.json["totalResults"], 80, "{}", all.text);
        let mut names: Vec<&str> = all.json["Resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["userName"].as_str().unwrap())
            .collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 80);
        let group = replica
            .request_as(&token, Method::GET, &group_path)
            .send()
            .await;
        assert_eq!(
            group.json["members"].as_array().unwrap().len(),
            60,
            "{}",
            group.text
        );
    }
}

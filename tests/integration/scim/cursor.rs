//! Cursor paging (RFC 9865): consistent pages while resources come and go.

use serde_json::{json, Value};

use super::{error_body, filter_query};
use crate::support::TestApp;

fn names(r: &Value) -> Vec<String> {
    r["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["userName"].as_str().unwrap().to_owned())
        .collect()
}

fn enc(cursor: &Value) -> String {
    url::form_urlencoded::byte_serialize(cursor.as_str().unwrap().as_bytes()).collect()
}

#[actix_web::test]
async fn pages_forward_and_back_with_cursors() {
    let app = TestApp::new().await;
    for i in 0..7 {
        app.create_user(&format!("c{i}@x.org")).await;
    }
    let first = app.get("/scim/v2/Users?cursor=&count=3").await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(names(&first.json), ["c0@x.org", "c1@x.org", "c2@x.org"]);
    assert_eq!(first.json["totalResults"], 7);
    assert_eq!(first.json["itemsPerPage"], 3);
    assert!(first.json.get("previousCursor").is_none());
    assert!(first.json.get("startIndex").is_none());

    let second = app
        .get(&format!(
            "/scim/v2/Users?count=3&cursor={}",
            enc(&first.json["nextCursor"])
        ))
        .await;
    assert_eq!(names(&second.json), ["c3@x.org", "c4@x.org", "c5@x.org"]);
    let third = app
        .get(&format!(
            "/scim/v2/Users?count=3&cursor={}",
            enc(&second.json["nextCursor"])
        ))
        .await;
    assert_eq!(names(&third.json), ["c6@x.org"]);
    assert!(third.json.get("nextCursor").is_none());

    let back = app
        .get(&format!(
            "/scim/v2/Users?count=3&cursor={}",
            enc(&third.json["previousCursor"])
        ))
        .await;
    assert_eq!(names(&back.json), ["c3@x.org", "c4@x.org", "c5@x.org"]);
    assert!(back.json.get("nextCursor").is_some());
    let start = app
        .get(&format!(
            "/scim/v2/Users?count=3&cursor={}",
            enc(&back.json["previousCursor"])
        ))
        .await;
    assert_eq!(names(&start.json), ["c0@x.org", "c1@x.org", "c2@x.org"]);
    assert!(start.json.get("previousCursor").is_none());
}

#[actix_web::test]
async fn pages_stay_consistent_while_users_come_and_go() {
    let app = TestApp::new().await;
    let mut ids = Vec::new();
    for i in 0..6 {
        ids.push(
            app.create_user(&format!("m{i}@x.org")).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let first = app.get("/scim/v2/Users?cursor=&count=2").await;
    assert_eq!(names(&first.json), ["m0@x.org", "m1@x.org"]);
    // While the client pages: a user on the current page and one ahead go,
    // and a new one arrives.
    assert_eq!(
        app.delete(&format!("/scim/v2/Users/{}", ids[1]))
            .await
            .status,
        204
    );
    assert_eq!(
        app.delete(&format!("/scim/v2/Users/{}", ids[3]))
            .await
            .status,
        204
    );
    app.create_user("late@x.org").await;
    let mut seen = names(&first.json);
    let mut cursor = first.json["nextCursor"].clone();
    while !cursor.is_null() {
        let page = app
            .get(&format!("/scim/v2/Users?count=2&cursor={}", enc(&cursor)))
            .await;
        assert_eq!(page.status, 200, "{}", page.text);
        seen.extend(names(&page.json));
        cursor = page.json.get("nextCursor").cloned().unwrap_or(Value::Null);
    }
    // Nothing repeated, nothing that stayed was skipped, the newcomer at the end.
    assert_eq!(
        seen,
        [
            "m0@x.org",
            "m1@x.org",
            "m2@x.org",
            "m4@x.org",
            "m5@x.org",
            "late@x.org"
        ]
    );
}

#[actix_web::test]
async fn cursors_with_filters_search_and_errors() {
    let app = TestApp::builder()
        .settings(|s| s.max_page_size = 5)
        .start()
        .await;
    for i in 0..4 {
        app.create_user(&format!(
            "f{i}@{}.org",
            if i % 2 == 0 { "even" } else { "odd" }
        ))
        .await;
    }
    let filter = filter_query("userName ew \"even.org\"");
    let r = app
        .get(&format!("/scim/v2/Users?cursor=&count=1&filter={filter}"))
        .await;
    assert_eq!(names(&r.json), ["f0@even.org"]);
    assert_eq!(r.json["totalResults"], 2);
    let next = r.json["nextCursor"].clone();
    let r2 = app
        .get(&format!(
            "/scim/v2/Users?count=1&filter={filter}&cursor={}",
            enc(&next)
        ))
        .await;
    assert_eq!(names(&r2.json), ["f2@even.org"]);
    // The same cursor with another filter is refused.
    let r = app
        .get(&format!("/scim/v2/Users?count=1&cursor={}", enc(&next)))
        .await;
    assert_eq!(
        r.json,
        error_body(
            400,
            Some("invalidCursor"),
            "the cursor belongs to a different query (resource type or filter)"
        )
    );
    let r = app.get("/scim/v2/Users?cursor=garbage").await;
    assert_eq!(
        r.json,
        error_body(
            400,
            Some("invalidCursor"),
            "the cursor is not one this server issued"
        )
    );
    let r = app.get("/scim/v2/Users?cursor=&count=50").await;
    assert_eq!(
        r.json,
        error_body(
            400,
            Some("invalidCount"),
            "count 50 is above the maximum page size 5"
        )
    );
    let r = app.get("/scim/v2/Users?cursor=&startIndex=2").await;
    assert_eq!(r.json["scimType"], "invalidValue");
    let r = app.get("/scim/v2/Users?cursor=&sortBy=userName").await;
    assert_eq!(r.json["scimType"], "invalidValue");
    // POST /Users/.search takes the cursor in the body.
    let body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "cursor": "", "count": 3});
    let r = app.post("/scim/v2/Users/.search", &body).await;
    assert_eq!(names(&r.json).len(), 3);
    assert!(r.json.get("nextCursor").is_some());
    let body = json!({"cursor": r.json["nextCursor"], "count": 3});
    let r = app.post("/scim/v2/Users/.search", &body).await;
    assert_eq!(names(&r.json), ["f3@odd.org"]);
}

/// A walk counts its matches on its first page and every later page
/// reports that count (counting again on each page cost more than reading
/// it at a million users); a new walk counts afresh.
#[actix_web::test]
async fn a_cursor_walk_counts_once() {
    let app = TestApp::new().await;
    for i in 0..5 {
        app.create_user(&format!("w{i}@x.org")).await;
    }
    app.create_user("other@y.org").await;
    let filter = filter_query("userName ew \"@x.org\"");
    let first = app
        .get(&format!("/scim/v2/Users?cursor=&count=2&filter={filter}"))
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.json["totalResults"], 5);
    app.create_user("w5@x.org").await;
    let mut cursor = first.json["nextCursor"].clone();
    let mut seen = names(&first.json);
    while cursor.is_string() {
        let page = app
            .get(&format!(
                "/scim/v2/Users?count=2&filter={filter}&cursor={}",
                enc(&cursor)
            ))
            .await;
        assert_eq!(page.status, 200, "{}", page.text);
        assert_eq!(page.json["totalResults"], 5, "the walk's own count");
        seen.extend(names(&page.json));
        cursor = page.json["nextCursor"].clone();
    }
    // The user created mid-walk is still found (it comes last in creation
    // order); only the count is the walk's.
    assert_eq!(seen.len(), 6);
    let fresh = app
        .get(&format!("/scim/v2/Users?cursor=&count=2&filter={filter}"))
        .await;
    assert_eq!(fresh.json["totalResults"], 6);
}

//! `startIndex` paging and totals at scale: a directory's total is kept
//! (store::user_counts), not counted, and a page continues from where the
//! previous one ended (store::page_anchors). Both must give exactly the
//! answers counting and offsets give, also while users come and go.

use actix_web::http::Method;

use crate::support::TestApp;

/// The `totalResults` of `GET /Users?count=1` (Okta's connection probe).
async fn probe_total(app: &TestApp) -> u64 {
    let r = app.get("/scim/v2/Users?count=1").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.json["Resources"].as_array().unwrap().len() <= 1);
    r.json["totalResults"].as_u64().unwrap()
}

/// userNames of one startIndex page, and its totalResults.
async fn page(app: &TestApp, start: usize, count: usize) -> (Vec<String>, u64) {
    let r = app
        .get(&format!("/scim/v2/Users?startIndex={start}&count={count}"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let names = r.json["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["userName"].as_str().unwrap().to_owned())
        .collect();
    (names, r.json["totalResults"].as_u64().unwrap())
}

/// Every user, in creation order, read in one page.
async fn everyone(app: &TestApp) -> Vec<String> {
    page(app, 1, 1000).await.0
}

#[actix_web::test]
async fn kept_totals_follow_creates_and_deletes_in_each_directory() {
    let app = TestApp::new().await;
    assert_eq!(probe_total(&app).await, 0);
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            app.create_user(&format!("kept{i}@example.com")).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(probe_total(&app).await, 5);
    // A refused create (the userName is taken) counts nothing.
    let r = app
        .post("/scim/v2/Users", &super::user_body("kept0@example.com"))
        .await;
    assert_eq!(r.status, 409, "{}", r.text);
    // Updates move no count; a delete does, once.
    let r = app
        .request(Method::PATCH, &format!("/scim/v2/Users/{}", ids[1]))
        .json(&serde_json::json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "active", "value": false}]
        }))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        app.delete(&format!("/scim/v2/Users/{}", ids[0]))
            .await
            .status,
        204
    );
    assert_eq!(
        app.delete(&format!("/scim/v2/Users/{}", ids[0]))
            .await
            .status,
        404
    );
    assert_eq!(probe_total(&app).await, 4);
    // Another directory's users are its own.
    let other = app.other_directory("other");
    let r = app
        .request_as(&other.token, Method::POST, "/scim/v2/Users")
        .json(&super::user_body("elsewhere@example.com"))
        .send()
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(probe_total(&app).await, 4);
    let r = app
        .request_as(&other.token, Method::GET, "/scim/v2/Users?count=0")
        .send()
        .await;
    assert_eq!(r.json["totalResults"], 1, "{}", r.text);
    // The admin's read across directories sums them.
    let r = app
        .request_as(&app.admin_token, Method::GET, "/scim/v2/Users?count=1")
        .send()
        .await;
    assert_eq!(r.json["totalResults"], 5, "{}", r.text);
    // Folding the rows (the server's upkeep) changes no count.
    let fold_user_counts = |conn: &mut gatehouse::store::DbConn| {
        gatehouse::store::user_counts::fold(conn).map_err(gatehouse::store::StoreError::from)
    };
    let folded = app.state.store.write_now(fold_user_counts).unwrap();
    // This directory's six rows fold into one; the other's one row stays.
    assert_eq!(folded, 1);
    assert_eq!(probe_total(&app).await, 4);
    let again = app.state.store.write_now(fold_user_counts).unwrap();
    assert_eq!(again, 0, "nothing left to fold");
    // The count agrees with the rows themselves.
    let r = app.get("/scim/v2/Users?filter=userName%20pr&count=0").await;
    assert_eq!(r.json["totalResults"], 4, "{}", r.text);
}

#[actix_web::test]
async fn start_index_pages_give_what_offsets_give_while_users_come_and_go() {
    let app = TestApp::new().await;
    let mut ids = Vec::new();
    for i in 0..25 {
        ids.push(
            app.create_user(&format!("walk{i:02}@example.com")).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let all = everyone(&app).await;
    assert_eq!(all.len(), 25);

    // A walk as Okta's import makes it: every user once, in creation order.
    let mut walked = Vec::new();
    let mut start = 1;
    loop {
        let (names, total) = page(&app, start, 10).await;
        assert_eq!(total, 25);
        if names.is_empty() {
            break;
        }
        start += names.len();
        walked.extend(names);
    }
    assert_eq!(walked, all);
    // The same pages again (a retried import) are the same.
    assert_eq!(page(&app, 11, 10).await.0, all[10..20]);
    assert_eq!(page(&app, 21, 10).await.0, all[20..25]);

    // A page read, then a user before it deleted: the next page is what an
    // offset gives now, not where the last page ended.
    let (first, _) = page(&app, 1, 10).await;
    assert_eq!(first, all[..10]);
    assert_eq!(
        app.delete(&format!("/scim/v2/Users/{}", ids[3]))
            .await
            .status,
        204
    );
    let now = everyone(&app).await;
    let (second, total) = page(&app, 11, 10).await;
    assert_eq!(total, 24);
    assert_eq!(second, now[10..20]);
    // And the walk from there on continues from the new anchor.
    assert_eq!(page(&app, 21, 10).await.0, now[20..24]);

    // A create in the middle of a walk: the following page still matches
    // an offset over the users there are now.
    let (first, _) = page(&app, 1, 12).await;
    assert_eq!(first, now[..12]);
    app.create_user("late@example.com").await;
    let now = everyone(&app).await;
    assert_eq!(page(&app, 13, 12).await.0, now[12..24]);
    assert_eq!(page(&app, 25, 12).await.0, now[24..25]);

    // A page size that differs from the previous page's, and a start that
    // no page ended at, are answered by offset.
    assert_eq!(page(&app, 13, 5).await.0, now[12..17]);
    assert_eq!(page(&app, 14, 3).await.0, now[13..16]);
    // Filtered and sorted pages never take an anchor.
    let r = app
        .get("/scim/v2/Users?startIndex=11&count=10&sortBy=userName&sortOrder=descending")
        .await;
    let mut by_name = now.clone();
    by_name.sort();
    by_name.reverse();
    let names: Vec<&str> = r.json["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["userName"].as_str().unwrap())
        .collect();
    assert_eq!(names, by_name[10..20]);
}

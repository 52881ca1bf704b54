//! `startIndex` paging and totals at scale: a directory's total is kept
//! (store::user_counts), not counted, and a page continues from where the
//! previous one ended (store::page_anchors) or skips index keys from the
//! nearest anchor before it. Both must give exactly the answers counting
//! and offsets give, also while users come and go.

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
    names_and_total(app, &format!("startIndex={start}&count={count}")).await
}

/// userNames of the page `GET /Users?{query}` answers, and its totalResults.
async fn names_and_total(app: &TestApp, query: &str) -> (Vec<String>, u64) {
    let r = app.get(&format!("/scim/v2/Users?{query}")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let names = r.json["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["userName"].as_str().unwrap().to_owned())
        .collect();
    (names, r.json["totalResults"].as_u64().unwrap())
}

/// Creates a user of each name, in order; their ids.
async fn create_users(app: &TestApp, names: impl Iterator<Item = String>) -> Vec<String> {
    let mut ids = Vec::new();
    for name in names {
        ids.push(
            app.create_user(&name).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    ids
}

/// Sets a user's `active` to false, as an IdP's PATCH does.
async fn deactivate(app: &TestApp, id: &str) {
    let operations = serde_json::json!([{"op": "replace", "path": "active", "value": false}]);
    super::group_filter::patch_user(app, id, operations).await;
}

/// Every user, in creation order, read in one page.
async fn everyone(app: &TestApp) -> Vec<String> {
    page(app, 1, 1000).await.0
}

#[actix_web::test]
async fn kept_totals_follow_creates_and_deletes_in_each_directory() {
    let app = TestApp::new().await;
    assert_eq!(probe_total(&app).await, 0);
    let ids = create_users(&app, (0..5).map(|i| format!("kept{i}@example.com"))).await;
    assert_eq!(probe_total(&app).await, 5);
    // A refused create (the userName is taken) counts nothing.
    let r = app
        .post("/scim/v2/Users", &super::user_body("kept0@example.com"))
        .await;
    assert_eq!(r.status, 409, "{}", r.text);
    // Updates move no count; a delete does, once.
    deactivate(&app, &ids[1]).await;
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
    let ids = create_users(&app, (0..25).map(|i| format!("walk{i:02}@example.com"))).await;
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

#[actix_web::test]
async fn pages_far_from_any_anchor_give_what_offsets_give() {
    let app = TestApp::new().await;
    let ids = create_users(&app, (0..30).map(|i| format!("jump{i:02}@example.com"))).await;
    // Every third user leaves.
    for id in ids.iter().step_by(3) {
        deactivate(&app, id).await;
    }
    let all = everyone(&app).await;
    assert_eq!(all.len(), 30);

    // Jumps with no page before them (an import resumed part-way), then
    // back before them, then just after where a page ended or started.
    for (start, count) in [(18, 5), (7, 4), (23, 3), (24, 4), (19, 2), (2, 1), (30, 5)] {
        let (names, total) = page(&app, start, count).await;
        assert_eq!(total, 30);
        let end = (start - 1 + count).min(30);
        assert_eq!(
            names,
            all[start - 1..end],
            "startIndex={start}&count={count}"
        );
    }
    // Past the last user: nothing, and the total still counted.
    assert_eq!(page(&app, 31, 5).await, (Vec::new(), 30));
    assert_eq!(page(&app, 1000, 5).await, (Vec::new(), 30));

    // A user before the anchors deleted: a jump after them is an offset
    // over the users there are now.
    assert_eq!(
        app.delete(&format!("/scim/v2/Users/{}", ids[1]))
            .await
            .status,
        204
    );
    let now = everyone(&app).await;
    assert_eq!(page(&app, 24, 4).await.0, now[23..27]);
    assert_eq!(page(&app, 29, 4).await.0, now[28..29]);

    // Leavers and the rest, paged by startIndex from anywhere (the
    // leavers' pages skip keys of the (in)active index).
    let leavers: Vec<String> = (0..30)
        .step_by(3)
        .map(|i| format!("jump{i:02}@example.com"))
        .collect();
    let staying: Vec<String> = now
        .iter()
        .filter(|n| !leavers.contains(n))
        .cloned()
        .collect();
    assert_eq!((leavers.len(), staying.len()), (10, 19));
    for (active, expected) in [(false, &leavers), (true, &staying)] {
        for (start, count) in [(4, 3), (8, 5), (1, 2), (10, 1), (12, 4), (19, 3), (25, 2)] {
            let (names, total) = names_and_total(
                &app,
                &format!("filter=active%20eq%20{active}&startIndex={start}&count={count}"),
            )
            .await;
            assert_eq!(total as usize, expected.len());
            let from = (start - 1).min(expected.len());
            let end = (start - 1 + count).min(expected.len());
            assert_eq!(
                names,
                expected[from..end],
                "active={active} startIndex={start}&count={count}"
            );
        }
    }
}

/// Pages of a directory larger than the distance between checkpoint
/// anchors (store::page_anchors::CHECKPOINT_EVERY): a jump lays them on
/// its way, later jumps start from them, and a delete before them makes
/// every later page an offset over the users there are now.
#[actix_web::test]
async fn jumps_across_checkpoints_give_what_offsets_give() {
    use diesel::connection::SimpleConnection;

    let app = TestApp::new().await;
    let middle = app.create_user("middle@example.com").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // 25,000 users made straight in the database (ck1 … ck25000, created
    // at 10, 20, …), the user made above moved between ck5000 and ck5001.
    let directory = app.directory.id.clone();
    let seed = format!(
        "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 25000)
         INSERT INTO users (id, directory_id, user_name, user_name_key, active, attributes,
                            version, created_at, updated_at)
           SELECT 'ck' || n, '{directory}', 'ck' || n, 'ck' || n, true, '{{}}', 1, n * 10, n * 10
           FROM g;
         UPDATE users SET created_at = 50005 WHERE id = '{middle}';"
    );
    app.state
        .store
        .write_now(|conn| -> Result<(), gatehouse::store::StoreError> {
            // The directory's kept count moves by trigger, as for any insert.
            conn.batch_execute(&seed)?;
            Ok(())
        })
        .unwrap();
    let mut all: Vec<String> = (1..=25_000).map(|n| format!("ck{n}")).collect();
    all.insert(5_000, "middle@example.com".into());

    let expect = |all: &[String], start: usize, count: usize| -> Vec<String> {
        let from = (start - 1).min(all.len());
        all[from..(start - 1 + count).min(all.len())].to_vec()
    };
    // Far jumps first (no anchor anywhere), then back, across and just
    // beside checkpoints, then past the end.
    for (start, count) in [
        (24_951, 100),
        (15_001, 50),
        (9_999, 3),
        (10_001, 2),
        (20_000, 5),
        (5_000, 3),
        (1, 2),
        (25_001, 10),
        (30_000, 5),
    ] {
        let (names, total) = page(&app, start, count).await;
        assert_eq!(total, 25_001);
        assert_eq!(names, expect(&all, start, count), "startIndex={start}");
    }

    // The user between ck5000 and ck5001 leaves: every checkpoint after
    // it is one user off, and none is used.
    assert_eq!(
        app.delete(&format!("/scim/v2/Users/{middle}")).await.status,
        204
    );
    all.remove(5_000);
    for (start, count) in [(15_001, 3), (20_000, 5), (4_999, 3), (25_000, 5)] {
        let (names, total) = page(&app, start, count).await;
        assert_eq!(total, 25_000);
        assert_eq!(
            names,
            expect(&all, start, count),
            "after the delete, startIndex={start}"
        );
    }
}

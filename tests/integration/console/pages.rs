//! What the console's pages and forms do over HTTP, beyond the browser
//! journey: IT-only's break-glass rule on the mappings page, searches,
//! token rotation, and the audit downloads.

use actix_web::http::Method;
use serde_json::json;

use super::client::Console;
use crate::support::TestApp;

fn id(v: &serde_json::Value) -> String {
    v["id"].as_str().expect("an id").to_owned()
}

#[actix_rt::test]
async fn under_it_only_a_local_group_is_mapped_only_with_a_break_glass_reason() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    let local = app
        .admin_post("/groups", &json!({"displayName": "Contractors"}))
        .await;
    assert_eq!(local.status, 201, "{}", local.text);
    let local_id = id(&local.json);
    app.set_policy("", &json!({"it_only": true})).await;
    let mut console = Console::signed_in(&app).await;

    // The search says why the local group can't simply be used.
    let found = console.get("/console/mappings/groups?q=contract").await;
    assert_eq!(found.status, 200);
    assert!(found.text.contains("Contractors"));
    assert!(
        found.text.contains("Local group: IT-only mode is on"),
        "{}",
        found.text
    );

    let group = format!("{}|{local_id}", gatehouse::access::LOCAL_DIRECTORY);
    let refused = console
        .submit(
            "/console/mappings",
            "/console/mappings",
            &[("group", &group), ("role", "wiki:user")],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert!(
        refused.text.contains("IT-only mode is on"),
        "{}",
        refused.text
    );
    assert!(!app
        .admin_get("/mappings?product=wiki")
        .await
        .text
        .contains("Contractors"));

    let mapped = console
        .submit(
            "/console/mappings",
            "/console/mappings",
            &[
                ("group", &group),
                ("role", "wiki:user"),
                ("break_glass_reason", "Auditors need it tonight"),
            ],
        )
        .await;
    assert_eq!(mapped.status, 303, "{}", mapped.text);
    assert!(mapped
        .header("location")
        .unwrap_or_default()
        .contains("notice=Contractors"));
    let page = console.get("/console/mappings").await;
    assert!(page.text.contains("Contractors"));
}

#[actix_rt::test]
async fn people_are_found_by_user_name_prefix_or_whole_email() {
    let app = TestApp::new().await;
    let ada = app.create_user("ada.lovelace@example.com").await;
    app.create_user("adam@example.com").await;
    app.create_user("grace@example.com").await;
    let mut console = Console::signed_in(&app).await;
    let by_prefix = console.get("/console/people/search?q=ADA").await;
    assert!(
        by_prefix.text.contains("ada.lovelace@example.com")
            && by_prefix.text.contains("adam@example.com")
    );
    assert!(!by_prefix.text.contains("grace@"), "{}", by_prefix.text);
    let by_email = console
        .get("/console/people?q=Ada.Lovelace%40Example.com")
        .await;
    assert!(by_email.text.contains("ada.lovelace@example.com"));
    assert!(!by_email.text.contains("adam@"));
    let one_letter = console.get("/console/people/search?q=a").await;
    assert!(
        one_letter.text.contains("Nobody matches"),
        "too short to search"
    );

    // Suspend and restore from the person's page.
    let person = by_email
        .text
        .split("href=\"/console/people/")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .expect("a link")
        .to_owned();
    let account = id(&ada);
    let page = format!("/console/people/{person}");
    let suspended = console
        .submit(&page, &format!("{page}/accounts/{account}/suspend"), &[])
        .await;
    assert_eq!(suspended.status, 303);
    assert!(console.get(&page).await.text.contains(">suspended<"));
    let restored = console
        .submit(&page, &format!("{page}/accounts/{account}/restore"), &[])
        .await;
    assert_eq!(restored.status, 303);
    assert!(!console.get(&page).await.text.contains(">suspended<"));
}

#[actix_rt::test]
async fn a_rotated_token_works_beside_the_old_until_that_is_revoked() {
    let app = TestApp::new().await;
    let mut console = Console::signed_in(&app).await;
    let directory = app.directory.id.clone();
    let rotated = console
        .submit(
            "/console/directories",
            &format!("/console/directories/{directory}/tokens"),
            &[],
        )
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    let marker = "id=\"token\" class=\"secret\" value=\"";
    let at = rotated.text.find(marker).expect("the new token") + marker.len();
    let new_token = rotated.text[at..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned();
    assert!(new_token.starts_with("gh_"));
    // Shown once: the directories page lists tokens, never their secrets.
    let listed = console.get("/console/directories").await;
    assert!(!listed.text.contains(&new_token));
    assert!(!listed.text.contains(&app.directory.token));

    let status = |token: String| {
        let app = &app;
        async move {
            app.request_as(&token, Method::GET, "/scim/v2/Users?count=1")
                .send()
                .await
                .status
        }
    };
    assert_eq!(status(new_token.clone()).await, 200);
    assert_eq!(status(app.directory.token.clone()).await, 200);
    // Revoke the first token (the oldest live one on the page).
    let old_id = listed
        .text
        .split(&format!("/console/directories/{directory}/tokens/"))
        .nth(1)
        .and_then(|t| t.split('/').next())
        .expect("a revoke form")
        .to_owned();
    let revoked = console
        .submit(
            "/console/directories",
            &format!("/console/directories/{directory}/tokens/{old_id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(revoked.status, 303);
    assert_eq!(status(app.directory.token.clone()).await, 401);
    assert_eq!(status(new_token).await, 200);
}

#[actix_rt::test]
async fn the_audit_log_downloads_what_its_filter_matches() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", Some(5)).await;
    let mut console = Console::signed_in(&app).await;
    let page = console.get("/console/audit?action=product.*").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("product.created"));
    assert!(!page.text.contains("console.signed_in"));

    let csv = console
        .get("/console/audit/download?format=csv&action=product.*")
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv
        .header("content-disposition")
        .unwrap_or_default()
        .contains("audit.csv"));
    assert!(csv.text.starts_with("id,time,request_id,actor_type"));
    assert!(csv.text.contains("product.created") && !csv.text.contains("console.signed_in"));
    let jsonl = console.get("/console/audit/download?format=jsonl").await;
    let actions: Vec<String> = jsonl
        .text
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("a JSON line")["action"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert!(
        actions.contains(&"console.signed_in".to_owned()),
        "{actions:?}"
    );
    assert_eq!(
        console
            .get("/console/audit/download?format=xml")
            .await
            .status,
        400
    );
}

#[actix_rt::test]
async fn the_license_chart_draws_the_hourly_samples_and_now() {
    use gatehouse::access::license_history;
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", Some(5)).await;
    let now = app.state.clock.now_micros();
    let day = 24 * 60 * 60 * 1_000_000_i64;
    for at in [now - 2 * day, now - day] {
        let due = app
            .state
            .store
            .read(move |conn| license_history::is_due(conn, at))
            .await
            .expect("read");
        assert!(due, "no sample within the hour before {at}");
        let rows = app
            .state
            .store
            .read(move |conn| license_history::measure(conn, at))
            .await
            .expect("measured");
        let rows = std::sync::Arc::new(rows);
        app.state
            .store
            .write(move |conn| license_history::record(conn, &rows))
            .await
            .expect("recorded");
    }
    let soon = now - day + 60 * 1_000_000;
    let due = app
        .state
        .store
        .read(move |conn| license_history::is_due(conn, soon))
        .await
        .expect("read");
    assert!(!due, "a minute after a sample, none is due");
    let mut console = Console::signed_in(&app).await;
    let page = console.get("/console/reports").await;
    assert_eq!(
        page.text.matches("<circle class=\"point\"").count(),
        3,
        "two samples and now"
    );
    assert!(page.text.contains("wiki</strong>: 0 used of 5"));
}

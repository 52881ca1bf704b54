//! Reports as auditors take them: a page at a time, as JSON, JSON lines or
//! CSV (safe to open in a spreadsheet), from a point in time on.

use std::sync::Arc;

use gatehouse::clock::{Clock, FixedClock, SystemClock};
use serde_json::json;

use crate::admin::{id, scim_patch};
use crate::support::TestApp;

const HOUR_US: i64 = 3600 * 1_000_000;

fn rfc3339(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[actix_web::test]
async fn reports_page_export_and_start_from_a_time() {
    let clock = Arc::new(FixedClock::at(SystemClock.now_micros()));
    let app = TestApp::builder().clock(clock.clone()).start().await;
    app.create_product("acme", "wiki", None).await;
    let ann = id(&app.create_user("ann@acme.test").await);
    let formula = id(&app.create_user("=HYPERLINK(\"http://evil.test\")").await);
    let group = id(&app.create_group("Wiki users", &[&ann, &formula]).await);
    app.map(&group, "wiki", "user").await;
    clock.advance(2 * HOUR_US);
    let later = clock.now_micros();
    let bob = id(&app.create_user("bob@acme.test").await);
    let r = scim_patch(
        &app,
        &format!("/scim/v2/Groups/{group}"),
        json!([{"op": "add", "path": "members", "value": [{"value": bob}]}]),
    )
    .await;
    assert!(r.status < 300, "{}", r.text);

    // Pages: two lines, then the last one.
    let r = app.admin_get("/reports/access?product=wiki&limit=2").await;
    assert_eq!(r.json["items"].as_array().unwrap().len(), 2, "{}", r.text);
    let cursor = r.json["next_cursor"].as_str().unwrap().to_owned();
    let r = app
        .admin_get(&format!(
            "/reports/access?product=wiki&limit=2&cursor={cursor}"
        ))
        .await;
    assert_eq!(r.json["items"].as_array().unwrap().len(), 1, "{}", r.text);
    assert_eq!(r.json["next_cursor"], json!(null));
    // A page that ends with the report has no next page; one past it is
    // empty (a number is the line to start at, as earlier releases gave).
    let r = app.admin_get("/reports/access?product=wiki&limit=3").await;
    assert_eq!(r.json["items"].as_array().unwrap().len(), 3, "{}", r.text);
    assert_eq!(r.json["next_cursor"], json!(null));
    let r = app
        .admin_get("/reports/access?product=wiki&limit=3&cursor=3")
        .await;
    assert_eq!(r.json["items"], json!([]), "{}", r.text);
    assert_eq!(r.json["next_cursor"], json!(null));

    // Since: only access granted from then on.
    let since = rfc3339(later - HOUR_US);
    let r = app
        .admin_get(&format!("/reports/access?since={since}"))
        .await;
    let users: Vec<&str> = r.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["user"].as_str().unwrap())
        .collect();
    assert_eq!(users, [bob.as_str()], "{}", r.text);
    let r = app
        .admin_get(&format!(
            "/reports/access?since={}",
            rfc3339(later + HOUR_US)
        ))
        .await;
    assert_eq!(r.json["items"], json!([]));

    // CSV: a header naming the fields, a row per line, the formula inert.
    let r = app.admin_get("/reports/access?format=csv&limit=2").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.header("content-type").unwrap(), "text/csv; charset=utf-8");
    let next = r.header("x-next-cursor").unwrap();
    let mut lines = r.text.lines();
    assert_eq!(
        lines.next(),
        Some("product,role,user,userName,person,since,via")
    );
    assert_eq!(lines.count(), 2);
    let r = app
        .admin_get(&format!("/reports/access?format=csv&limit=2&cursor={next}"))
        .await;
    assert_eq!(
        r.text.lines().count(),
        2,
        "a header and the last line: {}",
        r.text
    );
    assert_eq!(r.header("x-next-cursor"), None);
    let r = app.admin_get("/reports/access?format=csv").await;
    assert!(r.text.contains("'=HYPERLINK"), "{}", r.text);
    assert!(!r.text.contains(",=HYPERLINK"), "{}", r.text);
    // JSON lines: one object per line.
    let r = app.admin_get("/reports/access?format=jsonl").await;
    assert_eq!(r.header("content-type").unwrap(), "application/jsonl");
    let parsed: Vec<serde_json::Value> = r
        .text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(parsed.len(), 3);
    // Empty: still a header.
    let r = app.admin_get("/reports/leavers?format=csv").await;
    assert_eq!(r.text, "person,email,account,product,role\n");
    let r = app.admin_get("/reports/licenses?format=csv").await;
    assert!(
        r.text.starts_with("product,used,cap,guests\nwiki,3,,0"),
        "{}",
        r.text
    );

    // Refused before any work: a bad format, limit, cursor, time or name.
    for bad in [
        "/reports/access?format=xml",
        "/reports/access?limit=10001",
        "/reports/access?limit=0",
        "/reports/access?cursor=abc",
        "/reports/access?cursor=e30",
        "/reports/non-synced-access?cursor=abc",
        "/reports/access?since=yesterday",
        "/reports/licenses?since=2026-01-01T00:00:00Z",
        "/reports/access?colour=red",
    ] {
        let r = app.admin_get(bad).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.text);
        assert_eq!(
            r.header("content-type").unwrap(),
            "application/problem+json"
        );
    }
}

/// A line is an account's role on a product with every group that grants
/// it; a page boundary never splits one.
#[actix_web::test]
async fn a_report_line_gathers_its_groups_across_a_page_boundary() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    let ann = id(&app.create_user("ann@acme.test").await);
    let cat = id(&app.create_user("cat@acme.test").await);
    let one = id(&app.create_group("Wiki one", &[&ann, &cat]).await);
    let two = id(&app.create_group("Wiki two", &[&ann]).await);
    app.map(&one, "wiki", "user").await;
    app.map(&two, "wiki", "user").await;
    let r = app.admin_get("/reports/access?product=wiki&limit=1").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let items = r.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", r.text);
    assert_eq!(items[0]["user"], ann.as_str());
    let groups: Vec<&str> = items[0]["via"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["group_id"].as_str().unwrap())
        .collect();
    assert_eq!(groups.len(), 2, "{}", r.text);
    assert!(groups.contains(&one.as_str()) && groups.contains(&two.as_str()));
    let cursor = r.json["next_cursor"].as_str().unwrap().to_owned();
    let r = app
        .admin_get(&format!(
            "/reports/access?product=wiki&limit=1&cursor={cursor}"
        ))
        .await;
    let items = r.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", r.text);
    assert_eq!(items[0]["user"], cat.as_str());
    assert_eq!(r.json["next_cursor"], json!(null));
}

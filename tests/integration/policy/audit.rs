//! The audit log: filters, cursor paging, exports; every kind of change.

use serde_json::json;

use crate::admin::id;
use crate::support::TestApp;

#[actix_web::test]
async fn the_audit_log_filters_pages_and_exports() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    let mut users = Vec::new();
    for i in 0..5 {
        users.push(id(&app.create_user(&format!("u{i}@acme.test")).await));
    }
    let g = id(&app.create_group("Staff", &[&users[0]]).await);
    let mapping = app.map(&g, "wiki", "user").await;

    // Filter by action and by target.
    let r = app.admin_get("/audit?action=user.provisioned").await;
    assert_eq!(r.json["items"].as_array().unwrap().len(), 5);
    assert!(r.json["next_cursor"].is_null());
    let r = app
        .admin_get(&format!(
            "/audit?target={}",
            mapping["id"].as_str().unwrap()
        ))
        .await;
    let e = &r.json["items"][0];
    assert_eq!(e["action"], "mapping.created");
    assert_eq!(e["actor_type"], "admin_token");
    assert_eq!(e["after"]["mapping"]["group"]["id"], g.as_str());
    // By actor: the directory token's SCIM writes.
    let token_id = r.json["items"][0]["actor"].as_str().unwrap().to_owned();
    let r = app.admin_get(&format!("/audit?actor={token_id}")).await;
    assert!(r.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor"] == token_id.as_str()));

    // Cursor paging walks everything once, in order.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let r = app
            .admin_get(&format!("/audit?limit=3&cursor={cursor}"))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        seen.extend(
            r.json["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_i64().unwrap()),
        );
        match r.json["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    let all = app.admin_get("/audit").await;
    let ids: Vec<i64> = all.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert_eq!(seen, ids);
    assert!(ids.windows(2).all(|w| w[0] < w[1]));

    // A time range: nothing before the epoch, everything since.
    let r = app.admin_get("/audit?until=1970-01-02T00:00:00Z").await;
    assert_eq!(r.json["items"], json!([]));
    let r = app.admin_get("/audit?since=1970-01-02T00:00:00Z").await;
    assert_eq!(r.json["items"].as_array().unwrap().len(), ids.len());

    // Exports.
    let r = app
        .admin_get("/audit?format=jsonl&action=user.provisioned")
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type").unwrap(), "application/jsonl");
    let lines: Vec<serde_json::Value> = r
        .text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["action"], "user.provisioned");
    let r = app.admin_get("/audit?format=csv&action=mapping.*").await;
    assert!(r.header("content-type").unwrap().starts_with("text/csv"));
    let mut rows = r.text.lines();
    assert_eq!(
        rows.next().unwrap(),
        "id,time,request_id,actor_type,actor,directory,action,target_type,target,before,after"
    );
    assert_eq!(
        rows.count(),
        2,
        "the default group's mapping and Staff's: {}",
        r.text
    );

    // Bad parameters.
    for bad in [
        "?limit=0",
        "?limit=10001",
        "?since=yesterday",
        "?format=xml",
        "?cursor=xyz",
        "?colour=red",
    ] {
        let r = app.admin_get(&format!("/audit{bad}")).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.text);
    }
}

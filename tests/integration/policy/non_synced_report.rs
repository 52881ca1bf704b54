//! The non-synced access report a page at a time: licensed roles held
//! through local groups, product by product, each product's holders in
//! userName order across directories, each holder's grants by role and
//! group; a page reads only as far as it lists.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::admin::{id, scim_patch};
use crate::support::TestApp;

/// Every line of every page (a walk that does not end within 100 pages
/// fails).
async fn walk(app: &TestApp, base: &str) -> Vec<Value> {
    super::report_pages(app, base, None, 100).await
}

/// (product, account, role, group) of each line, in the report's order.
fn shape(lines: &[Value]) -> Vec<[String; 4]> {
    lines
        .iter()
        .map(|l| ["product", "user", "role", "group_id"].map(|k| l[k].as_str().unwrap().to_owned()))
        .collect()
}

async fn local_group(app: &TestApp, name: &str, members: &[&String]) -> String {
    let group = id(&app
        .admin_post("/groups", &json!({"displayName": name}))
        .await
        .json);
    let r = app
        .admin_post(
            &format!("/groups/{group}/members"),
            &json!({ "users": members }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    group
}

#[actix_web::test]
async fn pages_list_each_local_grant_once_by_product_and_name() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    app.create_product("acme", "crm", None).await;
    let mut own = Vec::new();
    for i in 1..=5 {
        own.push(id(&app.create_user(&format!("u{i}@acme.test")).await));
    }
    let okta = app.other_directory("Okta");
    let mut other = Vec::new();
    // One name in both directories; one between the others.
    for name in ["u3@acme.test", "u25@acme.test"] {
        let r = app
            .request_as(&okta.token, Method::POST, "/scim/v2/Users")
            .json(&crate::scim::user_body(name))
            .send()
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        other.push(id(&r.json));
    }
    let (u1, u2, u3, u4, u5) = (&own[0], &own[1], &own[2], &own[3], &own[4]);
    let (o3, o25) = (&other[0], &other[1]);

    // A synced group's access is not listed.
    let everyone: Vec<&str> = own.iter().map(String::as_str).collect();
    let synced = id(&app.create_group("Everyone", &everyone).await);
    app.map(&synced, "wiki", "user").await;
    let helpers = local_group(&app, "Wiki helpers", &[u1, u3, o25]).await;
    app.map(&helpers, "wiki", "user").await;
    let admins = local_group(&app, "Wiki admins", &[u3, o3]).await;
    app.map(&admins, "wiki", "admin").await;
    let crm = local_group(&app, "CRM", &[u2, u5, u4]).await;
    app.map(&crm, "crm", "user").await;
    // A member who leaves holds nothing.
    let r = scim_patch(
        &app,
        &format!("/scim/v2/Users/{u5}"),
        json!([{"op": "replace", "path": "active", "value": false}]),
    )
    .await;
    assert!(r.status < 300, "{}", r.text);

    // By product; then by userName (the account deciding between equal
    // names); then role and group name.
    let mut u3_then_o3 = [u3, o3];
    u3_then_o3.sort();
    let line = |p: &str, u: &String, r: &str, g: &String| {
        [p.to_owned(), u.clone(), r.to_owned(), g.clone()]
    };
    let mut expected = vec![
        line("crm", u2, "user", &crm),
        line("crm", u4, "user", &crm),
        line("wiki", u1, "user", &helpers),
        line("wiki", o25, "user", &helpers),
    ];
    for u in u3_then_o3 {
        expected.push(line("wiki", u, "admin", &admins));
        expected.push(line("wiki", u, "user", &admins));
        if u == u3 {
            expected.push(line("wiki", u, "user", &helpers));
        }
    }
    for limit in [1, 3, 100] {
        let lines = walk(&app, &format!("/reports/non-synced-access?limit={limit}")).await;
        assert_eq!(shape(&lines), expected, "pages of {limit}");
    }
    // From a time on (every line read, then filtered): the same lines.
    let lines = walk(
        &app,
        "/reports/non-synced-access?since=1970-01-01T00:00:00Z&limit=4",
    )
    .await;
    let (mut got, mut want) = (shape(&lines), expected.clone());
    got.sort();
    want.sort();
    assert_eq!(got, want);
    // The lines say who granted them and how.
    assert!(lines.iter().all(|l| l["source"] == "admin"), "{lines:?}");
    // Offsets: a page past the end is empty.
    let r = app
        .admin_get(&format!(
            "/reports/non-synced-access?cursor={}",
            expected.len()
        ))
        .await;
    assert_eq!(r.json["items"], json!([]), "{}", r.text);
    assert_eq!(r.json["next_cursor"], json!(null));
}

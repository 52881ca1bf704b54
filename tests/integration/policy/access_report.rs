//! The access report a page at a time where one directory's holders are
//! dense enough to be walked by name and another's are sorted
//! (`store::access_report`): every way of reading it gives the lines the
//! access model says, once each, in (product, role, userName, account)
//! order, each with every group granting it.

use std::collections::{BTreeMap, BTreeSet};

use actix_web::http::Method;
use gatehouse::clock::{Clock, SystemClock};
use serde_json::{json, Value};

use crate::admin::{id, scim_patch};
use crate::support::TestApp;

/// Users in the app's own directory; all but a few are in one group, so
/// its holders are walked (holders² > 128 × users).
const DENSE_USERS: usize = 160;

async fn create_user_in(app: &TestApp, token: &str, user_name: &str) -> String {
    let r = app
        .request_as(token, Method::POST, "/scim/v2/Users")
        .json(&crate::scim::user_body(user_name))
        .send()
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    id(&r.json)
}

/// Every line of the pages of `base` from `cursor` on (every walk here
/// ends within 5,000 pages; one that does not, fails).
async fn walk_from(app: &TestApp, base: &str, cursor: Option<String>) -> Vec<Value> {
    super::report_pages(app, base, cursor, 5_000).await
}

async fn walk(app: &TestApp, base: &str) -> Vec<Value> {
    walk_from(app, base, None).await
}

/// (role, account, granting groups) of each line, in the report's order.
fn shape(lines: &[Value]) -> Vec<(String, String, BTreeSet<String>)> {
    lines
        .iter()
        .map(|l| {
            let via = l["via"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["group_id"].as_str().unwrap().to_owned())
                .collect();
            (
                l["role"].as_str().unwrap().to_owned(),
                l["user"].as_str().unwrap().to_owned(),
                via,
            )
        })
        .collect()
}

#[actix_web::test]
async fn pages_of_walked_and_sorted_holders_hold_every_line_once_in_order() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    let own = app.directory.token.clone();
    let okta = app.other_directory("Okta");

    // userName → account, per directory; names interleave across the two,
    // and one name is in both (the account decides their order).
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut dense = Vec::new();
    for i in 0..DENSE_USERS {
        let name = format!("u{:04}@acme.test", (i * 37) % DENSE_USERS * 2);
        let user = create_user_in(&app, &own, &name).await;
        names.insert(user.clone(), name);
        dense.push(user);
    }
    let mut sparse = Vec::new();
    for name in [
        "u0001@acme.test",
        "u0101@acme.test",
        "u0200@acme.test",
        "u0319@acme.test",
        "zed@acme.test",
    ] {
        let user = create_user_in(&app, &okta.token, name).await;
        names.insert(user.clone(), name.to_owned());
        sparse.push(user);
    }

    // Everyone but the first five of the dense directory.
    let members: Vec<&str> = dense[5..].iter().map(String::as_str).collect();
    let everyone = id(&app.create_group("Everyone", &members).await);
    app.map(&everyone, "wiki", "user").await;
    // A member who leaves holds nothing.
    let left = dense[7].clone();
    let r = scim_patch(
        &app,
        &format!("/scim/v2/Users/{left}"),
        json!([{"op": "replace", "path": "active", "value": false}]),
    )
    .await;
    assert!(r.status < 300, "{}", r.text);
    // The other directory's admins (admin grants user too): all but "zed".
    let r = app
        .request_as(&okta.token, Method::POST, "/scim/v2/Groups")
        .json(&json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "Wiki admins",
            "members": sparse[..4].iter().map(|u| json!({"value": u})).collect::<Vec<_>>(),
        }))
        .send()
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let admins = id(&r.json);
    app.map(&admins, "wiki", "admin").await;
    // A local group of accounts from both directories: one already in
    // Everyone, one outside it, and "zed".
    let helpers = id(&app
        .admin_post("/groups", &json!({"displayName": "Helpers"}))
        .await
        .json);
    let r = app
        .admin_post(
            &format!("/groups/{helpers}/members"),
            &json!({"users": [dense[10], dense[2], sparse[4]]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    app.map(&helpers, "wiki", "user").await;

    // What the model says: role → account → granting groups.
    let mut expected: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let mut grant = |role: &str, user: &String, group: &String| {
        if *user != left {
            expected
                .entry((role.to_owned(), user.clone()))
                .or_default()
                .insert(group.clone());
        }
    };
    for user in &dense[5..] {
        grant("user", user, &everyone);
    }
    for user in &sparse[..4] {
        grant("admin", user, &admins);
        grant("user", user, &admins);
    }
    for user in [&dense[10], &dense[2], &sparse[4]] {
        grant("user", user, &helpers);
    }
    let mut expected: Vec<(String, String, BTreeSet<String>)> = expected
        .into_iter()
        .map(|((role, user), via)| (role, user, via))
        .collect();
    expected.sort_by(|a, b| (&a.0, &names[&a.1], &a.1).cmp(&(&b.0, &names[&b.1], &b.1)));
    assert_eq!(expected.len(), 4 + 155 - 1 + 4 + 2);

    // Pages of every size a walk meets: one line, a few, across the roles.
    for limit in [1, 7, 100, 10_000] {
        let lines = walk(&app, &format!("/reports/access?product=wiki&limit={limit}")).await;
        assert_eq!(shape(&lines), expected, "pages of {limit}");
    }
    // The whole report (no product), and from a time on (read sorted).
    let lines = walk(&app, "/reports/access?limit=9").await;
    assert_eq!(shape(&lines), expected);
    let lines = walk(&app, "/reports/access?since=1970-01-01T00:00:00Z&limit=9").await;
    assert_eq!(shape(&lines), expected);
    // A line's userName is its account's.
    for l in &lines {
        assert_eq!(
            l["userName"].as_str().unwrap(),
            names[l["user"].as_str().unwrap()]
        );
    }
    // The whole report, as the console downloads it (read sorted, every
    // directory at once): the same lines in the same order.
    let mut console = crate::console::client::Console::signed_in(&app).await;
    let csv = console
        .get("/console/reports/access.csv?product=wiki")
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    let rows: Vec<(String, String)> = csv
        .text
        .lines()
        .skip(1)
        .map(|l| {
            let mut fields = l.split(',').skip(1);
            let role = fields.next().unwrap().to_owned();
            (role, fields.next().unwrap().to_owned())
        })
        .collect();
    let wanted: Vec<(String, String)> = expected
        .iter()
        .map(|(role, user, _)| (role.clone(), user.clone()))
        .collect();
    assert_eq!(rows, wanted);
    // A number (earlier releases' cursors) is the line to start at; the
    // page's own cursor goes on from there.
    let r = app
        .admin_get("/reports/access?product=wiki&limit=50&cursor=100")
        .await;
    assert_eq!(
        shape(r.json["items"].as_array().unwrap()),
        expected[100..150]
    );
    let next = r.json["next_cursor"].as_str().unwrap().to_owned();
    let r = app
        .admin_get(&format!(
            "/reports/access?product=wiki&limit=50&cursor={next}"
        ))
        .await;
    assert_eq!(shape(r.json["items"].as_array().unwrap()), expected[150..]);
    assert_eq!(r.json["next_cursor"], json!(null));
    // A page past the end is empty.
    let r = app
        .admin_get(&format!(
            "/reports/access?limit=5&cursor={}",
            expected.len()
        ))
        .await;
    assert_eq!(r.json["items"], json!([]), "{}", r.text);
    assert_eq!(r.json["next_cursor"], json!(null));

    // A cursor names where its page ended, not a line number: an account
    // granted access meanwhile, named before it, neither repeats a line
    // on the next page nor hides one.
    let r = app.admin_get("/reports/access?product=wiki&limit=20").await;
    assert_eq!(shape(r.json["items"].as_array().unwrap()), expected[..20]);
    let next = r.json["next_cursor"].as_str().unwrap().to_owned();
    let early = create_user_in(&app, &own, "a0000@acme.test").await;
    let r = scim_patch(
        &app,
        &format!("/scim/v2/Groups/{everyone}"),
        json!([{"op": "add", "path": "members", "value": [{"value": early}]}]),
    )
    .await;
    assert!(r.status < 300, "{}", r.text);
    let rest = walk_from(&app, "/reports/access?product=wiki&limit=20", Some(next)).await;
    assert_eq!(shape(&rest), expected[20..]);

    // From a time on: a group mapped later grants 150 accounts at once
    // (enough to be walked by name), but only those without an earlier
    // grant were first granted it from then on.
    let since = chrono::DateTime::from_timestamp_micros(SystemClock.now_micros())
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let late_members: Vec<&str> = dense[..150].iter().map(String::as_str).collect();
    let late = id(&app.create_group("Late", &late_members).await);
    app.map(&late, "wiki", "user").await;
    let mut first_granted_late: Vec<&String> = [&dense[0], &dense[1], &dense[3], &dense[4]].into();
    first_granted_late.sort_by_key(|u| &names[*u]);
    let only_late = BTreeSet::from([late.clone()]);
    let wanted: Vec<(String, String, BTreeSet<String>)> = first_granted_late
        .iter()
        .map(|u| ("user".to_owned(), (*u).clone(), only_late.clone()))
        .collect();
    for limit in [1, 100] {
        let lines = walk(
            &app,
            &format!("/reports/access?product=wiki&since={since}&limit={limit}"),
        )
        .await;
        assert_eq!(shape(&lines), wanted, "pages of {limit} since {since}");
    }
}

/// Holders grouped at the start of the alphabet, then thousands of names
/// without access, then a few more holders: the walk's stretches past the
/// first group find nothing, and the rest is found from the group's
/// members instead. Every page still holds the next lines in order.
#[actix_web::test]
async fn holders_far_apart_in_the_alphabet_are_each_listed_once_in_order() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    let name = |prefix: &str, i: usize| format!("{prefix}{i:04}@acme.test");
    let early: Vec<String> = (0..1_400).map(|i| name("a", i)).collect();
    let others: Vec<String> = (0..2_800).map(|i| name("b", i)).collect();
    let late: Vec<String> = (0..5).map(|i| name("c", i)).collect();
    let names: Vec<String> = early.iter().chain(&others).chain(&late).cloned().collect();
    let ids = crate::scim::bulk_users(&app, names.clone()).await;
    let holders: Vec<&str> = ids[..1_400]
        .iter()
        .chain(&ids[4_200..])
        .map(String::as_str)
        .collect();
    let group = id(&app.create_group("Wiki", &holders).await);
    app.map(&group, "wiki", "user").await;

    let expected: Vec<String> = holders.iter().map(|h| (*h).to_owned()).collect();
    for limit in [100, 1_000] {
        let lines = walk(&app, &format!("/reports/access?product=wiki&limit={limit}")).await;
        let users: Vec<String> = lines
            .iter()
            .map(|l| l["user"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(users, expected, "pages of {limit}");
        let listed: Vec<&str> = lines
            .iter()
            .map(|l| l["userName"].as_str().unwrap())
            .collect();
        let wanted: Vec<&str> = early.iter().chain(&late).map(String::as_str).collect();
        assert_eq!(listed, wanted);
    }
}

//! A user resource's `entitlements` and access `grants` are made from the
//! user's memberships as they are read for its `groups` (one statement),
//! by the rule the `user_entitlements` view states; the admin API reads
//! the view itself. For users in every state the two agree, one user at
//! a time and a page at once.

use actix_web::http::Method;
use serde_json::{json, Value};

use super::group_filter::PATCH_OP;
use super::{filter_query, ACCESS};
use crate::support::TestApp;

/// (value, group id, group name, directory, synced) per grant, as the
/// admin API's access of the user (the view) lists them.
async fn grants_in_view(app: &TestApp, user: &str) -> Vec<(String, String, String, String, bool)> {
    let r = app.admin_get(&format!("/users/{user}/access")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let mut out = Vec::new();
    for e in r.json["entitlements"].as_array().unwrap() {
        for via in e["via"].as_array().unwrap() {
            out.push((
                format!(
                    "{}:{}",
                    e["product"].as_str().unwrap(),
                    e["role"].as_str().unwrap()
                ),
                via["group_id"].as_str().unwrap().to_owned(),
                via["displayName"].as_str().unwrap().to_owned(),
                via["directory"].as_str().unwrap().to_owned(),
                via["synced"].as_bool().unwrap(),
            ));
        }
    }
    out
}

/// The same, as a SCIM user resource shows them; and its `entitlements`
/// values, which must be the grants' values, each once, in their order.
fn grants_shown(user: &Value) -> Vec<(String, String, String, String, bool)> {
    let grants: Vec<_> = user[ACCESS]["grants"]
        .as_array()
        .map(|g| {
            g.iter()
                .map(|g| {
                    (
                        g["value"].as_str().unwrap().to_owned(),
                        g["group"].as_str().unwrap().to_owned(),
                        g["groupDisplay"].as_str().unwrap().to_owned(),
                        g["groupDirectory"].as_str().unwrap().to_owned(),
                        g["synced"].as_bool().unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let mut values: Vec<String> = grants.iter().map(|g| g.0.clone()).collect();
    values.dedup();
    let shown: Vec<String> = user["entitlements"]
        .as_array()
        .map(|e| {
            e.iter()
                .map(|e| e["value"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(shown, values, "{user}");
    grants
}

/// The user deactivated by its directory (the one `token` is of).
async fn deactivate(app: &TestApp, token: &str, user: &str) {
    let r = app
        .request_as(token, Method::PATCH, &format!("/scim/v2/Users/{user}"))
        .json(&json!({"schemas": [PATCH_OP],
            "Operations": [{"op": "replace", "value": {"active": false}}]}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[actix_web::test]
async fn a_users_entitlements_are_what_the_access_view_says_in_every_state() {
    let app = TestApp::new().await;
    let wiki = app.create_product("acme", "wiki", None).await;
    app.create_product("acme", "jira-service-management", None)
        .await;
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    let mut users = Vec::new();
    for name in ["alice", "bob", "carol", "dana", "erin"] {
        users.push(id(&app.create_user(&format!("{name}@shown.example")).await));
    }
    let [alice, bob, carol, dana, erin] = [0, 1, 2, 3, 4].map(|i| users[i].clone());
    // Names out of creation order, so the grants' order is the names'.
    let staff = id(&app
        .create_group("Staff", &[&alice, &bob, &carol, &erin])
        .await);
    let admins = id(&app.create_group("Admins", &[&alice]).await);
    app.create_group("Unmapped", &[&alice, &dana]).await;
    app.map(&staff, "wiki", "user").await;
    // `admin` implies `user`: alice holds `user` through both groups.
    app.map(&admins, "wiki", "admin").await;
    // bob deactivated by the IdP, carol suspended by an admin.
    deactivate(&app, &app.directory.token, &bob).await;
    let r = app
        .admin_post(&format!("/users/{carol}/suspend"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // dana gets wiki through its default group: local, so not in `groups`.
    let default_group = wiki["default_group"]["id"].as_str().unwrap().to_owned();
    let r = app
        .admin_post(
            &format!("/groups/{default_group}/members"),
            &json!({"users": [dana]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    // erin has an account in a second directory too (one person by
    // email), deactivated there: its person stays live through this one.
    let second = app.other_directory("Second IdP");
    let r = app
        .request_as(&second.token, Method::POST, "/scim/v2/Users")
        .json(&super::user_body("erin@shown.example"))
        .send()
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    deactivate(&app, &second.token, &id(&r.json)).await;
    // A portal-only customer in a group granting `customer`.
    let r = app
        .admin_post("/customers", &json!({"email": "pat@shown.example"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let pat = r.json["user"].as_str().unwrap().to_owned();
    let r = app
        .admin_post("/groups", &json!({"displayName": "Portal customers"}))
        .await;
    let portal = id(&r.json);
    app.map(&portal, "jira-service-management", "customer")
        .await;
    let r = app
        .admin_post(
            &format!("/groups/{portal}/members"),
            &json!({"users": [pat]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);

    let mut expected = Vec::new();
    for user in &users {
        expected.push(grants_in_view(&app, user).await);
    }
    // The view's answers, as the model says (so the comparison below
    // compares something).
    let values = |g: &[(String, String, String, String, bool)]| -> Vec<String> {
        g.iter().map(|g| format!("{} {}", g.0, g.2)).collect()
    };
    assert_eq!(
        values(&expected[0]),
        ["wiki:admin Admins", "wiki:user Admins", "wiki:user Staff"]
    );
    assert!(expected[1].is_empty() && expected[2].is_empty());
    assert_eq!(expected[3].len(), 1);
    assert!(
        !expected[3][0].4,
        "dana's grant is local: {:?}",
        expected[3]
    );
    assert_eq!(values(&expected[4]), ["wiki:user Staff"]);
    assert_eq!(
        values(&grants_in_view(&app, &pat).await)
            .iter()
            .map(|v| v.split(' ').next().unwrap())
            .collect::<Vec<_>>(),
        ["jira-service-management:customer"]
    );

    // One user at a time.
    for (user, expected) in users.iter().zip(&expected) {
        let r = app.get(&format!("/scim/v2/Users/{user}")).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(&grants_shown(&r.json), expected, "{user}");
    }
    // A page of them at once.
    let r = app
        .get(&format!(
            "/scim/v2/Users?count=100&filter={}",
            filter_query("userName ew \"@shown.example\"")
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let page = r.json["Resources"].as_array().unwrap();
    assert_eq!(page.len(), users.len(), "{}", r.text);
    for user in page {
        let at = users.iter().position(|u| *u == user["id"]).unwrap();
        assert_eq!(grants_shown(user), expected[at], "{user}");
    }
    // Looked up as an IdP does, by userName (on PostgreSQL the user and
    // its memberships in one statement, `store::user_lookup`): each one
    // the resource its own read gives, groups, grants and all.
    let names = ["alice", "bob", "carol", "dana", "erin"];
    for (user, name) in users.iter().zip(names) {
        let by_id = app.get(&format!("/scim/v2/Users/{user}")).await;
        let filter = filter_query(&format!("userName eq \"{name}@shown.example\""));
        let r = app.get(&format!("/scim/v2/Users?filter={filter}")).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json["totalResults"], 1, "{}", r.text);
        assert_eq!(r.json["Resources"][0], by_id.json, "{name}");
        // Past the one match, and a page of none: the total alone.
        for paging in ["startIndex=2", "count=0"] {
            let r = app
                .get(&format!("/scim/v2/Users?filter={filter}&{paging}"))
                .await;
            assert_eq!(r.status, 200, "{}", r.text);
            assert_eq!(r.json["totalResults"], 1, "{paging}: {}", r.text);
            assert_eq!(r.json["Resources"], json!([]), "{paging}: {}", r.text);
        }
    }
    let filter = filter_query("userName eq \"nobody@shown.example\"");
    let r = app.get(&format!("/scim/v2/Users?filter={filter}")).await;
    assert_eq!((r.status, &r.json["totalResults"]), (200, &json!(0)));

    // `groups`: the directory's groups only, each once, by name.
    let groups = |user: Value| -> Vec<String> {
        user["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["display"].as_str().unwrap().to_owned())
            .collect()
    };
    let r = app.get(&format!("/scim/v2/Users/{alice}")).await;
    assert_eq!(groups(r.json), ["Admins", "Staff", "Unmapped"]);
    let r = app.get(&format!("/scim/v2/Users/{dana}")).await;
    assert_eq!(groups(r.json), ["Unmapped"]);

    // The person rule, which only a local account can meet (a directory's
    // active account keeps its person live): pat's person gets an
    // identity in the second directory, deactivated there, and pat's
    // access goes with it. The org admin reads local accounts over SCIM.
    let pat_read = |app: &TestApp| {
        app.request_as(
            &app.admin_token,
            Method::GET,
            &format!("/scim/v2/Users/{pat}"),
        )
        .send()
    };
    let r = pat_read(&app).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(grants_shown(&r.json), grants_in_view(&app, &pat).await);
    let r = app
        .request_as(&second.token, Method::POST, "/scim/v2/Users")
        .json(&super::user_body("pat@shown.example"))
        .send()
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    deactivate(&app, &second.token, &id(&r.json)).await;
    assert_eq!(grants_in_view(&app, &pat).await, []);
    let r = pat_read(&app).await;
    assert_eq!(r.json["active"], true, "{}", r.text);
    assert_eq!(grants_shown(&r.json), []);
}

/// The user with the access extension left out of its `schemas` (whether
/// an answer that shows none of it lists it is not what the test below is
/// about).
fn without_access_schema(mut user: Value) -> Value {
    user["schemas"]
        .as_array_mut()
        .unwrap()
        .retain(|s| s.as_str() != Some(ACCESS));
    user
}

/// A read that excludes `groups`, `entitlements` and the access extension
/// (which the server then need not read the memberships for) answers the
/// rest of each user exactly as a full read does, one user and a page.
#[actix_web::test]
async fn excluding_every_access_attribute_leaves_the_rest_of_the_user_as_it_was() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    let alice = app.create_user("alice@excluded.example").await;
    let alice = alice["id"].as_str().unwrap().to_owned();
    app.create_user("bob@excluded.example").await;
    let staff = app.create_group("Staff", &[&alice]).await;
    app.map(staff["id"].as_str().unwrap(), "wiki", "user").await;
    let excluded = format!("excludedAttributes=groups,entitlements,{ACCESS}");
    // What a full read shows, less what was excluded.
    let without_access = |mut user: Value| {
        let object = user.as_object_mut().unwrap();
        for key in ["groups", "entitlements", ACCESS] {
            object.remove(key);
        }
        without_access_schema(user)
    };
    let full = app.get(&format!("/scim/v2/Users/{alice}")).await;
    assert_eq!(full.json["groups"][0]["display"], "Staff", "{}", full.text);
    assert_eq!(full.json["entitlements"][0]["value"], "wiki:user");
    let read = app.get(&format!("/scim/v2/Users/{alice}?{excluded}")).await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(without_access_schema(read.json), without_access(full.json));
    let full = app.get("/scim/v2/Users?sortBy=userName").await;
    let page = app
        .get(&format!("/scim/v2/Users?sortBy=userName&{excluded}"))
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert_eq!(page.json["totalResults"], 2);
    let shown: Vec<Value> = full.json["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .cloned()
        .map(without_access)
        .collect();
    let read: Vec<Value> = page.json["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .cloned()
        .map(without_access_schema)
        .collect();
    assert_eq!(read, shown);
}

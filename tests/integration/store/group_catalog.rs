//! The groups a read keeps between reads (`store::group_catalog`): after
//! every kind of change to what it keeps (a group renamed or deleted, a
//! mapping made or removed, a product renamed, a role implication), a
//! user read and a write's response show the groups the store's own
//! statement reads, memberships and groups joined (`memberships::grants_of`,
//! which keeps nothing). A write looks in what reads kept without adding
//! to it (on PostgreSQL), and only at the version its statement read.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::support::TestApp;

/// The names of a user's groups as the store reads them joined, without
/// any catalog (as the CLI does), in the order responses show them.
fn joined_groups(app: &TestApp, id: &str) -> Vec<String> {
    let id = id.to_owned();
    let grants = app
        .state
        .store
        .read_now(move |conn| {
            let row = gatehouse::store::users::find(conn, None, &id)?;
            gatehouse::store::memberships::grants_of(conn, std::slice::from_ref(&row))
                .map_err(gatehouse::store::StoreError::Database)
        })
        .unwrap();
    let mut names: Vec<String> = Vec::new();
    for grant in grants {
        if names.last() != Some(&grant.group_display) {
            names.push(grant.group_display);
        }
    }
    names
}

/// A user's `groups` and `entitlements` as a read shows them, checked
/// against what a page of users shows, what a write renders, and (the
/// groups) what the store reads joined.
async fn shown(app: &TestApp, id: &str) -> (Value, Value) {
    let read = app.get(&format!("/scim/v2/Users/{id}")).await;
    assert_eq!(read.status, 200, "{}", read.text);
    // A page of several users: the list of ids with their persons.
    let page = app
        .get("/scim/v2/Users?filter=userName%20sw%20%22cat%22&count=10")
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    let listed = page.json["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == id)
        .cloned()
        .unwrap();
    let written = retitled(app, id).await;
    for part in ["groups", "entitlements"] {
        assert_eq!(read.json[part], written[part], "{part}: read vs written");
        assert_eq!(listed[part], written[part], "{part}: listed vs written");
    }
    (
        read.json["groups"].clone(),
        read.json["entitlements"].clone(),
    )
}

/// The user a write (a new title) answers with, its groups checked against
/// what the store reads joined.
async fn retitled(app: &TestApp, id: &str) -> Value {
    let written = app
        .request(Method::PATCH, &format!("/scim/v2/Users/{id}"))
        .json(&json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "title", "value": "Cat herder"}]
        }))
        .send()
        .await;
    assert_eq!(written.status, 200, "{}", written.text);
    assert_eq!(
        displays(&written.json["groups"]),
        joined_groups(app, id),
        "written vs joined"
    );
    written.json
}

fn displays(groups: &Value) -> Vec<&str> {
    groups
        .as_array()
        .map(|g| g.iter().map(|g| g["display"].as_str().unwrap()).collect())
        .unwrap_or_default()
}

fn values(entitlements: &Value) -> Vec<String> {
    let mut out: Vec<String> = entitlements
        .as_array()
        .map(|e| {
            e.iter()
                .map(|e| {
                    format!(
                        "{} ({})",
                        e["value"].as_str().unwrap(),
                        e["display"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

async fn rename_group(app: &TestApp, id: &str, name: &str) {
    patch_group(
        app,
        id,
        json!([{"op": "replace", "path": "displayName", "value": name}]),
    )
    .await;
}

async fn patch_group(app: &TestApp, group: &str, operations: Value) {
    let r = app
        .request(Method::PATCH, &format!("/scim/v2/Groups/{group}"))
        .json(&json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": operations
        }))
        .send()
        .await;
    assert!(r.status == 200 || r.status == 204, "{}", r.text);
}

#[actix_web::test]
async fn a_read_shows_every_change_to_the_groups_it_kept() {
    let app = TestApp::new().await;
    let felix = app.create_user("cat.felix@example.com").await;
    let tom = app.create_user("cat.tom@example.com").await;
    let (felix, tom) = (felix["id"].as_str().unwrap(), tom["id"].as_str().unwrap());
    let eng = app.create_group("Eng", &[felix, tom]).await;
    let ops = app.create_group("Ops", &[felix]).await;
    let (eng, ops) = (eng["id"].as_str().unwrap(), ops["id"].as_str().unwrap());
    app.create_product("Site", "wiki", None).await;
    let eng_wiki = app.map("Eng", "wiki", "user").await;

    let (groups, entitlements) = shown(&app, felix).await;
    assert_eq!(displays(&groups), ["Eng", "Ops"]);
    assert_eq!(values(&entitlements).len(), 1, "{entitlements}");
    let product_name = entitlements[0]["display"].clone();

    // Renamed: the new names, in their new order.
    rename_group(&app, ops, "Accounts").await;
    rename_group(&app, eng, "Engineering").await;
    let (groups, _) = shown(&app, felix).await;
    assert_eq!(displays(&groups), ["Accounts", "Engineering"]);
    let (groups, _) = shown(&app, tom).await;
    assert_eq!(displays(&groups), ["Engineering"]);

    // A mapping made, then one removed.
    app.map("Accounts", "wiki", "admin").await;
    let (_, entitlements) = shown(&app, felix).await;
    assert_eq!(values(&entitlements).len(), 2, "{entitlements}");
    let r = app
        .admin_delete(&format!("/mappings/{}", eng_wiki["id"].as_str().unwrap()))
        .await;
    assert!(r.status == 200 || r.status == 204, "{}", r.text);
    let (_, entitlements) = shown(&app, tom).await;
    assert!(values(&entitlements).is_empty(), "{entitlements}");

    // The product renamed: its new name on every entitlement it gives.
    let r = app
        .admin(Method::PATCH, "/products/wiki")
        .json(&json!({"name": "The Wiki"}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let (_, entitlements) = shown(&app, felix).await;
    assert_ne!(entitlements[0]["display"], product_name, "{entitlements}");

    // A role that implies one more.
    app.state
        .store
        .write_now(|conn| -> Result<(), gatehouse::store::StoreError> {
            use diesel::connection::SimpleConnection;
            conn.batch_execute(
                "INSERT INTO role_implications (role, grants) VALUES ('admin', 'guest')",
            )
            .map_err(gatehouse::store::StoreError::Database)
        })
        .unwrap();
    let (_, entitlements) = shown(&app, felix).await;
    assert_eq!(values(&entitlements).len(), 3, "{entitlements}");

    // A group deleted.
    let r = app.delete(&format!("/scim/v2/Groups/{ops}")).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let (groups, _) = shown(&app, felix).await;
    assert_eq!(displays(&groups), ["Engineering"]);

    // The groups reads found kept and those they read, for operators.
    let r = app
        .request_as(&app.admin_token, Method::GET, "/metrics")
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    for source in ["kept", "read"] {
        let name = format!("gatehouse_group_catalog_groups_total{{source=\"{source}\"}} ");
        let count: f64 = r
            .text
            .lines()
            .find_map(|l| l.strip_prefix(&name))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {name} in:\n{}", r.text));
        // (The recorder is the process's: other tests' reads count too.)
        assert!(count >= 1.0, "{name}{count}");
    }
}

/// A read takes a user's groups from the user's row, which every write
/// that moves a membership keeps (`store::users::touch`): after each kind
/// of such write, a read and a page show what a write (reading the
/// memberships themselves) shows.
#[actix_web::test]
async fn a_read_shows_every_change_to_a_users_memberships() {
    let app = TestApp::new().await;
    let felix = app.create_user("cat.felix@example.com").await;
    let tom = app.create_user("cat.tom@example.com").await;
    let (felix, tom) = (felix["id"].as_str().unwrap(), tom["id"].as_str().unwrap());
    let (groups, _) = shown(&app, felix).await;
    assert!(displays(&groups).is_empty(), "{groups}");
    let eng = app.create_group("Eng", &[felix]).await;
    let ops = app.create_group("Ops", &[]).await;
    let (eng, ops) = (eng["id"].as_str().unwrap(), ops["id"].as_str().unwrap());
    let (groups, _) = shown(&app, felix).await;
    assert_eq!(displays(&groups), ["Eng"]);

    // Added (twice: the second add changes nothing), as Okta and Entra send it.
    for _ in 0..2 {
        patch_group(
            &app,
            ops,
            json!([{"op": "add", "path": "members", "value": [{"value": felix}, {"value": tom}]}]),
        )
        .await;
    }
    let (groups, _) = shown(&app, felix).await;
    assert_eq!(displays(&groups), ["Eng", "Ops"]);
    let (groups, _) = shown(&app, tom).await;
    assert_eq!(displays(&groups), ["Ops"]);

    // Removed by a filter on the member.
    patch_group(
        &app,
        ops,
        json!([{"op": "remove", "path": format!("members[value eq \"{felix}\"]")}]),
    )
    .await;
    let (groups, _) = shown(&app, felix).await;
    assert_eq!(displays(&groups), ["Eng"]);

    // Every member replaced: by PATCH, then by PUT.
    patch_group(
        &app,
        eng,
        json!([{"op": "replace", "path": "members", "value": [{"value": tom}]}]),
    )
    .await;
    let (groups, _) = shown(&app, felix).await;
    assert!(displays(&groups).is_empty(), "{groups}");
    let (groups, _) = shown(&app, tom).await;
    assert_eq!(displays(&groups), ["Eng", "Ops"]);
    let r = app
        .put(
            &format!("/scim/v2/Groups/{ops}"),
            &json!({"schemas": [crate::scim::GROUP], "displayName": "Ops",
                    "members": [{"value": felix}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let (groups, _) = shown(&app, felix).await;
    assert_eq!(displays(&groups), ["Ops"]);
    let (groups, _) = shown(&app, tom).await;
    assert_eq!(displays(&groups), ["Eng"]);

    // The group deleted, and a new one under its name: its members
    // show only what they are in now.
    let r = app.delete(&format!("/scim/v2/Groups/{ops}")).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let (groups, _) = shown(&app, felix).await;
    assert!(displays(&groups).is_empty(), "{groups}");
    app.create_group("Ops", &[tom]).await;
    let (groups, _) = shown(&app, tom).await;
    assert_eq!(displays(&groups), ["Eng", "Ops"]);
    let (groups, _) = shown(&app, felix).await;
    assert!(displays(&groups).is_empty(), "{groups}");
}

/// A write renders the user it changed with what reads kept only at the
/// version its own statement read: right after a change to a group they
/// kept, with no read between, its answer shows the change.
#[actix_web::test]
async fn a_write_shows_a_change_no_read_has_kept() {
    let app = TestApp::new().await;
    let felix = app.create_user("cat.felix@example.com").await;
    let felix = felix["id"].as_str().unwrap();
    let eng = app.create_group("Eng", &[felix]).await;
    let eng = eng["id"].as_str().unwrap();
    app.create_product("Site", "wiki", None).await;
    app.map("Eng", "wiki", "user").await;
    let (groups, entitlements) = shown(&app, felix).await;
    assert_eq!(displays(&groups), ["Eng"]);
    assert_eq!(values(&entitlements).len(), 1, "{entitlements}");

    // Kept by reads, unchanged: a write answers as they do.
    let written = retitled(&app, felix).await;
    assert_eq!(displays(&written["groups"]), ["Eng"]);

    rename_group(&app, eng, "Engineering").await;
    let written = retitled(&app, felix).await;
    assert_eq!(displays(&written["groups"]), ["Engineering"]);

    app.map("Engineering", "wiki", "admin").await;
    let written = retitled(&app, felix).await;
    assert_eq!(values(&written["entitlements"]).len(), 2, "{written}");

    let r = app.delete(&format!("/scim/v2/Groups/{eng}")).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let written = retitled(&app, felix).await;
    assert!(displays(&written["groups"]).is_empty(), "{written}");
    assert!(values(&written["entitlements"]).is_empty(), "{written}");
}

/// As the server starts it reads every group into the catalog
/// (`Store::warm_group_catalog`), so its first lookups find their users'
/// groups: every group the first time, none while they are kept at the
/// catalog's version, every one again once a change moved the version;
/// and reads show what the store reads joined.
#[actix_web::test]
async fn the_catalog_is_warmed_with_every_group() {
    let app = TestApp::new().await;
    let felix = app.create_user("cat.felix@example.com").await;
    let felix = felix["id"].as_str().unwrap();
    let eng = app.create_group("Eng", &[felix]).await;
    app.create_group("Ops", &[]).await;
    let warm = || async { app.state.store.warm_group_catalog().await.unwrap() };
    assert_eq!(warm().await, 2, "both groups read");
    assert_eq!(warm().await, 0, "both kept at this version");

    // A rename moves the version: what was kept is read again.
    patch_group(
        &app,
        eng["id"].as_str().unwrap(),
        json!([{"op": "replace", "path": "displayName", "value": "Engineering"}]),
    )
    .await;
    assert_eq!(warm().await, 2, "both read at the new version");
    let (groups, _) = shown(&app, felix).await;
    assert_eq!(displays(&groups), ["Engineering"]);
    assert_eq!(joined_groups(&app, felix), ["Engineering"]);
}

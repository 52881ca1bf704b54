//! Mappings by name bind unambiguously: never to whichever directory
//! pushes first when two hold the name, never twice, never to a local
//! group in IT-only mode without a break-glass reason.

use actix_web::http::Method;
use serde_json::{json, Value};

use super::id;
use crate::scim::{GROUP, USER};
use crate::support::app::{TestDirectory, TestResponse};
use crate::support::TestApp;

async fn push_group(app: &TestApp, dir: &TestDirectory, name: &str, members: &[&str]) -> String {
    let members: Vec<Value> = members.iter().map(|m| json!({"value": m})).collect();
    let r = app
        .request_as(&dir.token, Method::POST, "/scim/v2/Groups")
        .json(&json!({"schemas": [GROUP], "displayName": name, "members": members}))
        .send()
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    id(&r.json)
}

async fn push_user(app: &TestApp, dir: &TestDirectory, user_name: &str) -> String {
    let r = app
        .request_as(&dir.token, Method::POST, "/scim/v2/Users")
        .json(&json!({"schemas": [USER], "userName": user_name}))
        .send()
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    id(&r.json)
}

async fn map(app: &TestApp, body: Value) -> TestResponse {
    app.admin_post("/mappings", &body).await
}

#[actix_web::test]
async fn a_name_two_directories_hold_is_refused_naming_both() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    let okta = app.other_directory("Okta");
    let entra = app.other_directory("Entra");
    push_group(&app, &okta, "Engineering", &[]).await;
    push_group(&app, &entra, "engineering", &[]).await;
    let r = map(
        &app,
        json!({"group": "Engineering", "product": "wiki", "role": "user"}),
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.text);
    let detail = r.json["detail"].as_str().unwrap();
    assert!(
        detail.contains(&okta.id) && detail.contains(&entra.id),
        "{detail}"
    );
    assert!(app.admin_get("/mappings?product=wiki").await.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["group"]["displayName"] != "Engineering"));

    // A waiting mapping is not bound by a push once the name is ambiguous.
    let waiting = map(
        &app,
        json!({"group": "Design", "product": "wiki", "role": "user"}),
    )
    .await;
    assert_eq!(waiting.json["status"], "waiting", "{}", waiting.text);
    let designer = push_user(&app, &entra, "d@acme.test").await;
    let okta_user = push_user(&app, &okta, "o@acme.test").await;
    push_group(&app, &okta, "Design", &[&okta_user]).await;
    // The first push was unambiguous: it binds.
    let r = app
        .admin_get(&format!("/mappings/{}", id(&waiting.json)))
        .await;
    assert_eq!(r.json["group"]["directory"], okta.id.as_str(), "{}", r.text);
    // The second directory's group of the name grants nothing through it.
    push_group(&app, &entra, "Design", &[&designer]).await;
    assert!(app.entitlements(&designer).await.is_empty());
    assert_eq!(app.entitlements(&okta_user).await, ["wiki:user"]);
}

#[actix_web::test]
async fn a_mapping_binds_at_once_is_never_duplicated_and_rebinds_when_its_group_goes() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    let okta = app.other_directory("Okta");
    let entra = app.other_directory("Entra");
    let ann = push_user(&app, &okta, "ann@acme.test").await;
    let bob = push_user(&app, &entra, "bob@acme.test").await;
    let okta_ops = push_group(&app, &okta, "Ops", &[&ann]).await;

    // An existing, unambiguous group: bound at once.
    let first = map(
        &app,
        json!({"group": "ops", "product": "wiki", "role": "user"}),
    )
    .await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(
        (
            first.json["status"].clone(),
            first.json["group"]["id"].clone()
        ),
        (json!("bound"), json!(okta_ops))
    );
    // The same mapping again: 200 with the one that exists.
    let again = map(
        &app,
        json!({"group": "Ops", "product": "wiki", "role": "user"}),
    )
    .await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(id(&again.json), id(&first.json));
    let again = map(
        &app,
        json!({"group": okta_ops, "product": "wiki", "role": "user"}),
    )
    .await;
    assert_eq!((again.status, id(&again.json)), (200, id(&first.json)));
    let ops_mappings = app.admin_get("/mappings?product=wiki").await.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["group"]["displayName"] == "Ops")
        .count();
    assert_eq!(ops_mappings, 1);
    assert_eq!(
        app.audit_actions("&action=mapping.created").await.len(),
        2,
        "the default group's and this one"
    );

    // Entra pushes its own "Ops" (the mapping stays on Okta's), then Okta
    // deletes its group: the mapping re-binds to the one left.
    push_group(&app, &entra, "Ops", &[&bob]).await;
    assert!(app.entitlements(&bob).await.is_empty());
    let r = app
        .request_as(
            &okta.token,
            Method::DELETE,
            &format!("/scim/v2/Groups/{okta_ops}"),
        )
        .send()
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = app
        .admin_get(&format!("/mappings/{}", id(&first.json)))
        .await;
    assert_eq!(
        (
            r.json["status"].clone(),
            r.json["group"]["directory"].clone()
        ),
        (json!("bound"), json!(entra.id))
    );
    assert_eq!(app.entitlements(&bob).await, ["wiki:user"]);
    assert!(app.entitlements(&ann).await.is_empty());
    let actions = app.audit_actions("&action=mapping.*").await;
    assert!(
        actions.ends_with(&["mapping.unbound".into(), "mapping.bound".into()]),
        "{actions:?}"
    );
}

#[actix_web::test]
async fn in_it_only_mode_a_local_group_binds_only_with_a_break_glass_reason() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    let waiting = map(
        &app,
        json!({"group": "Contractors", "product": "wiki", "role": "user"}),
    )
    .await;
    assert_eq!(waiting.json["status"], "waiting");
    app.set_policy("", &json!({"it_only": true})).await;
    let r = app
        .admin_post("/groups", &json!({"displayName": "Contractors"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let contractors = id(&r.json);
    let r = app
        .admin_get(&format!("/mappings/{}", id(&waiting.json)))
        .await;
    assert_eq!(
        r.json["status"], "waiting",
        "a local group does not pick up a waiting mapping: {}",
        r.text
    );

    // Mapping it directly: refused without a reason, accepted (audited) with one.
    let r = map(
        &app,
        json!({"group": contractors, "product": "wiki", "role": "admin"}),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r.json["setting"], "it_only");
    let r = map(
        &app,
        json!({"group": contractors, "product": "wiki", "role": "admin", "break_glass_reason": "INC-42: IdP down"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let created = app.admin_get("/audit?action=mapping.created").await;
    assert!(
        created.text.contains("INC-42: IdP down"),
        "{}",
        created.text
    );

    // An IdP group of the same name after the local one: the name is
    // ambiguous now, so the waiting mapping stays unbound, and a new
    // mapping by name must say which directory it means.
    let okta = app.other_directory("Okta");
    let idp = push_group(&app, &okta, "Contractors", &[]).await;
    let r = app
        .admin_get(&format!("/mappings/{}", id(&waiting.json)))
        .await;
    assert_eq!(r.json["status"], "waiting", "{}", r.text);
    let r = map(
        &app,
        json!({"group": "Contractors", "product": "wiki", "role": "admin"}),
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.text);
    let r = map(
        &app,
        json!({"group": "Contractors", "directory": okta.id, "product": "wiki", "role": "admin"}),
    )
    .await;
    assert_eq!(
        (r.status, r.json["group"]["id"].clone()),
        (201, json!(idp)),
        "{}",
        r.text
    );
}

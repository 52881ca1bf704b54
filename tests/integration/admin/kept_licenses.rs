//! Kept licenses (store::licenses) follow every road a license comes or
//! goes by: after each step the kept count
//! equals a count of the entitlements themselves (`TestApp::licenses_used`
//! checks the two agree).

use serde_json::json;

use crate::admin::{id, scim_patch};
use crate::support::TestApp;

#[actix_web::test]
async fn kept_licenses_follow_memberships_accounts_and_mappings() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    app.create_product("acme", "notes", Some(10)).await;
    let mut users = Vec::new();
    for name in ["ada", "bob", "cy", "di"] {
        users.push(id(&app.create_user(&format!("{name}@acme.com")).await));
    }
    let refs: Vec<&str> = users.iter().map(String::as_str).collect();
    let eng = id(&app.create_group("Eng", &refs[..3]).await);
    let ops = id(&app.create_group("Ops", &refs[2..]).await);
    let wiki_eng = app.map(&eng, "wiki", "user").await;
    app.map(&ops, "wiki", "admin").await;
    app.map(&ops, "notes", "user").await;
    // cy is in both groups: one license of wiki.
    assert_eq!(app.licenses_used("wiki").await, 4);
    assert_eq!(app.licenses_used("notes").await, 2);

    // A member removed, then added back, by PATCH.
    let r = scim_patch(
        &app,
        &format!("/scim/v2/Groups/{eng}"),
        json!([{"op": "remove", "path": format!("members[value eq \"{}\"]", users[0])}]),
    )
    .await;
    assert!(r.status == 200 || r.status == 204, "{}", r.text);
    assert_eq!(app.licenses_used("wiki").await, 3);
    let r = scim_patch(
        &app,
        &format!("/scim/v2/Groups/{eng}"),
        json!([{"op": "add", "path": "members", "value": [{"value": users[0]}]}]),
    )
    .await;
    assert!(r.status == 200 || r.status == 204, "{}", r.text);
    assert_eq!(app.licenses_used("wiki").await, 4);

    // An account deactivated, and back.
    let di = format!("/scim/v2/Users/{}", users[3]);
    let deactivate = |on: bool| {
        scim_patch(
            &app,
            &di,
            json!([{"op": "replace", "path": "active", "value": on}]),
        )
    };
    assert_eq!(deactivate(false).await.status, 200);
    assert_eq!(app.licenses_used("wiki").await, 3);
    assert_eq!(app.licenses_used("notes").await, 1);
    assert_eq!(deactivate(true).await.status, 200);
    assert_eq!(app.licenses_used("notes").await, 2);

    // A mapping removed: Eng's members who have no other road lose wiki.
    let r = app
        .admin_delete(&format!("/mappings/{}", wiki_eng["id"].as_str().unwrap()))
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(app.licenses_used("wiki").await, 2);

    // A group emptied by PUT (how Okta and OneLogin replace members).
    let r = app
        .put(
            &format!("/scim/v2/Groups/{ops}"),
            &json!({"schemas": [crate::scim::GROUP], "displayName": "Ops", "members": []}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(app.licenses_used("wiki").await, 0);
    assert_eq!(app.licenses_used("notes").await, 0);

    // Mapped again, then a user deleted.
    let ops = id(&app.create_group("Ops 2", &refs).await);
    app.map(&ops, "notes", "user").await;
    assert_eq!(app.licenses_used("notes").await, 4);
    assert_eq!(
        app.delete(&format!("/scim/v2/Users/{}", users[1]))
            .await
            .status,
        204
    );
    assert_eq!(app.licenses_used("notes").await, 3);

    // Folding the count rows (the server's upkeep) changes no count.
    app.state
        .store
        .write_now(gatehouse::access::directories::fold_kept_counts)
        .unwrap();
    assert_eq!(app.licenses_used("notes").await, 3);
    assert_eq!(app.licenses_used("wiki").await, 0);
}

//! The whole road: an IdP pushes users and groups, an admin maps groups,
//! and access, licenses and SCIM `entitlements` follow every change.

use serde_json::json;

use super::{id, scim_patch, sorted, users_matching};
use crate::support::TestApp;

#[actix_web::test]
async fn access_and_licenses_follow_idp_pushes_and_admin_mappings() {
    let app = TestApp::new().await;
    app.create_product("acme", "confluence", Some(2)).await;
    app.create_product("acme", "jira-software", None).await;

    let alice = id(&app.create_user("alice@acme.test").await);
    let bob = id(&app.create_user("bob@acme.test").await);
    let carol = id(&app.create_user("carol@acme.test").await);
    let eng = id(&app.create_group("Engineering", &[&alice, &bob]).await);

    // Mapped by displayName after the push: bound at once.
    let eng_map = app.map("engineering", "confluence", "user").await;
    assert_eq!(eng_map["status"], "bound");
    assert_eq!(eng_map["group"]["id"], eng.as_str());
    // Mapped before the IdP pushes the group: waits for it.
    let design_map = app.map("Design", "jira-software", "admin").await;
    assert_eq!(design_map["status"], "waiting");
    assert_eq!(design_map["group"]["id"], json!(null));

    assert_eq!(app.entitlements(&alice).await, ["confluence:user"]);
    assert!(app.entitlements(&carol).await.is_empty());
    let r = app.admin_get(&format!("/users/{alice}/access")).await;
    assert_eq!(
        r.json["entitlements"][0]["via"],
        json!([{"group_id": eng, "displayName": "Engineering", "directory": app.directory.id, "synced": true}])
    );
    assert_eq!(
        users_matching(
            &app,
            r#"entitlements[value eq "confluence:user"] and active eq true"#
        )
        .await,
        sorted(&[&alice, &bob])
    );
    let r = app.admin_get("/products/confluence/licenses").await;
    assert_eq!(
        r.json,
        json!({"product": "confluence", "used": 2, "cap": 2})
    );

    // The SCIM User carries its entitlements and the group behind each.
    let r = app.get(&format!("/scim/v2/Users/{alice}")).await;
    assert_eq!(
        r.json["entitlements"],
        json!([{"value": "confluence:user", "display": "confluence user", "type": "confluence"}])
    );
    assert_eq!(
        r.json[crate::scim::ACCESS]["grants"],
        json!([{"value": "confluence:user", "product": "confluence", "role": "user",
                "group": eng, "groupDisplay": "Engineering", "groupDirectory": app.directory.id,
                "synced": true}])
    );

    // A third member would need a third license: refused, nothing applied.
    let r = scim_patch(
        &app,
        &format!("/scim/v2/Groups/{eng}"),
        json!([{"op": "add", "path": "members", "value": [{"value": carol}]}]),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.text);
    let detail = r.json["detail"].as_str().unwrap();
    assert!(
        detail.contains("confluence") && detail.contains("cap is 2"),
        "{detail}"
    );
    assert!(app.entitlements(&carol).await.is_empty());
    let members = app.admin_get(&format!("/groups/{eng}/members")).await;
    assert_eq!(members.json["items"].as_array().unwrap().len(), 2);

    // The IdP pushes Design: the waiting mapping binds; admin implies user.
    let design = id(&app.create_group("Design", &[&carol]).await);
    assert_eq!(
        app.entitlements(&carol).await,
        ["jira-software:admin", "jira-software:user"]
    );
    let r = app
        .admin_get(&format!("/mappings/{}", design_map["id"].as_str().unwrap()))
        .await;
    assert_eq!(r.json["status"], "bound");
    assert_eq!(r.json["group"]["id"], design.as_str());
    assert_eq!(app.licenses_used("jira-software").await, 1);

    // Okta-style deactivation: no access, no license, memberships kept.
    let r = scim_patch(
        &app,
        &format!("/scim/v2/Users/{bob}"),
        json!([{"op": "replace", "value": {"active": false}}]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.json.get("entitlements").is_none());
    assert!(app.entitlements(&bob).await.is_empty());
    assert_eq!(app.licenses_used("confluence").await, 1);
    assert_eq!(
        users_matching(&app, r#"entitlements[value eq "confluence:user"]"#).await,
        vec![alice.clone()]
    );
    // The freed license lets carol in.
    let r = scim_patch(
        &app,
        &format!("/scim/v2/Groups/{eng}"),
        json!([{"op": "add", "path": "members", "value": [{"value": carol}]}]),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(app.licenses_used("confluence").await, 2);

    // Reactivating bob would be a third license: refused, bob stays inactive.
    let r = scim_patch(
        &app,
        &format!("/scim/v2/Users/{bob}"),
        json!([{"op": "replace", "path": "active", "value": true}]),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(
        app.get(&format!("/scim/v2/Users/{bob}")).await.json["active"],
        false
    );

    // Membership removal frees alice's license; then bob comes back.
    let r = scim_patch(
        &app,
        &format!("/scim/v2/Groups/{eng}"),
        json!([{"op": "remove", "path": format!("members[value eq \"{alice}\"]")}]),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert!(app.entitlements(&alice).await.is_empty());
    let r = scim_patch(
        &app,
        &format!("/scim/v2/Users/{bob}"),
        json!([{"op": "replace", "path": "active", "value": true}]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(app.entitlements(&bob).await, ["confluence:user"]);
    assert_eq!(app.licenses_used("confluence").await, 2);

    // Group deletion takes its access; the mapping waits for the name again.
    assert_eq!(
        app.delete(&format!("/scim/v2/Groups/{design}"))
            .await
            .status,
        204
    );
    assert_eq!(app.entitlements(&carol).await, ["confluence:user"]);
    let r = app
        .admin_get(&format!("/mappings/{}", design_map["id"].as_str().unwrap()))
        .await;
    assert_eq!(r.json["status"], "waiting");
    assert_eq!(app.licenses_used("jira-software").await, 0);

    // Mapping deletion takes the rest.
    let r = app
        .admin_delete(&format!("/mappings/{}", eng_map["id"].as_str().unwrap()))
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert!(app.entitlements(&bob).await.is_empty());
    assert!(app.entitlements(&carol).await.is_empty());
    assert_eq!(app.licenses_used("confluence").await, 0);
    assert!(users_matching(&app, "entitlements pr").await.is_empty());

    // Every mapping change is in the audit log.
    let eng_map_id = eng_map["id"].as_str().unwrap().to_owned();
    let design_map_id = design_map["id"].as_str().unwrap().to_owned();
    let actions = app
        .state
        .store
        .read_now(move |conn| {
            let mut out = Vec::new();
            for id in [&eng_map_id, &design_map_id] {
                for e in gatehouse::store::audit::for_target(conn, id)? {
                    out.push(format!("{} {}", e.action, e.actor_type));
                }
            }
            Ok::<_, gatehouse::store::StoreError>(out)
        })
        .unwrap();
    assert_eq!(
        actions,
        [
            "mapping.created admin_token",
            "mapping.deleted admin_token",
            "mapping.created admin_token",
            "mapping.bound directory_token",
            "mapping.unbound directory_token",
        ]
    );
}

#[actix_web::test]
async fn lowering_a_cap_below_use_is_refused_and_raising_it_lets_changes_in() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    let a = id(&app.create_user("a@acme.test").await);
    let b = id(&app.create_user("b@acme.test").await);
    let g = id(&app.create_group("Wiki users", &[&a, &b]).await);
    app.map(&g, "wiki", "user").await;
    let patch = |cap: serde_json::Value| {
        app.admin(actix_web::http::Method::PATCH, "/products/wiki")
            .raw(
                "application/json",
                json!({"license_cap": cap}).to_string().into_bytes(),
            )
            .send()
    };
    let r = patch(json!(1)).await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(r.json["code"], "conflict");
    let r = patch(json!(2)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["license_cap"], 2);
    let c = id(&app.create_user("c@acme.test").await);
    // Bulk honours the cap too, and the refused operation applies nothing.
    let r = app
        .post(
            "/scim/v2/Bulk",
            &json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
                "Operations": [{"method": "PATCH", "path": format!("/Groups/{g}"), "data": {
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": [{"op": "add", "path": "members", "value": [{"value": c}]}]}}]
            }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["Operations"][0]["status"], "403", "{}", r.text);
    assert_eq!(app.licenses_used("wiki").await, 2);
    // No cap: anything goes.
    let r = patch(json!(null)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["license_cap"], json!(null));
    let r = app
        .admin_post(&format!("/groups/{g}/members"), &json!({"users": [c]}))
        .await;
    assert_eq!(
        r.status, 403,
        "synced groups change only through their directory: {}",
        r.text
    );
    let r = scim_patch(
        &app,
        &format!("/scim/v2/Groups/{g}"),
        json!([{"op": "add", "path": "members", "value": [{"value": c}]}]),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(app.licenses_used("wiki").await, 3);
}

/// Member PATCHes racing for the last licenses of a capped product, each
/// on its own group mapped to it: each is checked against the use the
/// others committed (the product's row is locked for the check), so
/// exactly the cap is handed out and the rest are refused whole.
#[actix_web::test]
async fn member_patches_racing_for_a_cap_hand_out_exactly_the_cap() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", Some(4)).await;
    app.create_product("acme", "chat", None).await;
    let mut paths = Vec::new();
    let mut users = Vec::new();
    for i in 0..10 {
        users.push(id(&app.create_user(&format!("u{i}@acme.test")).await));
        let group = id(&app.create_group(&format!("Wiki {i}"), &[]).await);
        app.map(&group, "wiki", "user").await;
        app.map(&group, "chat", "user").await;
        paths.push(format!("/scim/v2/Groups/{group}"));
    }
    let patches = users.iter().zip(&paths).map(|(user, path)| {
        scim_patch(
            &app,
            path,
            json!([{"op": "add", "path": "members", "value": [{"value": user}]}]),
        )
    });
    let answers = futures_util::future::join_all(patches).await;
    let added = answers.iter().filter(|r| r.status == 204).count();
    let refused = answers.iter().filter(|r| r.status == 403).count();
    assert_eq!((added, refused), (4, 6), "{answers:#?}");
    assert_eq!(app.licenses_used("wiki").await, 4);
    assert_eq!(
        app.licenses_used("chat").await,
        4,
        "a refused add applies nothing"
    );
}

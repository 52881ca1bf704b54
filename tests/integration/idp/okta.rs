//! Okta: an OIN integration (PATCH) and an App Integration Wizard app (PUT).
//!
//! Sources:
//! - Okta developer docs, "SCIM 2.0 Protocol Reference"
//!   (okta/okta-developer-docs, packages/@okta/vuepress-site/docs/reference/
//!   scim/scim-20/index.md): `User-Agent: Okta SCIM Client 1.0.0`; the lookup
//!   `filter=userName eq "…"&startIndex=1&count=100`; the create body (`locale`,
//!   `externalId`, `groups: []`, `password`); 409 for an existing user; updates
//!   as GET then PUT of the whole user (AIW, and OIN for attributes); OIN
//!   deactivation `{"op":"replace","value":{"active":false}}`; group push as a
//!   POST with `members: []`; the path-less rename carrying the immutable `id`,
//!   sent with every membership update; a member remove by
//!   `members[value eq "…"]` and an add in one PATCH; the whole-list
//!   `replace`; DELETE on "Unlink pushed group"; import pages of `count=100`.
//! - Delinea, "Okta SCIM Endpoint Reference": Test Connection is
//!   `GET /Users?startIndex=1&count=2`.
//! - okta-blog-archive#1956: the AIW deactivation is a PUT of the whole user
//!   with `active: false`.
//! - The Runscope spec test Okta runs: `userName eq` with another case.
//! - fleetdm/fleet#52600: Okta does not retry a 400, so one member id the
//!   app no longer holds must not lose the whole push.
//! - Custom app attributes (Okta profile editor, SCIM namespace of the core
//!   schema) arrive as top-level keys, e.g. `"costCenter": "77"`.

use serde_json::{json, Value};

use super::{
    filtered, id, issues_of, listed, members, sorted, sync_health, unregistered, Replay, GROUP,
    USER,
};
use crate::support::TestApp;

const UA: &str = "Okta SCIM Client 1.0.0";

/// A user as Okta's create sends it, with a custom app attribute.
fn okta_user(user_name: &str, given: &str, family: &str, okta_id: &str, cost: &str) -> Value {
    json!({
        "schemas": [USER],
        "userName": user_name,
        "name": {"givenName": given, "familyName": family},
        "emails": [{"primary": true, "value": user_name, "type": "work"}],
        "displayName": format!("{given} {family}"),
        "locale": "en-US",
        "externalId": okta_id,
        "groups": [],
        "password": "1mz050nq",
        "active": true,
        "costCenter": cost
    })
}

/// Okta's lookup: the filter, then `startIndex=1&count=100`.
fn lookup(resource: &str, filter: &str) -> String {
    format!("{}&startIndex=1&count=100", filtered(resource, filter))
}

fn member(id: &str, display: &str) -> Value {
    json!({"value": id, "display": display})
}

/// The required replay: one refused create and one member id the directory
/// does not hold, and nothing else wrong; sync health reports exactly those.
#[actix_web::test]
async fn okta_oin_cycle_reports_one_refusal_and_one_skipped_member_in_sync_health() {
    let app = TestApp::new().await;
    let mut okta = Replay::directory_url(&app).header("User-Agent", UA);

    // Test Connection.
    let r = okta.get("/Users?startIndex=1&count=2", 200).await;
    assert_eq!(r.json["totalResults"], 0);

    // Assign alice: lookup, create.
    let r = okta
        .get(&lookup("Users", r#"userName eq "alice@okta.local""#), 200)
        .await;
    assert_eq!(r.json["totalResults"], 0);
    let alice_body = okta_user(
        "alice@okta.local",
        "Alice",
        "Smith",
        "00ujl29u0le5T6Aj10h7",
        "77",
    );
    let r = okta.post("/Users", &alice_body, 201).await;
    let alice = id(&r);
    assert_eq!(r.json["costCenter"], "77");
    assert!(r.json.get("password").is_none());

    // The provisioning job is retried after a timeout: the same create again
    // is the one refusal of this cycle.
    let r = okta.post("/Users", &alice_body, 409).await;
    assert_eq!(r.json["scimType"], "uniqueness");
    // Okta looks again (its Runscope suite sends another case) and links.
    let r = okta
        .get(&lookup("Users", r#"userName eq "ALICE@okta.local""#), 200)
        .await;
    assert_eq!(listed(&r), sorted(&[&alice]));

    // Assign bob and dave.
    let body = okta_user(
        "bob@okta.local",
        "Bob",
        "Jones",
        "00ujl29u0le5T6Aj10h8",
        "77",
    );
    let bob = id(&okta.post("/Users", &body, 201).await);
    let body = okta_user(
        "dave@okta.local",
        "Dave",
        "Lee",
        "00ujl29u0le5T6Aj10h9",
        "12",
    );
    let dave = id(&okta.post("/Users", &body, 201).await);

    // Push group "Test SCIMv2": lookup, create empty.
    let r = okta
        .get(&lookup("Groups", r#"displayName eq "Test SCIMv2""#), 200)
        .await;
    assert_eq!(r.json["totalResults"], 0);
    let body = json!({"schemas": [GROUP], "displayName": "Test SCIMv2", "members": []});
    let group = id(&okta.post("/Groups", &body, 201).await);
    let gpath = format!("/Groups/{group}");

    // Every membership update comes after a rename carrying the id.
    let rename =
        |name: &str| json!([{"op": "replace", "value": {"id": group, "displayName": name}}]);
    assert_eq!(
        okta.patch(&gpath, rename("Test SCIMv2"), 204).await.text,
        ""
    );
    // The push names alice, bob, and a user id the app no longer holds (it
    // was deleted on the app side): the two real members are added, 204.
    let stale = "8c1f6a52-5b1e-4f3e-9a51-2f1c0d9e7b44";
    let ops = json!([{"op": "add", "path": "members", "value": [
        member(&alice, "alice@okta.local"),
        member(&bob, "bob@okta.local"),
        member(stale, "carol@okta.local")
    ]}]);
    assert_eq!(okta.patch(&gpath, ops, 204).await.text, "");
    let r = okta.get(&gpath, 200).await;
    assert_eq!(members(&r.json), sorted(&[&alice, &bob]));

    // Bob leaves, dave joins: one PATCH, remove by filter then add.
    okta.patch(&gpath, rename("Test SCIMv2"), 204).await;
    let ops = json!([
        {"op": "remove", "path": format!("members[value eq \"{bob}\"]")},
        {"op": "add", "path": "members", "value": [member(&dave, "dave@okta.local")]}
    ]);
    okta.patch(&gpath, ops, 204).await;
    let r = okta.get(&gpath, 200).await;
    assert_eq!(members(&r.json), sorted(&[&alice, &dave]));

    // Unassign alice: OIN deactivation, a path-less replace. 200 with the user.
    let ops = json!([{"op": "replace", "value": {"active": false}}]);
    let r = okta.patch(&format!("/Users/{alice}"), ops, 200).await;
    assert_eq!(r.json["active"], false);
    assert_eq!(r.json["id"], alice.as_str());

    // A full membership push replaces the list; then a rename in Okta.
    let all = [
        member(&alice, "alice@okta.local"),
        member(&bob, "bob@okta.local"),
    ];
    let ops = json!([{"op": "replace", "path": "members", "value": all}]);
    okta.patch(&gpath, ops, 204).await;
    okta.patch(&gpath, rename("Test SCIMv20"), 204).await;

    // What an admin expects: alice kept but inactive, custom attribute
    // readable and filterable, the group renamed with alice and bob.
    let r = okta.get(&format!("/Users/{alice}"), 200).await;
    assert_eq!(r.json["active"], false);
    assert_eq!(r.json["costCenter"], "77");
    let mut found = listed(
        &okta
            .get(&lookup("Users", r#"costCenter eq "77""#), 200)
            .await,
    );
    found.sort();
    assert_eq!(found, sorted(&[&alice, &bob]));
    let r = okta.get(&gpath, 200).await;
    assert_eq!(r.json["displayName"], "Test SCIMv20");
    assert_eq!(members(&r.json), sorted(&[&alice, &bob]));

    // Unlink pushed group, deleting it in the app.
    okta.delete(&gpath, 204).await;
    okta.get(&gpath, 404).await;

    // Sync health: exactly the two issues, newest first.
    let health = sync_health(&app).await;
    assert_eq!(health["directory"]["id"], app.directory.id.as_str());
    assert_eq!(health["directory"]["strict_schema"], false);
    assert!(health["last_successful_push"].is_string(), "{health}");
    let issues = health["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 2, "{health}");
    let skipped = &issues[0];
    assert_eq!(skipped["kind"], "skipped_member", "{health}");
    assert_eq!(skipped["member"], stale);
    assert_eq!(skipped["group"], group.as_str());
    assert_eq!(skipped["method"], "PATCH");
    assert!(
        skipped["path"].as_str().unwrap().ends_with(&gpath),
        "{skipped}"
    );
    // The status the IdP was answered.
    assert_eq!(skipped["status"], 204, "{skipped}");
    let refused = &issues[1];
    assert_eq!(refused["kind"], "refused", "{health}");
    assert_eq!(refused["method"], "POST");
    assert!(
        refused["path"].as_str().unwrap().ends_with("/Users"),
        "{refused}"
    );
    assert_eq!(refused["status"], 409);
    assert_eq!(refused["scim_type"], "uniqueness");
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("alice@okta.local"),
        "{refused}"
    );
    for issue in issues {
        assert!(
            issue["at"].is_string() && issue["request_id"].is_string(),
            "{issue}"
        );
    }
    let cost = unregistered(&health, "User", None, "costCenter");
    assert!(cost["count"].as_u64().unwrap() >= 1, "{cost}");
    assert!(cost["example"] == "77" || cost["example"] == "12", "{cost}");
    assert!(
        cost["first_seen"].is_string() && cost["last_seen"].is_string(),
        "{cost}"
    );
    // Every request with the directory's token, counted by status.
    let counted = okta.statuses.len() as u64;
    assert_eq!(health["requests_24h"]["total"], counted, "{health}");
    assert_eq!(
        health["requests_24h"]["by_status"],
        okta.by_status(),
        "{health}"
    );
}

/// An AIW app: every update is GET then PUT of the whole resource, group
/// membership included; a license cap refuses one push.
#[actix_web::test]
async fn okta_aiw_cycle_puts_whole_resources() {
    let app = TestApp::new().await;
    let mut okta = Replay::directory_url(&app).header("User-Agent", UA);
    okta.get("/Users?startIndex=1&count=2", 200).await;

    let mut alice_body = okta_user(
        "alice@okta.local",
        "Alice",
        "Smith",
        "00ujl29u0le5T6Aj10h7",
        "77",
    );
    okta.get(&lookup("Users", r#"userName eq "alice@okta.local""#), 200)
        .await;
    let alice = id(&okta.post("/Users", &alice_body, 201).await);
    okta.get(&lookup("Users", r#"userName eq "bob@okta.local""#), 200)
        .await;
    let body = okta_user(
        "bob@okta.local",
        "Bob",
        "Jones",
        "00ujl29u0le5T6Aj10h8",
        "78",
    );
    let bob = id(&okta.post("/Users", &body, 201).await);

    // Update user attributes: GET, then PUT the whole user back.
    let apath = format!("/Users/{alice}");
    okta.get(&apath, 200).await;
    alice_body["id"] = json!(alice);
    alice_body["name"]["middleName"] = json!("Excited");
    alice_body["meta"] = json!({"resourceType": "User"});
    alice_body.as_object_mut().unwrap().remove("password");
    let r = okta.put(&apath, &alice_body, 200).await;
    assert_eq!(r.json["name"]["middleName"], "Excited");
    assert_eq!(r.json["costCenter"], "77");

    // Import: pages of 100, integers.
    let r = okta.get("/Users?startIndex=1&count=100", 200).await;
    assert_eq!(r.json["totalResults"], 2);
    assert_eq!(r.json["startIndex"], 1);

    // Group push; the admin then maps the group to a product capped at one.
    let body = json!({"schemas": [GROUP], "displayName": "Engineering", "members": []});
    let group = id(&okta.post("/Groups", &body, 201).await);
    let gpath = format!("/Groups/{group}");
    app.create_product("acme", "confluence", Some(1)).await;
    app.map("Engineering", "confluence", "user").await;

    // Membership by PUT: alice, and an id the app no longer holds (skipped).
    let stale = "0f8fad5b-d9cb-469f-a165-70867728950e";
    let put_group = |members: &[Value], name: &str| json!({"schemas": [GROUP], "id": group, "displayName": name, "members": members});
    let first = [
        member(&alice, "alice@okta.local"),
        member(stale, "carol@okta.local"),
    ];
    let r = okta
        .put(&gpath, &put_group(&first, "Engineering"), 200)
        .await;
    assert_eq!(members(&r.json), sorted(&[&alice]));

    // Bob would need a second license: 403, nothing changes.
    let both = [
        member(&alice, "alice@okta.local"),
        member(&bob, "bob@okta.local"),
    ];
    let r = okta
        .put(&gpath, &put_group(&both, "Engineering"), 403)
        .await;
    let detail = r.json["detail"].as_str().unwrap();
    assert!(
        detail.contains("confluence") && detail.contains('1'),
        "{detail}"
    );
    assert_eq!(
        members(&okta.get(&gpath, 200).await.json),
        sorted(&[&alice])
    );

    // Unassign alice: AIW deactivation is a PUT of the whole user.
    okta.get(&apath, 200).await;
    alice_body["active"] = json!(false);
    assert_eq!(
        okta.put(&apath, &alice_body, 200).await.json["active"],
        false
    );

    // Her license is free: the same push now passes; rename by PUT too.
    okta.put(&gpath, &put_group(&both, "Engineering"), 200)
        .await;
    let r = okta
        .put(&gpath, &put_group(&both, "Engineering Team"), 200)
        .await;
    assert_eq!(r.json["displayName"], "Engineering Team");
    assert_eq!(members(&r.json), sorted(&[&alice, &bob]));
    assert_eq!(app.licenses_used("confluence").await, 1);

    // Alice is still there, inactive, and found by the lookup.
    let r = okta
        .get(&lookup("Users", r#"userName eq "alice@okta.local""#), 200)
        .await;
    assert_eq!(r.json["Resources"][0]["active"], false);

    let health = sync_health(&app).await;
    let cap = issues_of(&health, "license_cap");
    assert_eq!(cap.len(), 1, "{health}");
    assert_eq!(cap[0]["status"], 403);
    assert_eq!(cap[0]["method"], "PUT");
    assert!(
        cap[0]["detail"].as_str().unwrap().contains("confluence"),
        "{health}"
    );
    let skipped = issues_of(&health, "skipped_member");
    assert_eq!(skipped.len(), 1, "{health}");
    assert_eq!(skipped[0]["member"], stale);
    assert_eq!(skipped[0]["group"], group.as_str());
    assert_eq!(skipped[0]["method"], "PUT");

    okta.delete(&gpath, 204).await;
}

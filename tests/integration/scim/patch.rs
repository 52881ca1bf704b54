//! PATCH as identity providers send it.

use actix_web::http::Method;
use serde_json::{json, Value};

use super::ENTERPRISE;
use crate::support::TestApp;

const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

fn ops(operations: Value) -> Value {
    json!({"schemas": [PATCH_OP], "Operations": operations})
}

async fn patch(app: &TestApp, path: &str, operations: Value) -> crate::support::app::TestResponse {
    app.request(Method::PATCH, path)
        .json(&ops(operations))
        .send()
        .await
}

#[actix_web::test]
async fn entra_id_user_patches() {
    let app = TestApp::new().await;
    let user = app.create_user("adele@contoso.com").await;
    let path = format!("/scim/v2/Users/{}", user["id"].as_str().unwrap());
    // Capitalised ops, booleans as strings, dotted and URN keys without a path.
    let r = patch(&app, &path, json!([
        {"op": "Replace", "path": "active", "value": "False"},
        {"op": "Add", "value": {"name.givenName": "Adele", "name.familyName": "Vance", format!("{ENTERPRISE}:department"): "Retail"}},
        {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "adele.v@contoso.com"},
        {"op": "Add", "path": "phoneNumbers[type eq \"mobile\"].value", "value": "+1 555 0101"},
        {"op": "Replace", "path": format!("{ENTERPRISE}:manager"), "value": {"value": "boss-id"}},
    ])).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["active"], false);
    assert_eq!(r.json["name"]["givenName"], "Adele");
    assert_eq!(r.json["name"]["familyName"], "Vance");
    assert_eq!(r.json[ENTERPRISE]["department"], "Retail");
    assert_eq!(r.json[ENTERPRISE]["manager"], json!({"value": "boss-id"}));
    assert_eq!(
        r.json["emails"],
        json!([{"value": "adele.v@contoso.com", "type": "work", "primary": true}])
    );
    assert_eq!(
        r.json["phoneNumbers"],
        json!([{"type": "mobile", "value": "+1 555 0101"}])
    );
    assert_eq!(r.json["meta"]["version"], "W/\"2\"");
    assert_eq!(r.header("etag").unwrap(), "W/\"2\"");
    let again = app.get(&path).await;
    assert_eq!(again.json, r.json);
    // The new email is found by the indexed lookup.
    let r = app
        .get("/scim/v2/Users?filter=emails.value%20eq%20%22ADELE.V@contoso.com%22")
        .await;
    assert_eq!(r.json["totalResults"], 1);
    // attributes on the PATCH response.
    let r = patch(
        &app,
        &format!("{path}?attributes=active"),
        json!([{"op": "replace", "path": "active", "value": true}]),
    )
    .await;
    assert_eq!(
        r.json,
        json!({"schemas": [super::USER, ENTERPRISE], "id": user["id"], "active": true})
    );
}

#[actix_web::test]
async fn okta_deactivates_with_active_false_and_groups_push_members_in_batches() {
    let app = TestApp::new().await;
    let user = app.create_user("okta@example.com").await;
    let uid = user["id"].as_str().unwrap();
    let r = patch(
        &app,
        &format!("/scim/v2/Users/{uid}"),
        json!([{"op": "replace", "value": {"active": false}}]),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["active"], false);

    // Group push: create empty, then PATCH member batches.
    let group = app.create_group("Pushed", &[]).await;
    let gpath = format!("/scim/v2/Groups/{}", group["id"].as_str().unwrap());
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            app.create_user(&format!("m{i}@example.com")).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let batch: Vec<Value> = ids[..3]
        .iter()
        .map(|i| json!({"value": i, "display": "x"}))
        .collect();
    // A pusher of large groups leaves the member list out of the answer.
    let r = patch(
        &app,
        &format!("{gpath}?excludedAttributes=members"),
        json!([{"op": "add", "path": "members", "value": batch}]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.json.get("members").is_none());
    assert_eq!(r.json["displayName"], "Pushed");
    let r = patch(
        &app,
        &gpath,
        json!([
            {"op": "add", "path": "members", "value": [{"value": ids[3]}, {"value": ids[4]}]},
            {"op": "remove", "path": format!("members[value eq \"{}\"]", ids[0])},
        ]),
    )
    .await;
    // A group PATCH answers 204 unless attributes are asked for.
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(r.text, "");
    let r = app.get(&gpath).await;
    let mut got: Vec<&str> = r.json["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["value"].as_str().unwrap())
        .collect();
    got.sort();
    let mut want: Vec<&str> = ids[1..].iter().map(String::as_str).collect();
    want.sort();
    assert_eq!(got, want);
    // Okta renames with a replace that carries the id.
    let r = patch(
        &app,
        &gpath,
        json!([{"op": "replace", "value": {"id": group["id"], "displayName": "Pushed 2"}}]),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(app.get(&gpath).await.json["displayName"], "Pushed 2");
    // Asking for attributes gets the group as asked.
    let r = patch(
        &app,
        &format!("{gpath}?attributes=displayName"),
        json!([{"op": "replace", "path": "displayName", "value": "Pushed 3"}]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["displayName"], "Pushed 3");
    assert!(r.json.get("members").is_none());
}

#[actix_web::test]
async fn entra_id_member_removal_and_group_edge_cases() {
    let app = TestApp::new().await;
    let a = app.create_user("a@example.com").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let b = app.create_user("b@example.com").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let group = app.create_group("Entra", &[&a, &b]).await;
    let gpath = format!("/scim/v2/Groups/{}", group["id"].as_str().unwrap());
    let r = patch(
        &app,
        &gpath,
        json!([{"op": "Remove", "path": "members", "value": [{"value": a}]}]),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let members = app.get(&gpath).await.json["members"].clone();
    assert_eq!(members.as_array().unwrap().len(), 1);
    assert_eq!(members[0]["value"], b.as_str());
    // Removing a non-member is a no-op.
    let r = patch(
        &app,
        &gpath,
        json!([{"op": "remove", "path": "members[value eq \"not-a-member\"]"}]),
    )
    .await;
    assert_eq!(r.status, 204);
    // An unknown id is skipped; the rest of the request applies.
    let r = patch(
        &app,
        &gpath,
        json!([
            {"op": "replace", "path": "displayName", "value": "Renamed"},
            {"op": "add", "path": "members", "value": [{"value": a}, {"value": "ghost"}]},
        ]),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let now = app.get(&gpath).await;
    assert_eq!(now.json["displayName"], "Renamed");
    assert_eq!(now.json["members"].as_array().unwrap().len(), 2);
    // Remove all, then replace the list.
    patch(&app, &gpath, json!([{"op": "remove", "path": "members"}])).await;
    assert_eq!(app.get(&gpath).await.json["members"], json!([]));
    patch(
        &app,
        &gpath,
        json!([{"op": "replace", "path": "members", "value": [{"value": a}]}]),
    )
    .await;
    assert_eq!(
        app.get(&gpath).await.json["members"][0]["value"],
        a.as_str()
    );
}

#[actix_web::test]
async fn patch_errors_change_nothing() {
    let app = TestApp::new().await;
    let user = app.create_user("err@example.com").await;
    let path = format!("/scim/v2/Users/{}", user["id"].as_str().unwrap());
    let cases: Vec<(Value, u16, Option<&str>)> = vec![
        (
            json!([{"op": "replace", "path": "title", "value": "x"}, {"op": "replace", "path": "id", "value": "y"}]),
            400,
            Some("mutability"),
        ),
        (
            json!([{"op": "replace", "path": "emails[type eq \"work\"", "value": "x"}]),
            400,
            Some("invalidPath"),
        ),
        (json!([{"op": "remove"}]), 400, Some("noTarget")),
        (
            json!([{"op": "jump", "path": "title"}]),
            400,
            Some("invalidSyntax"),
        ),
        (
            json!([{"op": "replace", "path": "active", "value": "perhaps"}]),
            400,
            Some("invalidValue"),
        ),
    ];
    for (operations, status, scim_type) in cases {
        let r = patch(&app, &path, operations.clone()).await;
        assert_eq!(r.status, status, "{operations}");
        assert_eq!(r.json["scimType"].as_str(), scim_type, "{operations}");
    }
    let r = app.get(&path).await;
    assert_eq!(r.json, user);
    // A userName taken by another user.
    app.create_user("taken@example.com").await;
    let r = patch(
        &app,
        &path,
        json!([{"op": "replace", "path": "userName", "value": "TAKEN@example.com"}]),
    )
    .await;
    assert_eq!(r.status, 409);
    let r = patch(
        &app,
        "/scim/v2/Users/missing",
        json!([{"op": "replace", "path": "title", "value": "x"}]),
    )
    .await;
    assert_eq!(r.status, 404);
    let r = app.get("/scim/v2/ServiceProviderConfig").await;
    assert_eq!(r.json["patch"]["supported"], true);
}

/// Two groups trading the same users back and forth, their PATCHes at
/// once: each locks the users it adds and removes together, in one order,
/// so neither waits on the other in a cycle (PostgreSQL would answer one
/// with "deadlock detected"), and every user ends in exactly one group.
#[actix_web::test]
async fn member_patches_trading_users_between_groups_at_once() {
    let app = TestApp::new().await;
    let mut users = Vec::new();
    for i in 0..12 {
        users.push(id_of(
            &app.create_user(&format!("trade{i}@example.com")).await,
        ));
    }
    let (a, b) = users.split_at(6);
    let x = id_of(&app.create_group("Traders X", &names(a)).await);
    let y = id_of(&app.create_group("Traders Y", &names(b)).await);
    for round in 0..8 {
        let (to_x, to_y) = if round % 2 == 0 { (b, a) } else { (a, b) };
        let (rx, ry) =
            futures_util::future::join(trade(&app, &x, to_x, to_y), trade(&app, &y, to_y, to_x))
                .await;
        assert_eq!(
            (rx.status, ry.status),
            (204, 204),
            "{} {}",
            rx.text,
            ry.text
        );
    }
    for (group, expected) in [(&x, a), (&y, b)] {
        let r = app.get(&format!("/scim/v2/Groups/{group}")).await;
        let mut members: Vec<String> = r.json["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["value"].as_str().unwrap().to_owned())
            .collect();
        members.sort();
        let mut expected = expected.to_vec();
        expected.sort();
        assert_eq!(members, expected);
    }
    for user in &users {
        let r = app.get(&format!("/scim/v2/Users/{user}")).await;
        assert_eq!(r.json["groups"].as_array().unwrap().len(), 1, "{}", r.text);
    }
}

fn id_of(resource: &Value) -> String {
    resource["id"].as_str().unwrap().to_owned()
}

fn names(ids: &[String]) -> Vec<&str> {
    ids.iter().map(String::as_str).collect()
}

/// One PATCH adding `add` to `group` and removing `remove` (by a filter).
async fn trade(
    app: &TestApp,
    group: &str,
    add: &[String],
    remove: &[String],
) -> crate::support::app::TestResponse {
    let values: Value = add.iter().map(|id| json!({"value": id})).collect();
    let filter = remove
        .iter()
        .map(|id| format!("value eq \"{id}\""))
        .collect::<Vec<_>>()
        .join(" or ");
    let path = format!("/scim/v2/Groups/{group}");
    patch(
        app,
        &path,
        json!([
            {"op": "add", "path": "members", "value": values},
            {"op": "remove", "path": format!("members[{filter}]")},
        ]),
    )
    .await
}

#[actix_web::test]
async fn concurrent_patches_both_apply_and_if_match_loser_gets_412() {
    let app = TestApp::new().await;
    let group = app.create_group("Busy", &[]).await;
    let gpath = format!("/scim/v2/Groups/{}", group["id"].as_str().unwrap());
    let mut ids = Vec::new();
    for i in 0..20 {
        ids.push(
            app.create_user(&format!("busy{i}@example.com")).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let sends = ids.iter().map(|id| {
        patch(
            &app,
            &gpath,
            json!([{"op": "add", "path": "members", "value": [{"value": id}]}]),
        )
    });
    for r in futures_util::future::join_all(sends).await {
        assert_eq!(r.status, 204, "{}", r.text);
    }
    let r = app.get(&gpath).await;
    assert_eq!(
        r.json["members"].as_array().unwrap().len(),
        20,
        "no member may be lost"
    );
    assert_eq!(r.json["meta"]["version"], "W/\"21\"");
    // Two writers holding the same ETag: one wins, the other gets 412.
    let etag = r.header("etag").unwrap();
    let guarded = |name: &str| {
        app.request(Method::PATCH, &gpath)
            .header("If-Match", &etag)
            .json(&ops(
                json!([{"op": "replace", "path": "displayName", "value": name}]),
            ))
            .send()
    };
    let (x, y) = futures_util::future::join(guarded("X"), guarded("Y")).await;
    let mut statuses = [x.status, y.status];
    statuses.sort();
    assert_eq!(statuses, [204, 412]);
}

/// A user's PATCH that changes only its row is written on PostgreSQL as
/// one statement checking the version it read (no lock): PATCHes of one
/// user at once must each land on what the one before wrote, none lost,
/// each audited once; two holding the same ETag, one wins.
#[actix_web::test]
async fn concurrent_user_patches_lose_no_change() {
    let app = TestApp::new().await;
    let user = app.create_user("many.phones@example.com").await;
    let id = user["id"].as_str().unwrap();
    let path = format!("/scim/v2/Users/{id}");
    let sends = (0..12).map(|i| {
        patch(
            &app,
            &path,
            json!([{"op": "add", "path": "phoneNumbers",
                    "value": [{"value": format!("+1 555 010{i:02}"), "type": "work"}]}]),
        )
    });
    for r in futures_util::future::join_all(sends).await {
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let r = app.get(&path).await;
    let mut phones: Vec<&str> = r.json["phoneNumbers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["value"].as_str().unwrap())
        .collect();
    phones.sort();
    let sent: Vec<String> = (0..12).map(|i| format!("+1 555 010{i:02}")).collect();
    assert_eq!(phones, sent, "no PATCH may be lost");
    assert_eq!(r.json["meta"]["version"], "W/\"13\"");
    let updated = app
        .audit_actions(&format!("&target={id}"))
        .await
        .into_iter()
        .filter(|a| a == "user.updated")
        .count();
    assert_eq!(updated, 12);

    let etag = r.header("etag").unwrap();
    let guarded = |title: &str| {
        app.request(Method::PATCH, &path)
            .header("If-Match", &etag)
            .json(&ops(
                json!([{"op": "replace", "path": "title", "value": title}]),
            ))
            .send()
    };
    let (x, y) = futures_util::future::join(guarded("X"), guarded("Y")).await;
    let mut statuses = [x.status, y.status];
    statuses.sort();
    assert_eq!(statuses, [200, 412]);
    // A userName another user holds: 409, nothing written.
    app.create_user("taken@example.com").await;
    let r = patch(
        &app,
        &path,
        json!([{"op": "replace", "path": "userName", "value": "taken@example.com"}]),
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(r.json["scimType"], "uniqueness");
    let after = app.get(&path).await;
    assert_eq!(after.json["meta"]["version"], "W/\"14\"");
    assert_eq!(after.json["userName"], "many.phones@example.com");
}

//! authentik: its SCIM provider (outgoing sync) pushing users and groups.
//!
//! Sources (goauthentik/authentik):
//! - authentik/providers/scim/clients/base.py: `GET /ServiceProviderConfig`
//!   first; PATCH is used for groups only when it says `patch.supported`;
//!   a 204 answer is fine.
//! - authentik/providers/scim/clients/users.py: create is a POST, update a
//!   PUT of the whole user with `id`, delete a DELETE.
//! - authentik/providers/scim/clients/groups.py: create POSTs the group
//!   without members, then adds members with one `add` operation per user
//!   (`{"op":"add","path":"members","value":[{"value":id}]}`) in one PATCH;
//!   on 409 it looks the group up by `displayName eq`; update is a path-less
//!   `replace` whose value is the whole group (`schemas`, `id`,
//!   `externalId`, `displayName`); `patch_compare_users` GETs the group and
//!   sends the differences.
//! - authentik/providers/scim/tests/test_user.py and test_membership.py: the
//!   exact bodies: `active`, `emails` with `type: "other"`, `externalId` (the
//!   user's uid, the group's pk), `name.formatted`, `displayName`; a custom
//!   mapping adding `urn:ietf:params:scim:schemas:extension:slack:profile:2.0:User`
//!   with `startDate`; a 409 on create adopts the existing user via a filtered
//!   GET; member removal as `{"op":"remove","path":"members[value eq \"…\"]"}`.
//! - blueprints/system/providers-scim.yaml: the default user mapping.

use serde_json::{json, Value};

use super::{id, issues_of, members, q, sorted, sync_health, unregistered, Replay, GROUP, USER};
use crate::support::TestApp;

const SLACK: &str = "urn:ietf:params:scim:schemas:extension:slack:profile:2.0:User";

fn ak_user(username: &str, name: &str, uid: &str, active: bool) -> Value {
    let (given, family) = name.split_once(' ').unwrap_or((name, ""));
    json!({
        "schemas": [USER, SLACK],
        "active": active,
        "emails": [{"primary": true, "type": "other", "value": format!("{username}@goauthentik.io")}],
        "externalId": uid,
        "name": {"familyName": family, "formatted": name, "givenName": given},
        "displayName": name,
        "userName": username,
        SLACK: {"startDate": "2024-04-10T00:00:00+0000"}
    })
}

#[actix_web::test]
async fn authentik_provider_sync_cycle() {
    let app = TestApp::new().await;
    let mut ak = Replay::new(&app);

    let r = ak.get("/ServiceProviderConfig", 200).await;
    assert_eq!(r.json["patch"]["supported"], true);

    // Full sync: users first.
    let akadmin_uid = "f2d6c1d3b1e0a7c2e9d4b6a8c0e2f4a6b8d0c2e4f6a8b0d2e4f6a8c0e2d4f6a8";
    let r = ak
        .post(
            "/Users",
            &ak_user("akadmin", "authentik Default Admin", akadmin_uid, true),
            201,
        )
        .await;
    let akadmin = id(&r);
    assert_eq!(r.json[SLACK]["startDate"], "2024-04-10T00:00:00+0000");
    let jane_uid = "0b7a3c5e9d1f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c";
    let jane = id(&ak
        .post("/Users", &ak_user("jane", "Jane Roe", jane_uid, true), 201)
        .await);

    // A second worker syncs jane again: 409, then the adoption lookup.
    let r = ak
        .post("/Users", &ak_user("jane", "Jane Roe", jane_uid, true), 409)
        .await;
    assert_eq!(r.json["scimType"], "uniqueness");
    let r = ak
        .get(&format!("/Users?filter={}", q("userName eq \"jane\"")), 200)
        .await;
    assert_eq!(r.json["Resources"][0]["id"], jane.as_str());

    // Then groups: POST without members, then one PATCH adding each member.
    let r = ak
        .post(
            "/Groups",
            &json!({"schemas": [GROUP], "externalId": "7", "displayName": "authentik Admins"}),
            201,
        )
        .await;
    let group = id(&r);
    let gpath = format!("/Groups/{group}");
    let r = ak
        .patch(
            &gpath,
            json!([
                {"op": "add", "path": "members", "value": [{"value": akadmin}]},
                {"op": "add", "path": "members", "value": [{"value": jane}]}
            ]),
            204,
        )
        .await;
    assert_eq!(r.text, "");

    // A user edited in authentik: PUT of the whole user with its id.
    let mut body = ak_user("jane", "Jane Q. Roe", jane_uid, true);
    body["id"] = json!(jane);
    let r = ak.put(&format!("/Users/{jane}"), &body, 200).await;
    assert_eq!(r.json["name"]["formatted"], "Jane Q. Roe");

    // The group is renamed: a path-less replace with the whole group, then
    // the member comparison (GET, PATCH the differences: jane left).
    ak.patch(
        &gpath,
        json!([{"op": "replace", "value": {
            "schemas": [GROUP], "id": group, "externalId": "7", "displayName": "authentik Administrators"
        }}]),
        204,
    )
    .await;
    ak.get(&gpath, 200).await;
    ak.patch(
        &gpath,
        json!([{"op": "remove", "path": format!("members[value eq \"{jane}\"]")}]),
        204,
    )
    .await;

    // Jane is deactivated in authentik: PUT with active false.
    body["active"] = json!(false);
    let r = ak.put(&format!("/Users/{jane}"), &body, 200).await;
    assert_eq!(r.json["active"], false);

    // What an admin expects.
    let r = ak.get(&gpath, 200).await;
    assert_eq!(r.json["displayName"], "authentik Administrators");
    assert_eq!(r.json["externalId"], "7");
    assert_eq!(members(&r.json), sorted(&[&akadmin]));
    let r = ak.get(&format!("/Users/{jane}"), 200).await;
    assert_eq!(r.json["active"], false);
    assert!(
        r.json["schemas"]
            .as_array()
            .unwrap()
            .contains(&json!(SLACK)),
        "{}",
        r.text
    );
    assert_eq!(r.json["emails"][0]["type"], "other");

    // The user leaves the provider's scope: DELETE; then the group.
    ak.delete(&format!("/Users/{jane}"), 204).await;
    ak.delete(&gpath, 204).await;

    let health = sync_health(&app).await;
    let refused = issues_of(&health, "refused");
    assert_eq!(health["issues"].as_array().unwrap().len(), 1, "{health}");
    assert_eq!(refused[0]["status"], 409);
    assert_eq!(refused[0]["scim_type"], "uniqueness");
    let start = unregistered(&health, "User", Some(SLACK), "startDate");
    assert_eq!(start["example"], "2024-04-10T00:00:00+0000");
}

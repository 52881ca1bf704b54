//! JumpCloud: the Custom SCIM Identity Management connector, SCIM 2.0 mode.
//!
//! Sources:
//! - JumpCloud support, "Identity Management using a Custom SCIM Integration"
//!   (jumpcloud.com/support/provision-and-manage-users-and-groups-in-apps-
//!   using-custom-scim-identity-management-integration): Test Connection
//!   creates a test user (the admin's test email) and a test group and
//!   deletes both when DELETE is supported; SCIM 1.1 or 2.0; bearer token; no
//!   extension schemas required; DI events user_lookup / user_create /
//!   user_update / user_deprovision ("change an existing user to inactive") /
//!   user_delete and group_create / group_update / group_delete.
//! - JumpCloud support, connector attribute tables (wp-json support/85119):
//!   `userName`, `name.givenName`, `name.familyName`, group `displayName`;
//!   "Empty groups are not created" (a group is created with its members);
//!   JumpCloud takes over a group whose name matches; renames are pushed;
//!   deleted groups are deleted.
//! - shared/IDP-NOTES.md (third-party KB, marked "?"): members removed the
//!   Entra way, `{"op":"remove","path":"members","value":[{"value":…}]}`.
//! - (?) The update and deprovision requests are PUTs of the whole user and
//!   the rename a `replace` of `displayName`: JumpCloud does not publish the
//!   bytes.

use serde_json::{json, Value};

use super::{
    assert_no_issues, id, members, q, sorted, sync_health, Replay, ENTERPRISE, GROUP, USER,
};
use crate::support::TestApp;

fn jc_user(email: &str, given: &str, family: &str, employee: &str, active: bool) -> Value {
    json!({
        "schemas": [USER, ENTERPRISE],
        "userName": email,
        "displayName": format!("{given} {family}"),
        "name": {"givenName": given, "familyName": family},
        "emails": [{"value": email, "type": "work", "primary": true}],
        "active": active,
        "title": "Engineer",
        ENTERPRISE: {"employeeNumber": employee, "department": "R&D", "costCenter": "CC-7", "organization": "Acme"}
    })
}

#[actix_web::test]
async fn jumpcloud_cycle_with_test_connection_objects() {
    let app = TestApp::new().await;
    let mut jc = Replay::new(&app);

    // Test Connection: a test user and a test group (never empty), then both
    // deleted because DELETE works.
    let test_user = id(&jc
        .post(
            "/Users",
            &jc_user("it-admin+scimtest@acme.test", "Scim", "Test", "0", true),
            201,
        )
        .await);
    let test_group = id(&jc
        .post(
            "/Groups",
            &json!({"schemas": [GROUP], "displayName": "JumpCloud Test Group", "members": [{"value": test_user}]}),
            201,
        )
        .await);
    jc.delete(&format!("/Groups/{test_group}"), 204).await;
    jc.delete(&format!("/Users/{test_user}"), 204).await;

    // Bind users: lookup, then create.
    let mut ids = Vec::new();
    for (email, given, family, emp) in [
        ("maria@acme.test", "Maria", "Garcia", "1001"),
        ("tom@acme.test", "Tom", "Baker", "1002"),
        ("li@acme.test", "Li", "Wei", "1003"),
    ] {
        let r = jc
            .get(
                &format!("/Users?filter={}", q(&format!("userName eq \"{email}\""))),
                200,
            )
            .await;
        assert_eq!(r.json["totalResults"], 0);
        ids.push(id(&jc
            .post("/Users", &jc_user(email, given, family, emp, true), 201)
            .await));
    }
    let (maria, tom, li) = (ids[0].clone(), ids[1].clone(), ids[2].clone());

    // The group is created with its members; lookup by name first.
    let r = jc
        .get(
            &format!("/Groups?filter={}", q("displayName eq \"Engineering\"")),
            200,
        )
        .await;
    assert_eq!(r.json["totalResults"], 0);
    let r = jc
        .post(
            "/Groups",
            &json!({"schemas": [GROUP], "displayName": "Engineering", "members": [{"value": maria}, {"value": tom}]}),
            201,
        )
        .await;
    let group = id(&r);
    let gpath = format!("/Groups/{group}");
    assert_eq!(members(&r.json), sorted(&[&maria, &tom]));

    // Membership changes: add li, remove tom (value list).
    jc.patch(
        &gpath,
        json!([{"op": "add", "path": "members", "value": [{"value": li}]}]),
        204,
    )
    .await;
    jc.patch(
        &gpath,
        json!([{"op": "remove", "path": "members", "value": [{"value": tom}]}]),
        204,
    )
    .await;

    // Attribute change, then rename.
    let r = jc
        .put(
            &format!("/Users/{maria}"),
            &jc_user("maria@acme.test", "Maria", "Garcia-Lopez", "1001", true),
            200,
        )
        .await;
    assert_eq!(r.json["name"]["familyName"], "Garcia-Lopez");
    jc.patch(
        &gpath,
        json!([{"op": "replace", "path": "displayName", "value": "Platform Engineering"}]),
        204,
    )
    .await;

    // Tom is unbound from the app: deprovisioned, inactive.
    let r = jc
        .put(
            &format!("/Users/{tom}"),
            &jc_user("tom@acme.test", "Tom", "Baker", "1002", false),
            200,
        )
        .await;
    assert_eq!(r.json["active"], false);

    // What an admin expects.
    let r = jc.get(&gpath, 200).await;
    assert_eq!(r.json["displayName"], "Platform Engineering");
    assert_eq!(members(&r.json), sorted(&[&maria, &li]));
    let r = jc.get(&format!("/Users/{tom}"), 200).await;
    assert_eq!(r.json["active"], false);
    assert_eq!(r.json[ENTERPRISE]["employeeNumber"], "1002");
    let r = jc
        .get(
            &format!(
                "/Users?filter={}",
                q(&format!("{ENTERPRISE}:costCenter eq \"CC-7\""))
            ),
            200,
        )
        .await;
    assert_eq!(r.json["totalResults"], 3);

    // The group is deleted in JumpCloud, then li's account.
    jc.delete(&gpath, 204).await;
    jc.delete(&format!("/Users/{li}"), 204).await;
    jc.get(&format!("/Users/{li}"), 404).await;
    assert_no_issues(&sync_health(&app).await);
}

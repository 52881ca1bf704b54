//! Microsoft Entra ID: the provisioning service without and with the
//! `aadOptscim062020` flag, Microsoft's own Postman habits, and
//! `strict_schema`.
//!
//! Sources:
//! - MicrosoftDocs/entra-docs, docs/identity/app-provisioning/
//!   use-scim-to-provision-users-and-groups.md: Test Connection with a random
//!   GUID (200, empty ListResponse); the create body (`meta.resourceType`,
//!   `roles: []`, `name.formatted`); `Replace` of `emails[type eq "work"].value`
//!   and `name.familyName`; groups created without members, with the
//!   `http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group`
//!   schema; `GET /Groups?excludedAttributes=members&filter=displayName eq …`;
//!   member `Add`/`Remove` with `"$ref": null`; 204 on group PATCH; soft delete
//!   (`active` false, user still returned) then DELETE on hard delete; a custom
//!   extension `urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User`.
//! - Same repo, customize-application-attributes.md: the custom extension
//!   schema is not listed in `schemas` by the Entra client; roles with type
//!   `WindowsAzureActiveDirectoryRole`.
//! - Same repo, application-provisioning-config-problem-scim-compatibility.md:
//!   without the flag `{"op":"Replace","path":"active","value":"False"}` and
//!   member removal by a `value` list; with it lowercase ops, path-less replace
//!   with dotted and URN keys, removal by `members[value eq "…"]`.
//! - Captain-P-Goldfish/SCIM-SDK, MsAzurePatchComplexValueRebuilder (issue
//!   #541): enterprise `manager` added as a bare string `"value":"271"`.
//! - apache/directory-scimple#693 (AssertiveAppRoleAssignmentsComplex):
//!   `roles` arrives as one string holding a JSON array.
//! - AzureAD/SCIMReferenceCode PostmanCollection.json (in shared/conformance):
//!   `/serviceConfiguration`, `/Users/?filter=…`, `userName sw O`,
//!   `attributes=emails[type eq "work"]`, `"active":"True"`, a member given as
//!   a bare string.

use actix_web::http::Method;
use serde_json::{json, Value};

use super::{
    assert_no_issues, filtered, id, issues_of, listed, lists_schema, members, patch_body,
    set_strict_schema, sorted, sync_health, unregistered, Replay, Step, ENTERPRISE, GROUP, USER,
};
use crate::support::TestApp;

const ADSCIM_GROUP: &str =
    "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group";
const CUSTOM: &str = "urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User";

fn entra_user(upn: &str, object_id: &str, given: &str, family: &str) -> Value {
    json!({
        "schemas": [USER, ENTERPRISE],
        "externalId": object_id,
        "userName": upn,
        "active": true,
        "emails": [{"primary": true, "type": "work", "value": upn}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": format!("{given} {family}"), "familyName": family, "givenName": given},
        "roles": [],
        ENTERPRISE: {"employeeNumber": "701984", "department": "Tour Operations"},
        CUSTOM: {"tag": "701984"}
    })
}

fn groups_without_members(filter: &str) -> String {
    filtered("Groups", filter).replace("/Groups?", "/Groups?excludedAttributes=members&")
}

#[actix_web::test]
async fn entra_cycle_without_the_compliance_flag() {
    let app = TestApp::new().await;
    let mut entra = Replay::directory_url(&app);

    // Test Connection: a random GUID as userName, and a random group.
    let guid = uuid::Uuid::new_v4().to_string();
    let steps: Vec<Step> = vec![
        (
            Method::GET,
            filtered("Users", &format!("userName eq \"{guid}\"")),
            None,
            200,
        ),
        (
            Method::GET,
            groups_without_members(&format!("displayName eq \"{guid}\"")),
            None,
            200,
        ),
    ];
    for r in entra.run(steps).await {
        assert_eq!(r.json["totalResults"], 0);
        assert_eq!(r.json["Resources"], json!([]));
    }

    // The manager first, then the user; each looked up before its create.
    let mut ids = Vec::new();
    for (upn, oid, given, family) in [
        (
            "john.smith@contoso.com",
            "26118915-6090-4610-87e4-49d8ca9f808d",
            "John",
            "Smith",
        ),
        (
            "bjensen@contoso.com",
            "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
            "Barbara",
            "Jensen",
        ),
    ] {
        let r = entra
            .get(&filtered("Users", &format!("userName eq \"{upn}\"")), 200)
            .await;
        assert_eq!(r.json["totalResults"], 0);
        ids.push(id(&entra
            .post("/Users", &entra_user(upn, oid, given, family), 201)
            .await));
    }
    let (manager, user) = (ids[0].clone(), ids[1].clone());
    let upath = format!("/Users/{user}");

    // The custom extension is kept, listed in schemas, and filterable.
    let r = entra.get(&upath, 200).await;
    assert_eq!(r.json[CUSTOM], json!({"tag": "701984"}));
    assert!(lists_schema(&r.json, CUSTOM), "{}", r.text);
    assert_eq!(r.json[ENTERPRISE]["department"], "Tour Operations");
    let r = entra
        .get(
            &filtered("Users", &format!("{CUSTOM}:tag eq \"701984\"")),
            200,
        )
        .await;
    assert_eq!(r.json["totalResults"], 2);
    let by_oid = "externalId eq \"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef\"";
    assert_eq!(
        listed(&entra.get(&filtered("Users", by_oid), 200).await),
        sorted(&[&user])
    );

    // Updates: multi-valued and single-valued Replace, the manager as a bare
    // string, roles as a JSON-encoded string.
    let ops = json!([
        {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "updatedEmail@contoso.com"},
        {"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"}
    ]);
    entra.patch(&upath, ops, 200).await;
    let ops = json!([{"op": "Add", "path": format!("{ENTERPRISE}:manager"), "value": manager}]);
    let r = entra.patch(&upath, ops, 200).await;
    assert_eq!(r.json[ENTERPRISE]["manager"]["value"], manager.as_str());
    let roles = r#"[{"primary":false,"type":"WindowsAzureActiveDirectoryRole","value":"Admin"}]"#;
    let ops = json!([{"op": "Replace", "path": "roles", "value": roles}]);
    let r = entra.patch(&upath, ops, 200).await;
    assert_eq!(
        r.json["roles"].as_array().map(Vec::len),
        Some(1),
        "{}",
        r.text
    );
    assert_eq!(r.json["roles"][0]["value"], "Admin");
    assert_eq!(
        r.json["roles"][0]["type"],
        "WindowsAzureActiveDirectoryRole"
    );

    // Group: lookup without members, create with the ADSCIM schema.
    let r = entra
        .get(
            &groups_without_members("displayName eq \"Tour Guides\""),
            200,
        )
        .await;
    assert_eq!(r.json["totalResults"], 0);
    let body = json!({
        "schemas": [GROUP, ADSCIM_GROUP],
        "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
        "displayName": "Tour Guides",
        "meta": {"resourceType": "Group"}
    });
    let r = entra.post("/Groups", &body, 201).await;
    assert_eq!(r.json["schemas"], json!([GROUP]));
    let group = id(&r);
    let gpath = format!("/Groups/{group}");

    // Members added; one of them is an Entra object that never made it into
    // the directory: 204, the real ones added.
    let stranger = "f648f8d5-ea4e-4cd3-8e9c-000000000000";
    let ops = json!([{"op": "Add", "path": "members", "value": [
        {"$ref": null, "value": user},
        {"$ref": null, "value": manager},
        {"$ref": null, "value": stranger}
    ]}]);
    assert_eq!(entra.patch(&gpath, ops, 204).await.text, "");
    // A client that asks for the group back gets it, projected.
    let rename = |name: &str| json!([{"op": "Replace", "path": "displayName", "value": name}]);
    let projected = format!("{gpath}?excludedAttributes=members");
    let r = entra
        .send(
            Method::PATCH,
            &projected,
            Some(&patch_body(rename("Tour Guides EU"))),
            200,
        )
        .await;
    assert_eq!(r.json["displayName"], "Tour Guides EU");
    assert!(r.json.get("members").is_none(), "{}", r.text);
    entra.patch(&gpath, rename("Tour Guides"), 204).await;
    let r = entra.get(&gpath, 200).await;
    assert_eq!(members(&r.json), sorted(&[&user, &manager]));

    // The user is unassigned: soft delete with a string boolean, and the
    // Entra-style removal of the member by a value list.
    let ops = json!([{"op": "Replace", "path": "active", "value": "False"}]);
    assert_eq!(entra.patch(&upath, ops, 200).await.json["active"], false);
    let ops =
        json!([{"op": "Remove", "path": "members", "value": [{"$ref": null, "value": user}]}]);
    entra.patch(&gpath, ops, 204).await;

    // What an admin expects.
    let r = entra.get(&upath, 200).await;
    assert_eq!(r.json["active"], false);
    assert_eq!(r.json["emails"][0]["value"], "updatedEmail@contoso.com");
    assert_eq!(r.json["name"]["familyName"], "updatedFamilyName");
    assert_eq!(r.json[ENTERPRISE]["manager"], json!({"value": manager}));
    assert_eq!(r.json["roles"][0]["value"], "Admin");
    assert!(entra
        .get(&projected, 200)
        .await
        .json
        .get("members")
        .is_none());
    assert_eq!(
        members(&entra.get(&gpath, 200).await.json),
        sorted(&[&manager])
    );

    // Hard delete of the user, then the group.
    entra.delete(&upath, 204).await;
    entra.get(&upath, 404).await;
    entra.delete(&gpath, 204).await;

    let health = sync_health(&app).await;
    let skipped = issues_of(&health, "skipped_member");
    assert_eq!(health["issues"].as_array().unwrap().len(), 1, "{health}");
    assert_eq!(skipped[0]["member"], stranger);
    assert_eq!(skipped[0]["group"], group.as_str());
    let tag = unregistered(&health, "User", Some(CUSTOM), "tag");
    assert_eq!(tag["example"], "701984");
    assert_eq!(tag["count"], 2);
}

/// With `aadOptscim062020`: lowercase ops, real booleans, path-less replace
/// with dotted and URN keys, removal by a value filter.
#[actix_web::test]
async fn entra_cycle_with_the_compliance_flag() {
    let app = TestApp::new().await;
    let mut entra = Replay::directory_url(&app);
    let u1 = id(&entra
        .post(
            "/Users",
            &entra_user("a@contoso.com", "oid-a", "Ann", "Lee"),
            201,
        )
        .await);
    let u2 = id(&entra
        .post(
            "/Users",
            &entra_user("b@contoso.com", "oid-b", "Ben", "Ng"),
            201,
        )
        .await);
    let ops = json!([
        {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "TestMhvaes@contoso.com"},
        {"op": "replace", "value": {
            "displayName": "Bjfe",
            "name.givenName": "Kkom",
            "name.familyName": "Unua",
            format!("{ENTERPRISE}:employeeNumber"): "Aklq"
        }}
    ]);
    let r = entra.patch(&format!("/Users/{u1}"), ops, 200).await;
    assert_eq!(r.json["name"]["givenName"], "Kkom");
    assert_eq!(r.json[ENTERPRISE]["employeeNumber"], "Aklq");
    let body = json!({"schemas": [GROUP, ADSCIM_GROUP], "externalId": "g-1", "displayName": "Ops"});
    let gpath = format!("/Groups/{}", id(&entra.post("/Groups", &body, 201).await));
    let ops = json!([{"op": "add", "path": "members", "value": [{"value": u1}, {"value": u2}]}]);
    entra.patch(&gpath, ops, 204).await;
    let ops = json!([{"op": "remove", "path": format!("members[value eq \"{u1}\"]")}]);
    entra.patch(&gpath, ops, 204).await;
    let ops = json!([{"op": "replace", "path": "active", "value": false}]);
    assert_eq!(
        entra.patch(&format!("/Users/{u1}"), ops, 200).await.json["active"],
        false
    );
    assert_eq!(members(&entra.get(&gpath, 200).await.json), sorted(&[&u2]));
    assert_no_issues(&sync_health(&app).await);
}

/// Microsoft's Postman collection: the requests its SCIM tests send.
#[actix_web::test]
async fn entra_postman_collection_habits() {
    let app = TestApp::new().await;
    let mut entra = Replay::new(&app);
    entra.get("/serviceConfiguration", 200).await;
    entra.get("/Users/", 200).await;
    entra.get("/groups/", 200).await;
    let body = json!({
        "schemas": [USER, ENTERPRISE],
        "userName": "OMalley",
        "active": "True",
        "displayName": "BobIsAmazing",
        "emails": [{"primary": true, "type": "work", "value": "omalley@example.com"}]
    });
    let u = id(&entra.post("/users", &body, 201).await);
    let r = entra.get(&filtered("Users/", "userName sw O"), 200).await;
    assert_eq!(listed(&r), sorted(&[&u]));
    let r = entra
        .get(
            &format!("/Users?attributes={}", super::q("emails[type eq \"work\"]")),
            200,
        )
        .await;
    assert_eq!(
        r.json["Resources"][0]["emails"][0]["value"],
        "omalley@example.com"
    );
    assert!(
        r.json["Resources"][0].get("displayName").is_none(),
        "{}",
        r.text
    );
    let body = json!({"schemas": [GROUP], "displayName": "Group1DisplayName"});
    let gpath = format!("/Groups/{}", id(&entra.post("/Groups", &body, 201).await));
    // A member given as a bare string.
    entra
        .patch(
            &gpath,
            json!([{"op": "Add", "path": "members", "value": [u]}]),
            204,
        )
        .await;
    assert_eq!(members(&entra.get(&gpath, 200).await.json), sorted(&[&u]));
}

/// A directory set to `strict_schema` refuses what a lenient one keeps.
#[actix_web::test]
async fn entra_custom_attributes_under_strict_schema() {
    let app = TestApp::new().await;
    let mut entra = Replay::directory_url(&app);
    set_strict_schema(&app, true).await;
    assert_eq!(sync_health(&app).await["directory"]["strict_schema"], true);
    let body = entra_user("strict@contoso.com", "oid-s", "Sam", "Strict");
    let mut top = body.clone();
    top.as_object_mut().unwrap().remove(CUSTOM);
    top["costCenter"] = json!("77");
    for sent in [&body, &top] {
        let r = entra.post("/Users", sent, 400).await;
        let t = r.json["scimType"].as_str().unwrap();
        assert!(t == "invalidSyntax" || t == "invalidValue", "{}", r.text);
    }
    assert_eq!(entra.get("/Users", 200).await.json["totalResults"], 0);
    assert_eq!(issues_of(&sync_health(&app).await, "refused").len(), 2);
    // Back to lenient: the same body is kept.
    set_strict_schema(&app, false).await;
    let r = entra.post("/Users", &body, 201).await;
    assert_eq!(r.json[CUSTOM]["tag"], "701984");
}

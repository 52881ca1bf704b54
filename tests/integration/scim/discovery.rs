//! Discovery endpoints served from `scim-schemas/`.

use serde_json::json;

use super::{ACCESS, ENTERPRISE, GROUP, USER};
use crate::support::TestApp;

#[actix_web::test]
async fn service_provider_config() {
    let app = TestApp::new().await;
    let r = app.get("/scim/v2/ServiceProviderConfig").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json["schemas"],
        json!(["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"])
    );
    assert_eq!(r.json["etag"]["supported"], true);
    assert_eq!(r.json["filter"]["supported"], true);
    assert_eq!(r.json["filter"]["maxResults"], 200);
    assert_eq!(r.json["sort"]["supported"], true);
    // RFC 9865 §4. Cursors mark a row, so they never expire: a year is a floor.
    assert_eq!(
        r.json["pagination"],
        json!({"cursor": true, "index": true, "defaultPaginationMethod": "index",
               "defaultPageSize": 200, "maxPageSize": 200, "cursorTimeout": 31536000})
    );
    assert_eq!(
        r.json["authenticationSchemes"][0]["type"],
        "oauthbearertoken"
    );
    assert_eq!(
        r.json["meta"]["location"],
        format!("{}/scim/v2/ServiceProviderConfig", app.base)
    );
}

#[actix_web::test]
async fn resource_types_and_schemas() {
    let app = TestApp::new().await;
    let r = app.get("/scim/v2/ResourceTypes").await;
    assert_eq!(r.json["totalResults"], 2);
    let user = &r.json["Resources"][0];
    assert_eq!(user["endpoint"], "/Users");
    assert_eq!(
        user["schemaExtensions"],
        json!([{"schema": ENTERPRISE, "required": false}, {"schema": ACCESS, "required": false}])
    );
    assert_eq!(
        user["meta"]["location"],
        format!("{}/scim/v2/ResourceTypes/User", app.base)
    );
    let r = app.get("/scim/v2/ResourceTypes/Group").await;
    assert_eq!(r.json["schema"], GROUP);
    assert_eq!(app.get("/scim/v2/ResourceTypes/Widget").await.status, 404);

    let r = app.get("/scim/v2/Schemas").await;
    let ids: Vec<&str> = r.json["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [USER, ENTERPRISE, ACCESS, GROUP]);
    // The access extension and entitlements are derived: read-only.
    let r = app.get(&format!("/scim/v2/Schemas/{ACCESS}")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["attributes"][0]["name"], "grants");
    assert_eq!(r.json["attributes"][0]["mutability"], "readOnly");
    let r = app.get(&format!("/scim/v2/Schemas/{USER}")).await;
    let user_name = r.json["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "userName")
        .unwrap();
    assert_eq!(user_name["uniqueness"], "server");
    assert_eq!(user_name["caseExact"], false);
    let password = r.json["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "password")
        .unwrap();
    assert_eq!(password["returned"], "never");
    assert_eq!(r.json["meta"]["resourceType"], "Schema");
    assert_eq!(app.get("/scim/v2/Schemas/urn:nope").await.status, 404);
    // Also under the directory-scoped base.
    let r = app
        .get(&format!(
            "/scim/v2/directories/{}/Schemas",
            app.directory.id
        ))
        .await;
    assert_eq!(r.json["totalResults"], 4);
}

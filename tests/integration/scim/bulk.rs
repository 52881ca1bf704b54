//! `POST /Bulk`.

use serde_json::{json, Value};

use super::{user_body, GROUP};
use crate::support::TestApp;

const BULK: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

fn statuses(r: &Value) -> Vec<String> {
    r["Operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["status"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn bulk_ids_link_a_group_to_users_created_in_the_same_request() {
    let app = TestApp::new().await;
    // The group comes first and refers to users created after it.
    let body = json!({"schemas": [BULK], "Operations": [
        {"method": "POST", "path": "/Groups", "bulkId": "g", "data": {"schemas": [GROUP], "displayName": "Tour Guides",
            "members": [{"type": "User", "value": "bulkId:u1"}, {"type": "User", "value": "bulkId:u2"}]}},
        {"method": "POST", "path": "/Users", "bulkId": "u1", "data": user_body("alice@x.org")},
        {"method": "POST", "path": "/Users", "bulkId": "u2", "data": user_body("bob@x.org")},
        {"method": "PATCH", "path": "/Users/bulkId:u1", "data": {"Operations": [{"op": "replace", "path": "title", "value": "Guide"}]}},
    ]});
    let r = app.post("/scim/v2/Bulk", &body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:BulkResponse"])
    );
    assert_eq!(statuses(&r.json), ["201", "201", "201", "200"]);
    let group_op = r.json["Operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["bulkId"] == "g")
        .unwrap();
    assert_eq!(group_op["version"], "W/\"1\"");
    let group_path = group_op["location"]
        .as_str()
        .unwrap()
        .replace(&app.base, "");
    let group = app.get(&group_path).await;
    assert_eq!(group.json["members"].as_array().unwrap().len(), 2);
    let user_op = r.json["Operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["bulkId"] == "u1")
        .unwrap();
    let user = app
        .get(&user_op["location"].as_str().unwrap().replace(&app.base, ""))
        .await;
    assert_eq!(user.json["title"], "Guide");
}

#[actix_web::test]
async fn per_operation_errors_and_fail_on_errors() {
    let app = TestApp::new().await;
    app.create_user("dup@x.org").await;
    let ops = json!([
        {"method": "POST", "path": "/Users", "bulkId": "a", "data": user_body("dup@x.org")},
        {"method": "DELETE", "path": "/Users/missing"},
        {"method": "POST", "path": "/Users", "bulkId": "b", "data": user_body("new@x.org")},
    ]);
    let r = app
        .post(
            "/scim/v2/Bulk",
            &json!({"schemas": [BULK], "Operations": ops}),
        )
        .await;
    assert_eq!(statuses(&r.json), ["409", "404", "201"]);
    assert_eq!(
        r.json["Operations"][0]["response"]["scimType"],
        "uniqueness"
    );
    // failOnErrors: 1 stops after the first error.
    let ops = json!([
        {"method": "POST", "path": "/Users", "bulkId": "c", "data": user_body("dup@x.org")},
        {"method": "POST", "path": "/Users", "bulkId": "d", "data": user_body("never@x.org")},
    ]);
    let r = app
        .post(
            "/scim/v2/Bulk",
            &json!({"schemas": [BULK], "failOnErrors": 1, "Operations": ops}),
        )
        .await;
    assert_eq!(statuses(&r.json), ["409"]);
    let q = app
        .get("/scim/v2/Users?filter=userName%20eq%20%22never@x.org%22")
        .await;
    assert_eq!(q.json["totalResults"], 0);
    // A reference to a bulkId that failed or does not exist.
    let ops = json!([
        {"method": "POST", "path": "/Users", "bulkId": "e", "data": user_body("dup@x.org")},
        {"method": "POST", "path": "/Groups", "bulkId": "f", "data": {"schemas": [GROUP], "displayName": "F", "members": [{"value": "bulkId:e"}]}},
        {"method": "POST", "path": "/Groups", "bulkId": "h", "data": {"schemas": [GROUP], "displayName": "H", "members": [{"value": "bulkId:zzz"}]}},
        {"method": "GET", "path": "/Users"},
    ]);
    let r = app
        .post(
            "/scim/v2/Bulk",
            &json!({"schemas": [BULK], "Operations": ops}),
        )
        .await;
    assert_eq!(statuses(&r.json), ["409", "409", "409", "400"]);
}

#[actix_web::test]
async fn limits_are_advertised_and_enforced() {
    let app = TestApp::new().await;
    let spc = app.get("/scim/v2/ServiceProviderConfig").await;
    assert_eq!(
        spc.json["bulk"],
        json!({"supported": true, "maxOperations": 1000, "maxPayloadSize": 1048576})
    );
    let ops: Vec<Value> = (0..1001)
        .map(|i| json!({"method": "DELETE", "path": format!("/Users/{i}")}))
        .collect();
    let r = app
        .post(
            "/scim/v2/Bulk",
            &json!({"schemas": [BULK], "Operations": ops}),
        )
        .await;
    assert_eq!(r.status, 413);
    assert_eq!(r.json["scimType"], "tooMany");
    let r = app.post("/scim/v2/Bulk", &json!({"Operations": []})).await;
    assert_eq!(r.status, 400);
}

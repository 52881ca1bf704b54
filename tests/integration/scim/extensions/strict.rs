//! Directories with `strict_schema` set refuse what no schema defines (an
//! unknown attribute or schema URN) with a SCIM error, and their sync health
//! lists each refusal with its request id.

use actix_web::http::Method;
use serde_json::json;

use super::health;
use crate::scim::{error_body, USER};
use crate::support::TestApp;

#[actix_web::test]
async fn a_strict_directory_refuses_what_no_schema_defines() {
    let app = TestApp::new().await;
    let path = format!("/directories/{}", app.directory.id);
    let r = app
        .admin(Method::PATCH, &path)
        .raw("application/json", br#"{"strict_schema": true}"#.to_vec())
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["strict_schema"], true);
    let r = app
        .admin(Method::PATCH, &path)
        .raw("application/json", br#"{"strict_schema": "yes"}"#.to_vec())
        .send()
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    let r = app
        .admin(Method::PATCH, "/directories/nope")
        .raw("application/json", br#"{"strict_schema": true}"#.to_vec())
        .send()
        .await;
    assert_eq!(r.status, 404, "{}", r.text);

    let r = app
        .post(
            "/scim/v2/Users",
            &json!({"schemas": [USER], "userName": "x", "favouriteColour": "blue"}),
        )
        .await;
    assert_eq!(
        r.json,
        error_body(
            400,
            Some("invalidSyntax"),
            "unknown attribute 'favouriteColour' for resource type User"
        )
    );
    let request_id = r.header("x-request-id").unwrap();
    let r = app
        .post(
            "/scim/v2/Users",
            &json!({"schemas": [USER, "urn:example:custom"], "userName": "x"}),
        )
        .await;
    assert_eq!(
        r.json,
        error_body(
            400,
            Some("invalidValue"),
            "schema \"urn:example:custom\" is not supported for resource type User"
        )
    );
    // What every schema defines, and the aliases, still pass.
    let r = app
        .post(
            "/scim/v2/Users",
            &json!({"schemas": ["urn:scim:schemas:core:1.0", USER], "userName": "ok"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json["id"].as_str().unwrap().to_owned();
    let r = app
        .request(Method::PATCH, &format!("/scim/v2/Users/{id}"))
        .json(
            &json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "add", "path": "shoeSize", "value": 9}]}),
        )
        .send()
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(app.get("/scim/v2/Users").await.json["totalResults"], 1);

    let report = health(&app).await;
    assert_eq!(report["directory"]["strict_schema"], true);
    let issues = report["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 3, "{report}");
    let first = &issues[2];
    assert_eq!(first["kind"], "refused");
    assert_eq!(first["method"], "POST");
    assert_eq!(first["status"], 400);
    assert_eq!(first["scim_type"], "invalidSyntax");
    assert_eq!(
        first["detail"],
        "unknown attribute 'favouriteColour' for resource type User"
    );
    assert_eq!(first["request_id"], request_id.as_str());
    assert_eq!(report["unregistered_attributes"], json!([]));
    let counts = &report["requests_24h"];
    assert_eq!(counts["by_status"]["400"], 3, "{counts}");
    assert_eq!(counts["by_status"]["201"], 1, "{counts}");
    assert!(report["last_successful_push"].is_string());
    // The directory list shows the setting and the last push.
    let r = app.admin_get("/directories").await;
    let listed = r.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == app.directory.id.as_str())
        .cloned()
        .unwrap();
    assert_eq!(listed["strict_schema"], true);
    assert!(listed["last_successful_push"].is_string());
}

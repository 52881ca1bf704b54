//! The admin API (`/admin/v1`) and the access model behind it, as an IdP
//! pushes and an admin maps.

mod catalog;
mod compliance;
mod flow;
mod kept_licenses;
mod mappings;
mod openapi;
mod persons;
mod roles;
mod rules;

use serde_json::{json, Value};

use crate::support::app::TestResponse;
use crate::support::TestApp;

/// PATCHes a SCIM resource with these operations.
pub async fn scim_patch(app: &TestApp, path: &str, operations: Value) -> TestResponse {
    app.request(actix_web::http::Method::PATCH, path)
        .json(&json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": operations,
        }))
        .send()
        .await
}

/// Ids of the users a SCIM filter finds, sorted.
pub async fn users_matching(app: &TestApp, filter: &str) -> Vec<String> {
    let q: String = url::form_urlencoded::byte_serialize(filter.as_bytes()).collect();
    let r = app
        .get(&format!("/scim/v2/Users?filter={q}&count=200"))
        .await;
    assert_eq!(r.status, 200, "{filter}: {}", r.text);
    let mut ids: Vec<String> = r.json["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

/// The id of a resource JSON.
pub fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// Sorted owned ids.
pub fn sorted(ids: &[&String]) -> Vec<String> {
    let mut v: Vec<String> = ids.iter().map(|s| (*s).clone()).collect();
    v.sort();
    v
}

//! Attributes a directory sends that no schema defines, at the top level or
//! under a URN no one registered: kept, served, filterable and patchable
//! like any attribute, and listed in the directory's sync health until a
//! schema defines them.

use actix_web::http::Method;
use serde_json::{json, Value};

use super::{health, users_matching};
use crate::scim::{error_body, filter_query, USER};
use crate::support::TestApp;

#[actix_web::test]
async fn attributes_no_schema_defines_are_kept_filterable_and_listed() {
    let app = TestApp::new().await;
    let custom = "urn:ietf:params:scim:schemas:extension:CustomExtension:2.0:User";
    let r = app
        .post(
            "/scim/v2/Users",
            &json!({"schemas": [USER, custom], "userName": "ann", "costCenter": "77",
                    custom: {"badge": "B1"}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["costCenter"], "77");
    assert_eq!(r.json[custom], json!({"badge": "B1"}));
    assert_eq!(r.json["schemas"], json!([USER, custom]));
    // Names are case-insensitive: a second spelling lands under the first.
    let r = app
        .post(
            "/scim/v2/Users",
            &json!({"schemas": [USER], "userName": "bob", "CostCenter": "78"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["costCenter"], "78");
    let id = r.json["id"].as_str().unwrap().to_owned();
    let r = app.get(&format!("/scim/v2/Users/{id}")).await;
    assert_eq!(r.json["costCenter"], "78");
    // Filterable as strings (not caseExact), once sent; never-sent names stay unknown.
    assert_eq!(users_matching(&app, "costCenter eq \"77\"").await, ["ann"]);
    assert_eq!(
        users_matching(&app, "COSTCENTER sw \"7\"").await,
        ["ann", "bob"]
    );
    assert_eq!(
        users_matching(&app, &format!("{custom}:badge eq \"b1\"")).await,
        ["ann"]
    );
    assert_eq!(
        users_matching(&app, &format!("schemas eq \"{custom}\"")).await,
        ["ann"]
    );
    let r = app
        .get(&format!(
            "/scim/v2/Users?filter={}",
            filter_query("shoeSize eq \"9\"")
        ))
        .await;
    assert_eq!(
        r.json,
        error_body(400, Some("invalidFilter"), "unknown attribute 'shoeSize'")
    );
    // Projection treats them like any attribute.
    let r = app
        .get(&format!("/scim/v2/Users/{id}?attributes=costCenter"))
        .await;
    assert_eq!(r.json["costCenter"], "78");
    assert!(r.json.get("userName").is_none());
    // PATCH keeps them too, by name or by URN.
    let r = app
        .request(Method::PATCH, &format!("/scim/v2/Users/{id}"))
        .json(
            &json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                {"op": "replace", "path": "costcenter", "value": "79"},
                {"op": "add", "path": format!("{custom}:badge"), "value": "B2"}
            ]}),
        )
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["costCenter"], "79");
    assert_eq!(r.json[custom]["badge"], "B2");
    // Listed for the admin, with counts and the newest example.
    let listed: Vec<(Value, Value, Value, Value)> = health(&app).await["unregistered_attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["schema"].clone(),
                a["name"].clone(),
                a["count"].clone(),
                a["example"].clone(),
            )
        })
        .collect();
    let mut listed = listed;
    listed.sort_by_key(|(s, n, _, _)| format!("{s}{n}"));
    assert_eq!(
        listed,
        [
            (json!(custom), json!("badge"), json!(2), json!("B2")),
            (Value::Null, json!("costCenter"), json!(3), json!("79")),
        ]
    );
    // Registering a schema for the URN takes its attributes off the list.
    let r = app
        .admin_post(
            "/schemas",
            &json!({"id": custom, "attributes": [{"name": "badge", "type": "string"}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let listed = health(&app).await["unregistered_attributes"].clone();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(
        users_matching(&app, &format!("{custom}:badge eq \"B2\"")).await,
        ["bob"]
    );
}

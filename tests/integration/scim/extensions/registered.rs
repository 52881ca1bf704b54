//! Extension schemas an admin registers: validated on registration, served
//! by discovery, enforced on the users and groups that carry them, filtered
//! and sorted in SQL by their own types, and no longer filterable once
//! removed (the values stay).

use actix_web::http::Method;
use serde_json::{json, Value};

use super::{health, users_matching};
use crate::scim::{error_body, filter_query, GROUP, USER};
use crate::support::TestApp;

const ACME: &str = "urn:ietf:params:scim:schemas:extension:Acme:2.0:User";

fn acme_schema() -> Value {
    json!({
        "id": ACME,
        "name": "AcmeUser",
        "description": "What Acme's HR system adds",
        "attributes": [
            {"name": "badge", "type": "string"},
            {"name": "level", "type": "integer"},
            {"name": "office", "type": "complex", "subAttributes": [
                {"name": "floor", "type": "integer"},
                {"name": "building", "type": "string", "caseExact": true}
            ]},
            {"name": "skills", "type": "string", "multiValued": true},
            {"name": "clearance", "type": "string", "canonicalValues": ["public", "secret"]},
            {"name": "hired", "type": "dateTime"}
        ]
    })
}

#[actix_web::test]
async fn a_registered_extension_is_validated_stored_served_and_filtered() {
    let app = TestApp::new().await;
    let r = app.admin_post("/schemas", &acme_schema()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["resource_type"], "User");
    assert_eq!(
        r.json["indexed"],
        json!([
            "badge",
            "level",
            "office.floor",
            "office.building",
            "clearance"
        ])
    );
    assert_eq!(
        r.json["document"]["attributes"][0],
        json!({"name": "badge", "type": "string", "multiValued": false, "required": false,
               "caseExact": false, "mutability": "readWrite", "returned": "default", "uniqueness": "none"})
    );
    // A URN is registered once; built-in ones and their aliases are taken.
    let again = app.admin_post("/schemas", &acme_schema()).await;
    assert_eq!(again.status, 409, "{}", again.text);
    let mut enterprise = acme_schema();
    enterprise["id"] = json!("urn:scim:schemas:extension:enterprise:2.0");
    assert_eq!(app.admin_post("/schemas", &enterprise).await.status, 409);
    let bad = app
        .admin_post(
            "/schemas",
            &json!({"id": "urn:a:B", "attributes": [{"name": "x y", "type": "string"}]}),
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    assert_eq!(bad.json["code"], "invalid");

    // Discovery serves it.
    let r = app.get(&format!("/scim/v2/Schemas/{ACME}")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["name"], "AcmeUser");
    let r = app.get("/scim/v2/ResourceTypes/User").await;
    assert!(
        r.json["schemaExtensions"]
            .as_array()
            .unwrap()
            .contains(&json!({"schema": ACME, "required": false})),
        "{}",
        r.text
    );
    let r = app.admin_get("/schemas").await;
    assert_eq!(r.json["items"][0]["id"], ACME);

    // Validated and normalised like any schema attribute.
    let user =
        |name: &str, ext: Value| json!({"schemas": [USER, ACME], "userName": name, ACME: ext});
    let r = app
        .post(
            "/scim/v2/Users",
            &user("ann", json!({"badge": "B1", "level": 3, "office": {"floor": 2, "building": "HQ"},
                                "skills": ["rust"], "clearance": "SECRET", "hired": "2024-05-01T09:00:00Z"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["schemas"], json!([USER, ACME]));
    assert_eq!(r.json[ACME]["clearance"], "secret");
    assert_eq!(
        r.json[ACME]["office"],
        json!({"floor": 2, "building": "HQ"})
    );
    let ann = r.json["id"].as_str().unwrap().to_owned();
    let r = app
        .post(
            "/scim/v2/Users",
            &user(
                "bob",
                json!({"badge": "B2", "level": 7, "office": {"building": "Annex"}}),
            ),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = app
        .post("/scim/v2/Users", &user("cy", json!({"level": "high"})))
        .await;
    assert_eq!(
        r.json,
        error_body(400, Some("invalidValue"), "'level' must be of type integer")
    );

    // Filtered and sorted in SQL, by the schema's types and case rules.
    for (filter, want) in [
        (format!("{ACME}:badge eq \"b1\""), vec!["ann"]),
        (format!("{ACME}:level gt 3"), vec!["bob"]),
        (format!("{ACME}:level le 3"), vec!["ann"]),
        (format!("{ACME}:office.building eq \"HQ\""), vec!["ann"]),
        (format!("{ACME}:office.building eq \"hq\""), vec![]),
        (format!("{ACME}:skills eq \"rust\""), vec!["ann"]),
        (
            format!("{ACME}:hired gt \"2024-01-01T00:00:00Z\""),
            vec!["ann"],
        ),
        (format!("schemas eq \"{ACME}\""), vec!["ann", "bob"]),
    ] {
        assert_eq!(users_matching(&app, &filter).await, want, "{filter}");
    }
    let r = app
        .get(&format!(
            "/scim/v2/Users?sortBy={ACME}:level&sortOrder=descending"
        ))
        .await;
    let order: Vec<&str> = r.json["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["userName"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["bob", "ann"]);
    // PATCH reaches it by its URN.
    let r = app
        .request(Method::PATCH, &format!("/scim/v2/Users/{ann}"))
        .json(
            &json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": format!("{ACME}:badge"), "value": "B9"}]}),
        )
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json[ACME]["badge"], "B9");
    // Nothing about it is an unregistered attribute.
    assert_eq!(health(&app).await["unregistered_attributes"], json!([]));

    // Removed: values stay on the users; its attributes are no longer filterable.
    let r = app.admin_delete(&format!("/schemas/{ACME}")).await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(
        app.admin_delete(&format!("/schemas/{ACME}")).await.status,
        404
    );
    let r = app.get(&format!("/scim/v2/Users/{ann}")).await;
    assert_eq!(r.json[ACME]["badge"], "B9");
    let r = app
        .get(&format!(
            "/scim/v2/Users?filter={}",
            filter_query(&format!("{ACME}:badge eq \"B9\""))
        ))
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.json["scimType"], "invalidFilter");
}

#[actix_web::test]
async fn a_group_extension_takes_its_type_from_the_urn() {
    let app = TestApp::new().await;
    let urn = "urn:acme:scim:schemas:1.0:Group";
    let r = app
        .admin_post(
            "/schemas",
            &json!({"id": urn, "attributes": [{"name": "costCode", "type": "string"}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["resource_type"], "Group");
    let r = app
        .post(
            "/scim/v2/Groups",
            &json!({"schemas": [GROUP, urn], "displayName": "Ops", urn: {"costCode": "C-7"}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["schemas"], json!([GROUP, urn]));
    assert_eq!(r.json[urn]["costCode"], "C-7");
    let r = app
        .get(&format!(
            "/scim/v2/Groups?filter={}",
            filter_query(&format!("{urn}:costCode eq \"c-7\""))
        ))
        .await;
    assert_eq!(r.json["totalResults"], 1, "{}", r.text);
}

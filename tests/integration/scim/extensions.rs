//! Attributes beyond the RFC schemas: extension schemas an admin registers,
//! attributes a directory sends that no schema defines (kept, filterable,
//! listed in sync health), and directories that refuse those
//! (`strict_schema`).

use actix_web::http::Method;
use serde_json::{json, Value};

use super::{error_body, filter_query, USER};
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

async fn users_matching(app: &TestApp, filter: &str) -> Vec<String> {
    let r = app
        .get(&format!("/scim/v2/Users?filter={}", filter_query(filter)))
        .await;
    assert_eq!(r.status, 200, "{filter}: {}", r.text);
    r.json["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["userName"].as_str().unwrap().to_owned())
        .collect()
}

async fn health(app: &TestApp) -> Value {
    let r = app
        .admin_get(&format!("/directories/{}/sync-health", app.directory.id))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json
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
            &json!({"schemas": [super::GROUP, urn], "displayName": "Ops", urn: {"costCode": "C-7"}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["schemas"], json!([super::GROUP, urn]));
    assert_eq!(r.json[urn]["costCode"], "C-7");
    let r = app
        .get(&format!(
            "/scim/v2/Groups?filter={}",
            filter_query(&format!("{urn}:costCode eq \"c-7\""))
        ))
        .await;
    assert_eq!(r.json["totalResults"], 1, "{}", r.text);
}

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

/// Leniency Microsoft's SCIM test collection and real IdPs rely on: none of
/// it changes the answer to a well-formed request.
#[actix_web::test]
async fn endpoint_names_and_query_strings_as_idps_write_them() {
    let app = TestApp::new().await;
    let dir = format!("/scim/v2/directories/{}", app.directory.id);
    let r = app
        .post("/scim/v2/Users/", &super::user_body("ann@example.com"))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert!(r
        .header("location")
        .unwrap()
        .ends_with(&format!("/Users/{}", r.json["id"].as_str().unwrap())));
    let id = r.json["id"].as_str().unwrap().to_owned();
    for path in [
        "/scim/v2/users".to_owned(),
        "/scim/v2/USERS/".to_owned(),
        format!("{dir}/users"),
        format!("/scim/v2/users/{id}/"),
        "/scim/v2/groups".to_owned(),
        "/scim/v2/serviceConfiguration".to_owned(),
        "/scim/v2/serviceproviderconfig/".to_owned(),
        "/scim/v2/resourcetypes".to_owned(),
        "/scim/v2/Users?".to_owned(),
        format!(
            "/scim/v2/Users?filter={}&",
            filter_query("userName eq \"ann@example.com\"")
        ),
        format!("/scim/v2/Users?filter={}", filter_query("userName sw ann")),
        format!(
            "/scim/v2/Users/{id}?attributes={}",
            filter_query("emails[type eq \"work\"]")
        ),
    ] {
        let r = app
            .request(Method::GET, &path)
            .header("User-Agent", "")
            .send()
            .await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
    }
    let r = app
        .get(&format!(
            "/scim/v2/Users?filter={}&",
            filter_query("userName sw ann")
        ))
        .await;
    assert_eq!(r.json["totalResults"], 1);
    let r = app
        .get(&format!(
            "/scim/v2/Users/{id}?attributes={}",
            filter_query("emails[type eq \"work\"]")
        ))
        .await;
    assert_eq!(r.json["emails"][0]["value"], "ann@example.com");
    assert!(r.json.get("name").is_none());
    let r = app.get("/scim/v2/serviceConfiguration").await;
    assert_eq!(r.json["patch"]["supported"], true);
    // Anything else is still no endpoint.
    assert_eq!(app.get("/scim/v2/Userz").await.status, 404);
}

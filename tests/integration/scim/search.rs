//! `POST /.search`, per resource type and at the root.

use actix_web::http::Method;
use serde_json::json;

use super::{error_body, GROUP};
use crate::support::TestApp;

const SEARCH: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

#[actix_web::test]
async fn search_per_resource_type() {
    let app = TestApp::new().await;
    for name in ["ann@x.org", "andy@x.org", "bea@x.org"] {
        app.create_user(name).await;
    }
    let body = json!({
        "schemas": [SEARCH],
        "filter": "userName sw \"an\"",
        "attributes": ["userName"],
        "sortBy": "userName",
        "sortOrder": "descending",
        "startIndex": 1,
        "count": 10
    });
    let r = app.post("/scim/v2/Users/.search", &body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["totalResults"], 2);
    let names: Vec<&str> = r.json["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["userName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ann@x.org", "andy@x.org"]);
    assert!(r.json["Resources"][0].get("emails").is_none());
    assert_eq!(r.header("content-type").unwrap(), "application/scim+json");

    let r = app
        .post("/scim/v2/Groups/.search", &json!({"schemas": [SEARCH]}))
        .await;
    assert_eq!(r.json["totalResults"], 0);

    let r = app
        .post("/scim/v2/Users/.search", &json!({"schemas": ["urn:nope"]}))
        .await;
    assert_eq!(
        r.json,
        error_body(
            400,
            Some("invalidSyntax"),
            &format!("'schemas' must include \"{SEARCH}\"")
        )
    );
    let r = app
        .post("/scim/v2/Users/.search", &json!({"filter": "userName eq"}))
        .await;
    assert_eq!(r.json["scimType"], "invalidFilter");
    // GET on .search is not a read of a user called ".search".
    let r = app
        .request(Method::GET, "/scim/v2/Users/.search")
        .send()
        .await;
    assert_eq!(r.status, 405);
}

#[actix_web::test]
async fn root_search_spans_users_and_groups() {
    let app = TestApp::new().await;
    let u = app.create_user("root@x.org").await;
    app.create_user("other@x.org").await;
    for name in ["Alpha", "Beta"] {
        let r = app
            .post(
                "/scim/v2/Groups",
                &json!({"schemas": [GROUP], "displayName": name, "members": [{"value": u["id"]}]}),
            )
            .await;
        assert_eq!(r.status, 201);
    }
    let r = app
        .post(
            "/scim/v2/.search",
            &json!({"schemas": [SEARCH], "excludedAttributes": ["members"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["totalResults"], 4);
    let kinds: Vec<&str> = r.json["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["meta"]["resourceType"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["User", "User", "Group", "Group"]);
    assert!(r.json["Resources"][2].get("members").is_none());

    // Paging crosses from users into groups.
    let r = app
        .post("/scim/v2/.search", &json!({"startIndex": 2, "count": 2}))
        .await;
    assert_eq!(r.json["totalResults"], 4);
    assert_eq!(r.json["startIndex"], 2);
    let kinds: Vec<&str> = r.json["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["meta"]["resourceType"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["User", "Group"]);

    // An attribute only users have: groups simply do not match.
    let r = app
        .post(
            "/scim/v2/.search",
            &json!({"filter": "userName eq \"root@x.org\""}),
        )
        .await;
    assert_eq!(r.json["totalResults"], 1);
    // Only groups have members.
    let r = app
        .post(
            "/scim/v2/.search",
            &json!({"filter": format!("members[value eq \"{}\"]", u["id"].as_str().unwrap())}),
        )
        .await;
    assert_eq!(r.json["totalResults"], 2);
    // Both have displayName and meta.
    let r = app
        .post(
            "/scim/v2/.search",
            &json!({"filter": "displayName sw \"display root\" or displayName eq \"beta\""}),
        )
        .await;
    assert_eq!(r.json["totalResults"], 2);
    // Neither has it.
    let r = app
        .post("/scim/v2/.search", &json!({"filter": "shoeSize eq 9"}))
        .await;
    assert_eq!(
        r.json,
        error_body(400, Some("invalidFilter"), "unknown attribute 'shoeSize'")
    );
}

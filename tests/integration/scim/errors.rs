//! Bad input gets an RFC 7644 §3.12 error with the right status and
//! scimType, never a 500, and changes nothing.

use actix_web::http::Method;
use serde_json::json;

use super::{error_body, user_body, USER};
use crate::support::TestApp;

#[actix_web::test]
async fn malformed_and_invalid_bodies() {
    let app = TestApp::new().await;
    let cases: Vec<(Vec<u8>, u16, &str, &str)> = vec![
        (b"{not json".to_vec(), 400, "invalidSyntax", "the request body is not valid JSON: key must be a string at line 1 column 2"),
        (b"".to_vec(), 400, "invalidSyntax", "the request body is empty"),
        (b"[]".to_vec(), 400, "invalidSyntax", "the request body must be a JSON object"),
        (
            json!({"userName": "x"}).to_string().into_bytes(),
            400,
            "invalidSyntax",
            "'schemas' must be an array that includes \"urn:ietf:params:scim:schemas:core:2.0:User\"",
        ),
        (
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "userName": "x"}).to_string().into_bytes(),
            400,
            "invalidValue",
            "schema \"urn:ietf:params:scim:schemas:core:2.0:Group\" is not supported for resource type User",
        ),
        (
            json!({"schemas": [USER], "name": {"givenName": "x"}}).to_string().into_bytes(),
            400,
            "invalidValue",
            "required attribute 'userName' is missing",
        ),
        (
            json!({"schemas": [USER], "userName": ""}).to_string().into_bytes(),
            400,
            "invalidValue",
            "userName must be a non-empty string",
        ),
        (
            json!({"schemas": [USER], "userName": "x", "active": "maybe"}).to_string().into_bytes(),
            400,
            "invalidValue",
            "'active' must be of type boolean",
        ),
        (
            json!({"schemas": [USER], "userName": "x", "emails": [{"value": "x", "type": "pager"}]}).to_string().into_bytes(),
            400,
            "invalidValue",
            "'emails[0].type' must be one of work, home, other; got \"pager\"",
        ),
    ];
    for (body, status, scim_type, detail) in cases {
        let r = app
            .request(Method::POST, "/scim/v2/Users")
            .raw("application/scim+json", body.clone())
            .send()
            .await;
        assert_eq!(
            r.json,
            error_body(status, Some(scim_type), detail),
            "{}",
            String::from_utf8_lossy(&body)
        );
        assert_eq!(r.status, status);
    }
    assert_eq!(app.get("/scim/v2/Users").await.json["totalResults"], 0);
}

#[actix_web::test]
async fn plain_json_content_type_is_accepted_and_others_refused() {
    let app = TestApp::new().await;
    let body = user_body("ct@example.com").to_string().into_bytes();
    let r = app
        .request(Method::POST, "/scim/v2/Users")
        .raw("application/json; charset=utf-8", body.clone())
        .send()
        .await;
    assert_eq!(r.status, 201);
    let r = app
        .request(Method::POST, "/scim/v2/Users")
        .raw("text/plain", body)
        .send()
        .await;
    assert_eq!(r.status, 415);
    assert_eq!(
        r.json,
        error_body(
            415,
            None,
            "send the body as application/scim+json or application/json"
        )
    );
}

#[actix_web::test]
async fn payload_over_the_limit_is_413() {
    let app = TestApp::builder()
        .settings(|s| s.max_payload_bytes = 2048)
        .start()
        .await;
    let mut body = user_body("big@example.com");
    body["title"] = json!("x".repeat(4096));
    let r = app.post("/scim/v2/Users", &body).await;
    assert_eq!(r.status, 413);
    assert_eq!(
        r.json,
        error_body(
            413,
            None,
            "the request body is larger than the 2048-byte limit (maxPayloadSize)"
        )
    );
    assert_eq!(app.get("/scim/v2/Users").await.json["totalResults"], 0);
    let spc = app.get("/scim/v2/ServiceProviderConfig").await;
    assert_eq!(spc.json["bulk"]["maxPayloadSize"], 2048);
}

#[actix_web::test]
async fn query_errors() {
    let app = TestApp::new().await;
    let r = app.get("/scim/v2/Users?startIndex=abc").await;
    assert_eq!(
        r.json,
        error_body(
            400,
            Some("invalidValue"),
            "startIndex must be an integer; got \"abc\""
        )
    );
    let r = app
        .get("/scim/v2/Users?filter=userName%20xx%20%22a%22")
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json["scimType"], "invalidFilter");
    let r = app
        .get("/scim/v2/Users?filter=shoeSize%20eq%20%2242%22")
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json["scimType"], "invalidFilter");
    let r = app.get("/scim/v2/Users?attributes=not%20valid").await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json["scimType"], "invalidValue");
}

#[actix_web::test]
async fn unknown_ids_routes_and_methods() {
    let app = TestApp::new().await;
    let r = app
        .get("/scim/v2/Users/00000000-0000-0000-0000-000000000000")
        .await;
    assert_eq!(
        r.json,
        error_body(
            404,
            None,
            "User 00000000-0000-0000-0000-000000000000 not found"
        )
    );
    let r = app
        .put(
            "/scim/v2/Groups/nope",
            &json!({"schemas": [super::GROUP], "displayName": "x"}),
        )
        .await;
    assert_eq!(r.json, error_body(404, None, "Group nope not found"));
    let r = app.get("/scim/v2/Widgets").await;
    assert_eq!(
        r.json,
        error_body(404, None, "no SCIM endpoint at /scim/v2/Widgets")
    );
    let r = app.request(Method::PATCH, "/scim/v2/Users").send().await;
    assert_eq!(r.status, 405);
    assert_eq!(r.json["status"], "405");
    let r = app.get("/scim/v2/Me").await;
    assert_eq!(r.status, 501);
    assert_eq!(r.json["schemas"], json!([super::ERROR]));
}

/// A row whose stored attributes are not a JSON object (damaged by hand,
/// or by a bug) fails every request that reads it, loudly, and is never
/// written over: a PATCH that read it as empty would erase it.
#[actix_web::test]
async fn a_damaged_row_fails_loudly_and_is_never_written_over() {
    use diesel::RunQueryDsl;

    let app = TestApp::new().await;
    let user = app
        .post("/scim/v2/Users", &user_body("dana@acme.test"))
        .await;
    let user = user.json["id"].as_str().unwrap().to_owned();
    let group = app.create_group("Damaged", &[&user]).await;
    let group = group["id"].as_str().unwrap().to_owned();
    for (table, id, damage) in [
        ("users", &user, "[1, 2]"),
        ("\"groups\"", &group, "{not json"),
    ] {
        let sql = format!("UPDATE {table} SET attributes = '{damage}' WHERE id = '{id}'");
        app.state
            .store
            .write_now(|conn| {
                diesel::sql_query(sql)
                    .execute(conn)
                    .map_err(gatehouse::store::StoreError::from)
            })
            .unwrap();
    }
    for r in [
        crate::admin::scim_patch(
            &app,
            &format!("/scim/v2/Users/{user}"),
            json!([{"op": "replace", "path": "title", "value": "CTO"}]),
        )
        .await,
        crate::admin::scim_patch(
            &app,
            &format!("/scim/v2/Groups/{group}"),
            json!([{"op": "replace", "path": "displayName", "value": "Renamed"}]),
        )
        .await,
        app.get(&format!("/scim/v2/Users/{user}")).await,
        app.get(&format!("/scim/v2/Groups/{group}")).await,
        app.get("/scim/v2/Groups?attributes=members").await,
    ] {
        assert_eq!(r.status, 500, "{}", r.text);
        assert_eq!(r.json["schemas"], json!([super::ERROR]), "{}", r.text);
        assert!(
            r.json["detail"]
                .as_str()
                .unwrap()
                .contains("cannot be read"),
            "{}",
            r.text
        );
    }
    // Nothing was written: the damage is still there to be seen and mended.
    let r = app.admin_get("/audit?action=user.updated").await;
    assert_eq!(r.json["items"], json!([]), "{}", r.text);
    #[derive(diesel::QueryableByName)]
    struct Attributes {
        #[diesel(sql_type = diesel::sql_types::Text)]
        attributes: String,
    }
    let stored = app
        .state
        .store
        .read_now(|conn| {
            diesel::sql_query(format!("SELECT attributes FROM users WHERE id = '{user}'"))
                .get_result::<Attributes>(conn)
                .map_err(gatehouse::store::StoreError::from)
        })
        .unwrap();
    assert_eq!(stored.attributes, "[1, 2]");
}

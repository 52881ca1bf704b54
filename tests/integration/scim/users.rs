//! `/Users`: the Okta and Entra ID create-or-find flows, reads, replace, delete.

use serde_json::json;

use super::{error_body, filter_query, user_body, ENTERPRISE, USER};
use crate::support::TestApp;

#[actix_web::test]
async fn okta_style_lookup_then_create() {
    let app = TestApp::new().await;
    let q = filter_query("userName eq \"bjensen@example.com\"");
    let r = app
        .get(&format!("/scim/v2/Users?filter={q}&startIndex=1&count=100"))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json,
        json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": 0, "startIndex": 1, "itemsPerPage": 0, "Resources": []
        })
    );
    assert_eq!(r.header("content-type").unwrap(), "application/scim+json");

    let r = app
        .post("/scim/v2/Users", &user_body("bjensen@example.com"))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json["id"].as_str().unwrap().to_owned();
    assert_eq!(r.json["userName"], "bjensen@example.com");
    assert_eq!(r.json["schemas"], json!([USER, ENTERPRISE]));
    assert_eq!(r.json[ENTERPRISE]["department"], "Engineering");
    assert!(
        r.json.get("password").is_none(),
        "password must never be returned"
    );
    assert_eq!(r.json["meta"]["resourceType"], "User");
    assert_eq!(r.json["meta"]["version"], "W/\"1\"");
    assert_eq!(r.header("etag").unwrap(), "W/\"1\"");
    let location = format!("{}/scim/v2/Users/{id}", app.base);
    assert_eq!(r.json["meta"]["location"], location);
    assert_eq!(r.header("location").unwrap(), location);

    // userName is case-insensitive: the IdP's lookup finds the user whatever the case.
    let q = filter_query("userName eq \"BJensen@Example.com\"");
    let r = app.get(&format!("/scim/v2/Users?filter={q}")).await;
    assert_eq!(r.json["totalResults"], 1);
    assert_eq!(r.json["Resources"][0]["id"], id.as_str());
    assert!(r.json["Resources"][0].get("password").is_none());
}

/// `userName eq` is answered by a key lookup of its own: it must page,
/// count and keep to the caller's directory like any other filter.
#[actix_web::test]
async fn user_name_lookup_pages_counts_and_keeps_to_its_directory() {
    use actix_web::http::Method;
    let app = TestApp::new().await;
    let id = app.create_user("Carol@Example.com").await["id"].clone();
    let other = app.other_directory("Other");
    let r = app
        .request_as(&other.token, Method::POST, "/scim/v2/Users")
        .json(&user_body("carol@example.com"))
        .send()
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let other_id = r.json["id"].clone();
    let q = filter_query("userName eq \"CAROL@example.COM\"");
    let cases = [
        ("", 1, 1),
        ("&startIndex=1&count=1", 1, 1),
        ("&startIndex=2", 1, 0),
        ("&count=0", 1, 0),
    ];
    for (paging, total, items) in cases {
        let r = app.get(&format!("/scim/v2/Users?filter={q}{paging}")).await;
        assert_eq!(r.status, 200, "{paging}: {}", r.text);
        assert_eq!(r.json["totalResults"], total, "{paging}");
        assert_eq!(r.json["itemsPerPage"], items, "{paging}");
        if items == 1 {
            assert_eq!(r.json["Resources"][0]["id"], id, "{paging}");
        }
    }
    let r = app
        .request_as(
            &other.token,
            Method::GET,
            &format!("/scim/v2/Users?filter={q}"),
        )
        .send()
        .await;
    assert_eq!(r.json["totalResults"], 1);
    assert_eq!(r.json["Resources"][0]["id"], other_id);
    // The same filter through `.search`, with attributes projected.
    let r = app
        .post(
            "/scim/v2/Users/.search",
            &json!({"filter": "userName eq \"carol@example.com\"", "attributes": ["userName"]}),
        )
        .await;
    assert_eq!(r.json["totalResults"], 1);
    assert_eq!(r.json["Resources"][0]["userName"], "Carol@Example.com");
    assert!(r.json["Resources"][0].get("emails").is_none());
}

#[actix_web::test]
async fn entra_style_external_id_lookup() {
    let app = TestApp::new().await;
    let mut body = user_body("adele@contoso.com");
    body["externalId"] = json!("a1b2c3");
    let r = app.post("/scim/v2/Users", &body).await;
    assert_eq!(r.status, 201);
    let id = r.json["id"].clone();
    app.create_user("other@contoso.com").await;

    let r = app
        .get(&format!(
            "/scim/v2/Users?filter={}",
            filter_query("externalId eq \"a1b2c3\"")
        ))
        .await;
    assert_eq!(r.json["totalResults"], 1);
    assert_eq!(r.json["Resources"][0]["id"], id);
    assert_eq!(r.json["Resources"][0]["externalId"], "a1b2c3");
    // externalId is caseExact.
    let r = app
        .get(&format!(
            "/scim/v2/Users?filter={}",
            filter_query("externalId eq \"A1B2C3\"")
        ))
        .await;
    assert_eq!(r.json["totalResults"], 0);
}

#[actix_web::test]
async fn duplicate_create_is_409_and_never_a_second_user() {
    let app = TestApp::new().await;
    let body = user_body("retry@example.com");
    assert_eq!(app.post("/scim/v2/Users", &body).await.status, 201);
    // The IdP timed out and retries the same POST; a different case is the same userName.
    for user_name in ["retry@example.com", "RETRY@example.com"] {
        let r = app.post("/scim/v2/Users", &user_body(user_name)).await;
        assert_eq!(r.status, 409);
        assert_eq!(
            r.json,
            error_body(
                409,
                Some("uniqueness"),
                &format!("userName \"{user_name}\" is already in use in this directory")
            )
        );
    }
    let r = app.get("/scim/v2/Users").await;
    assert_eq!(r.json["totalResults"], 1);
}

#[actix_web::test]
async fn get_by_id_with_etag_and_if_none_match() {
    let app = TestApp::new().await;
    let user = app.create_user("etag@example.com").await;
    let id = user["id"].as_str().unwrap();
    let r = app.get(&format!("/scim/v2/Users/{id}")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json, user);
    assert_eq!(r.header("etag").unwrap(), "W/\"1\"");
    let r = app
        .request(
            actix_web::http::Method::GET,
            &format!("/scim/v2/Users/{id}"),
        )
        .header("If-None-Match", "W/\"1\"")
        .send()
        .await;
    assert_eq!(r.status, 304);
    let r = app
        .request(
            actix_web::http::Method::GET,
            &format!("/scim/v2/Users/{id}"),
        )
        .header("If-None-Match", "W/\"7\"")
        .send()
        .await;
    assert_eq!(r.status, 200);
}

#[actix_web::test]
async fn put_replaces_the_user_keeps_id_and_ignores_read_only() {
    let app = TestApp::new().await;
    let user = app.create_user("put@example.com").await;
    let id = user["id"].as_str().unwrap();
    let body = json!({
        "schemas": [USER],
        "id": "ignored-id",
        "userName": "put@example.com",
        "name": {"givenName": "New"},
        "active": false,
        "meta": {"version": "W/\"99\""},
        "groups": [{"value": "ignored"}]
    });
    let r = app.put(&format!("/scim/v2/Users/{id}"), &body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["id"], id);
    assert_eq!(r.json["name"], json!({"givenName": "New"}));
    assert_eq!(r.json["active"], false);
    // PUT replaces: what was not sent is gone.
    assert!(r.json.get("emails").is_none());
    assert!(r.json.get(ENTERPRISE).is_none());
    assert!(r.json.get("groups").is_none());
    assert_eq!(r.json["meta"]["version"], "W/\"2\"");
    assert_eq!(r.json["meta"]["created"], user["meta"]["created"]);
    let again = app.get(&format!("/scim/v2/Users/{id}")).await;
    assert_eq!(again.json, r.json);
}

#[actix_web::test]
async fn if_match_guards_put_and_delete() {
    let app = TestApp::new().await;
    let user = app.create_user("match@example.com").await;
    let path = format!("/scim/v2/Users/{}", user["id"].as_str().unwrap());
    let r = app
        .request(actix_web::http::Method::PUT, &path)
        .header("If-Match", "W/\"5\"")
        .json(&user_body("match@example.com"))
        .send()
        .await;
    assert_eq!(r.status, 412);
    assert_eq!(
        r.json,
        error_body(
            412,
            None,
            "If-Match W/\"5\" does not match the current version W/\"1\""
        )
    );
    let r = app
        .request(actix_web::http::Method::PUT, &path)
        .header("If-Match", "W/\"1\"")
        .json(&user_body("match@example.com"))
        .send()
        .await;
    assert_eq!(r.status, 200);
    let r = app
        .request(actix_web::http::Method::DELETE, &path)
        .header("If-Match", "W/\"1\"")
        .send()
        .await;
    assert_eq!(r.status, 412);
    let r = app
        .request(actix_web::http::Method::DELETE, &path)
        .header("If-Match", "W/\"2\"")
        .send()
        .await;
    assert_eq!(r.status, 204);
}

#[actix_web::test]
async fn put_to_a_taken_user_name_is_409() {
    let app = TestApp::new().await;
    app.create_user("first@example.com").await;
    let second = app.create_user("second@example.com").await;
    let r = app
        .put(
            &format!("/scim/v2/Users/{}", second["id"].as_str().unwrap()),
            &user_body("FIRST@example.com"),
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(r.json["scimType"], "uniqueness");
}

#[actix_web::test]
async fn delete_removes_the_user_and_its_memberships() {
    let app = TestApp::new().await;
    let user = app.create_user("gone@example.com").await;
    let id = user["id"].as_str().unwrap();
    let group = app.create_group("Leavers", &[id]).await;
    let r = app.delete(&format!("/scim/v2/Users/{id}")).await;
    assert_eq!(r.status, 204);
    assert_eq!(r.text, "");
    let r = app.get(&format!("/scim/v2/Users/{id}")).await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.json,
        error_body(404, None, &format!("User {id} not found"))
    );
    let r = app.delete(&format!("/scim/v2/Users/{id}")).await;
    assert_eq!(r.status, 404);
    let g = app
        .get(&format!(
            "/scim/v2/Groups/{}",
            group["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(g.json["members"], json!([]));
}

#[actix_web::test]
async fn groups_attribute_is_computed_from_membership() {
    let app = TestApp::new().await;
    let user = app.create_user("member@example.com").await;
    let id = user["id"].as_str().unwrap();
    assert!(user.get("groups").is_none());
    let group = app.create_group("Engineering", &[id]).await;
    let r = app.get(&format!("/scim/v2/Users/{id}")).await;
    assert_eq!(
        r.json["groups"],
        json!([{
            "value": group["id"],
            "$ref": format!("{}/scim/v2/Groups/{}", app.base, group["id"].as_str().unwrap()),
            "display": "Engineering",
            "type": "direct"
        }])
    );
    let r = app.get("/scim/v2/Users").await;
    assert_eq!(
        r.json["Resources"][0]["groups"][0]["display"],
        "Engineering"
    );
}

#[actix_web::test]
async fn paging_with_start_index_and_count() {
    let app = TestApp::new().await;
    for i in 0..7 {
        app.create_user(&format!("page{i}@example.com")).await;
    }
    let r = app.get("/scim/v2/Users?startIndex=3&count=2").await;
    assert_eq!(r.json["totalResults"], 7);
    assert_eq!(r.json["startIndex"], 3);
    assert_eq!(r.json["itemsPerPage"], 2);
    let names: Vec<&str> = r.json["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["userName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["page2@example.com", "page3@example.com"]);
    let r = app.get("/scim/v2/Users?startIndex=7&count=5").await;
    assert_eq!(r.json["itemsPerPage"], 1);
    let r = app.get("/scim/v2/Users?startIndex=50").await;
    assert_eq!(r.json["itemsPerPage"], 0);
    assert_eq!(r.json["totalResults"], 7);
    let r = app.get("/scim/v2/Users?count=0").await;
    assert_eq!(r.json["itemsPerPage"], 0);
    assert_eq!(r.json["totalResults"], 7);
}

#[actix_web::test]
async fn page_size_is_capped_by_the_configured_maximum() {
    let app = TestApp::builder()
        .settings(|s| s.max_page_size = 3)
        .start()
        .await;
    for i in 0..5 {
        app.create_user(&format!("cap{i}@example.com")).await;
    }
    let r = app.get("/scim/v2/Users?count=100").await;
    assert_eq!(r.json["itemsPerPage"], 3);
    assert_eq!(r.json["totalResults"], 5);
    let r = app.get("/scim/v2/ServiceProviderConfig").await;
    assert_eq!(r.json["filter"]["maxResults"], 3);
}

#[actix_web::test]
async fn attributes_and_excluded_attributes_on_reads() {
    let app = TestApp::new().await;
    let user = app.create_user("proj@example.com").await;
    let id = user["id"].as_str().unwrap();
    let r = app
        .get(&format!(
            "/scim/v2/Users/{id}?attributes=userName,name.givenName"
        ))
        .await;
    assert_eq!(
        r.json,
        json!({"schemas": [USER, ENTERPRISE], "id": id, "userName": "proj@example.com", "name": {"givenName": "Given"}})
    );
    let r = app
        .get(&format!(
            "/scim/v2/Users?excludedAttributes=emails,meta,{ENTERPRISE}"
        ))
        .await;
    let u = &r.json["Resources"][0];
    assert!(u.get("emails").is_none() && u.get("meta").is_none() && u.get(ENTERPRISE).is_none());
    assert_eq!(u["userName"], "proj@example.com");
}

/// A test that fixes the clock fixes every time the server writes: the
/// resource's `meta` and the time inside its id (ids are version 7 UUIDs),
/// and ids made in the same instant still sort in the order they were made.
#[actix_web::test]
async fn a_fixed_clock_fixes_meta_times_and_the_time_in_ids() {
    use gatehouse::clock::FixedClock;
    use std::sync::Arc;

    let new_year_2030 = 1_893_456_000; // 2030-01-01T00:00:00Z, in seconds
    let clock = Arc::new(FixedClock::at(new_year_2030 * 1_000_000));
    let app = TestApp::builder().clock(clock).start().await;
    let first = app.create_user("ann@example.com").await;
    let second = app.create_user("bob@example.com").await;

    for user in [&first, &second] {
        let created = user["meta"]["created"].as_str().unwrap();
        assert!(created.starts_with("2030-01-01T00:00:00"), "{user}");
        let id = uuid::Uuid::parse_str(user["id"].as_str().unwrap()).unwrap();
        let (seconds, _) = id.get_timestamp().unwrap().to_unix();
        assert_eq!(seconds, new_year_2030 as u64, "{user}");
    }
    assert!(
        first["id"].as_str().unwrap() < second["id"].as_str().unwrap(),
        "{first} {second}"
    );
}

/// A user's groups and access are read only when the response shows them:
/// an `attributes` list that names none of `groups`, `entitlements` or the
/// access extension gets neither (nor the extension in `schemas`); one
/// that names any of them gets it, on lists and single reads alike.
#[actix_web::test]
async fn groups_and_access_come_when_the_projection_shows_them() {
    const ACCESS: &str = "urn:gatehouse:scim:schemas:extension:access:1.0:User";
    let app = TestApp::new().await;
    let user = app.create_user("ada@x.org").await;
    let id = user["id"].as_str().unwrap();
    app.create_group("Wiki Users", &[id]).await;
    app.create_product("acme", "wiki", None).await;
    app.map("Wiki Users", "wiki", "user").await;

    for (attributes, groups, entitlements, grants) in [
        ("userName", false, false, false),
        (
            "userName,emails,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
            false,
            false,
            false,
        ),
        ("groups", true, false, false),
        ("entitlements.value", false, true, false),
        ("grants", false, false, true),
        (ACCESS, false, false, true),
        ("userName,groups,entitlements", true, true, false),
    ] {
        let listed = app
            .get(&format!(
                "/scim/v2/Users?filter=userName%20eq%20%22ada@x.org%22&attributes={attributes}"
            ))
            .await;
        assert_eq!(listed.status, 200, "{}", listed.text);
        let single = app
            .get(&format!("/scim/v2/Users/{id}?attributes={attributes}"))
            .await;
        assert_eq!(single.status, 200, "{}", single.text);
        for resource in [&listed.json["Resources"][0], &single.json] {
            assert_eq!(resource["id"], id, "{attributes}: {resource}");
            assert_eq!(
                resource.get("groups").is_some(),
                groups,
                "{attributes}: {resource}"
            );
            assert_eq!(
                resource.get("entitlements").is_some(),
                entitlements,
                "{attributes}: {resource}"
            );
            assert_eq!(
                resource.get(ACCESS).is_some(),
                grants,
                "{attributes}: {resource}"
            );
            let schemas = resource["schemas"].as_array().unwrap();
            assert_eq!(
                schemas.iter().any(|s| s == ACCESS),
                grants || groups || entitlements,
                "{attributes}: {resource}"
            );
        }
    }
    // The full resource has all three.
    let full = app.get(&format!("/scim/v2/Users/{id}")).await;
    assert_eq!(
        full.json["groups"][0]["display"], "Wiki Users",
        "{}",
        full.text
    );
    assert_eq!(
        full.json["entitlements"][0]["value"], "wiki:user",
        "{}",
        full.text
    );
    assert_eq!(
        full.json[ACCESS]["grants"][0]["product"], "wiki",
        "{}",
        full.text
    );
}

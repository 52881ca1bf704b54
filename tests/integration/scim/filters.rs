//! Filters on the column attributes, run by the database on both backends.

use serde_json::{json, Value};

use super::{filter_query, user_body};
use crate::support::TestApp;

async fn user_names(app: &TestApp, filter: &str) -> Vec<String> {
    let r = app
        .get(&format!(
            "/scim/v2/Users?count=200&filter={}",
            filter_query(filter)
        ))
        .await;
    assert_eq!(r.status, 200, "{filter}: {}", r.text);
    let mut names: Vec<String> = r.json["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["userName"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    assert_eq!(r.json["totalResults"], names.len(), "{filter}");
    names
}

#[actix_web::test]
async fn operators_and_logic_on_users() {
    let app = TestApp::new().await;
    let seed: Vec<(&str, Option<&str>, bool, Option<&str>)> = vec![
        (
            "alice@example.com",
            Some("ext-a"),
            true,
            Some("Alice Liddell"),
        ),
        ("bob@example.org", Some("ext-b"), false, Some("Bob")),
        ("Carol@Example.com", None, true, None),
        ("dave@elsewhere.net", Some("EXT-D"), true, Some("dave")),
    ];
    for (user_name, ext, active, display) in &seed {
        let mut body = user_body(user_name);
        body["active"] = json!(active);
        body["externalId"] = ext.map_or(Value::Null, Value::from);
        body["displayName"] = display.map_or(Value::Null, Value::from);
        assert_eq!(app.post("/scim/v2/Users", &body).await.status, 201);
    }
    let all = [
        "Carol@Example.com",
        "alice@example.com",
        "bob@example.org",
        "dave@elsewhere.net",
    ];
    let cases: Vec<(&str, Vec<&str>)> = vec![
        (
            "userName eq \"ALICE@example.com\"",
            vec!["alice@example.com"],
        ),
        (
            "userName ne \"alice@example.com\"",
            vec!["Carol@Example.com", "bob@example.org", "dave@elsewhere.net"],
        ),
        (
            "userName co \"EXAMPLE\"",
            vec!["Carol@Example.com", "alice@example.com", "bob@example.org"],
        ),
        ("userName sw \"c\"", vec!["Carol@Example.com"]),
        ("userName sw \"ALICE@\"", vec!["alice@example.com"]),
        ("userName sw \"\"", all.to_vec()),
        (
            "userName sw \"alice@example.com\"",
            vec!["alice@example.com"],
        ),
        ("userName sw \"alice@example.comx\"", vec![]),
        (
            "userName ew \".COM\"",
            vec!["Carol@Example.com", "alice@example.com"],
        ),
        (
            "userName gt \"c\"",
            vec!["Carol@Example.com", "dave@elsewhere.net"],
        ),
        (
            "userName le \"bob@example.org\"",
            vec!["alice@example.com", "bob@example.org"],
        ),
        ("externalId eq \"ext-a\"", vec!["alice@example.com"]),
        ("externalId eq \"EXT-A\"", vec![]),
        (
            "externalId sw \"ext\"",
            vec!["alice@example.com", "bob@example.org"],
        ),
        (
            "externalId pr",
            vec!["alice@example.com", "bob@example.org", "dave@elsewhere.net"],
        ),
        ("not (externalId pr)", vec!["Carol@Example.com"]),
        ("externalId eq null", vec!["Carol@Example.com"]),
        (
            "externalId ne \"ext-a\"",
            vec!["Carol@Example.com", "bob@example.org", "dave@elsewhere.net"],
        ),
        (
            "displayName eq \"ALICE LIDDELL\"",
            vec!["alice@example.com"],
        ),
        ("displayName co \"o\"", vec!["bob@example.org"]),
        ("active eq false", vec!["bob@example.org"]),
        (
            "active eq \"True\"",
            vec![
                "Carol@Example.com",
                "alice@example.com",
                "dave@elsewhere.net",
            ],
        ),
        ("active ne true", vec!["bob@example.org"]),
        (
            "active eq true and userName ew \"example.com\"",
            vec!["Carol@Example.com", "alice@example.com"],
        ),
        (
            "userName sw \"a\" or userName sw \"b\" and active eq true",
            vec!["alice@example.com"],
        ),
        (
            "(userName sw \"a\" or userName sw \"b\") and active eq false",
            vec!["bob@example.org"],
        ),
        ("meta.created gt \"2000-01-01T00:00:00Z\"", all.to_vec()),
        ("meta.lastModified lt \"2000-01-01T00:00:00Z\"", vec![]),
        (
            "urn:ietf:params:scim:schemas:core:2.0:User:userName eq \"dave@elsewhere.net\"",
            vec!["dave@elsewhere.net"],
        ),
        // Values are bound, never spliced into SQL.
        ("userName eq \"x' OR '1'='1\"", vec![]),
        ("userName co \"%\"", vec![]),
        ("userName co \"_\"", vec![]),
    ];
    for (filter, expected) in cases {
        assert_eq!(user_names(&app, filter).await, expected, "{filter}");
    }
}

#[actix_web::test]
async fn filter_errors_are_invalid_filter_with_a_position() {
    let app = TestApp::new().await;
    let r = app
        .get(&format!(
            "/scim/v2/Users?filter={}",
            filter_query("userName eq \"a")
        ))
        .await;
    assert_eq!(
        r.json,
        super::error_body(
            400,
            Some("invalidFilter"),
            "unterminated string at position 12"
        )
    );
    let r = app
        .get(&format!(
            "/scim/v2/Groups?filter={}",
            filter_query("userName eq \"a\"")
        ))
        .await;
    assert_eq!(
        r.json,
        super::error_body(400, Some("invalidFilter"), "unknown attribute 'userName'")
    );
    let r = app
        .get(&format!(
            "/scim/v2/Users?filter={}",
            filter_query("meta.created gt \"yesterday\"")
        ))
        .await;
    assert_eq!(
        r.json,
        super::error_body(
            400,
            Some("invalidFilter"),
            "'yesterday' is not an xsd:dateTime"
        )
    );
    // lastModified too, which PostgreSQL compares in `user_modified_at`.
    for filter in [
        "meta.lastModified gt \"yesterday\"",
        "not (meta.lastModified ge 7)",
    ] {
        let r = app
            .get(&format!("/scim/v2/Users?filter={}", filter_query(filter)))
            .await;
        assert_eq!(r.status, 400, "{filter}: {}", r.text);
        assert_eq!(r.json["scimType"], "invalidFilter", "{filter}: {}", r.text);
    }
}

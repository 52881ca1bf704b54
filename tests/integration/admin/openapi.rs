//! The OpenAPI document describes the routes the admin API serves.

use actix_web::http::Method;
use serde_json::Value;

use crate::support::TestApp;

#[actix_web::test]
async fn every_documented_operation_is_served() {
    let app = TestApp::new().await;
    let r = app
        .request(Method::GET, "/admin/v1/openapi.json")
        .without_auth()
        .send()
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["openapi"], "3.1.0");
    let paths = r.json["paths"].as_object().unwrap();
    assert!(paths.len() >= 15);
    let mut operations = 0;
    for (path, item) in paths {
        let concrete = path
            .replace("{key}", "no-such-product")
            .replace("{id}", "no-such-id")
            .replace("{user_id}", "no-such-user")
            .replace("{token}", "no-such-token")
            .replace("{urn}", "urn:no:such:Schema");
        let token = if path.starts_with("/api/v1") {
            &app.product_token
        } else {
            &app.admin_token
        };
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            assert!(op["responses"].is_object(), "{method} {path} has responses");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let r = app
                .request_as(token, method.clone(), &concrete)
                .raw("application/json", b"{}".to_vec())
                .send()
                .await;
            // Served: anything but the API's "no such route" and 405.
            assert_ne!(r.status, 405, "{method} {path}: {}", r.text);
            let unrouted = r.status == 404
                && r.json["detail"]
                    .as_str()
                    .is_some_and(|d| d.contains("API route"));
            assert!(!unrouted, "{method} {path} is documented but not routed");
            // Each documented status is the one served, or an error listed.
            let listed: Vec<&String> = op["responses"].as_object().unwrap().keys().collect();
            assert!(
                listed.iter().any(|s| s.as_str() == r.status.to_string()),
                "{method} {path} answered {} which is not among {listed:?}: {}",
                r.status,
                r.text
            );
        }
    }
    assert!(operations >= 22, "{operations}");
    // Schema references resolve.
    let text = r.text.clone();
    for piece in text
        .split("\"$ref\": \"#/components/")
        .skip(1)
        .chain(text.split("\"$ref\":\"#/components/").skip(1))
    {
        let reference = piece.split('"').next().unwrap();
        let mut node: &Value = &r.json["components"];
        for part in reference.split('/') {
            node = &node[part];
        }
        assert!(!node.is_null(), "dangling $ref {reference}");
    }
}

/// Every limit the document states for a query parameter is the one the
/// server enforces: its maximum is accepted, one more is refused.
#[actix_web::test]
async fn documented_limits_are_the_enforced_ones() {
    let app = TestApp::new().await;
    let doc = app
        .request(Method::GET, "/admin/v1/openapi.json")
        .without_auth()
        .send()
        .await
        .json;
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if path.contains('{') || !path.starts_with("/admin/v1") {
            continue;
        }
        let Some(op) = item.get("get") else { continue };
        for p in op["parameters"].as_array().into_iter().flatten() {
            let Some(max) = p["schema"]["maximum"].as_i64() else {
                continue;
            };
            let name = p["name"].as_str().unwrap();
            let at = |n: i64| format!("{path}?{name}={n}");
            let r = app
                .request_as(&app.admin_token, Method::GET, &at(max))
                .send()
                .await;
            assert_eq!(r.status, 200, "{path} {name}={max}: {}", r.text);
            let r = app
                .request_as(&app.admin_token, Method::GET, &at(max + 1))
                .send()
                .await;
            assert_eq!(r.status, 400, "{path} {name}={}: {}", max + 1, r.text);
            let min = p["schema"]["minimum"].as_i64().unwrap_or(0);
            for (n, status) in [(min, 200), (min - 1, 400)] {
                let r = app
                    .request_as(&app.admin_token, Method::GET, &at(n))
                    .send()
                    .await;
                assert_eq!(r.status, status, "{path} {name}={n}: {}", r.text);
            }
            checked += 1;
        }
    }
    assert!(checked >= 6, "{checked}");
}

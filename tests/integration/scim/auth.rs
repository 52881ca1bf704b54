//! Tokens and directory isolation.

use actix_web::http::Method;
use serde_json::json;

use super::{error_body, user_body};
use crate::support::TestApp;

#[actix_web::test]
async fn missing_or_wrong_token_is_401_with_www_authenticate() {
    let app = TestApp::new().await;
    let expected = error_body(
        401,
        None,
        "a valid bearer token is required (Authorization: Bearer <token>)",
    );
    let cases = [
        None,
        Some("Bearer nope"),
        Some("Basic dXNlcjpwYXNz"),
        Some("Bearer "),
    ];
    for header in cases {
        let mut req = app.request(Method::GET, "/scim/v2/Users").without_auth();
        if let Some(h) = header {
            req = req.header("Authorization", h);
        }
        let r = req.send().await;
        assert_eq!(r.status, 401, "{header:?}");
        assert_eq!(
            r.header("www-authenticate").unwrap(),
            "Bearer realm=\"gatehouse\""
        );
        assert_eq!(r.json, expected);
    }
    // The scheme name is case-insensitive.
    let r = app
        .request(Method::GET, "/scim/v2/Users")
        .header("Authorization", &format!("bearer {}", app.directory.token))
        .send()
        .await;
    assert_eq!(r.status, 200);
}

/// Reads check the token in the same database call as the read; whatever
/// else is wrong with a request, a caller with a bad token learns only 401,
/// and a good token then gets the request's own error.
#[actix_web::test]
async fn a_bad_token_gets_401_before_any_other_error() {
    let app = TestApp::new().await;
    let cases: [(Method, &str, Option<&str>, u16); 6] = [
        (
            Method::GET,
            "/scim/v2/Users?filter=userName%20eq",
            None,
            400,
        ),
        (Method::GET, "/scim/v2/Users?sortOrder=sideways", None, 400),
        (Method::GET, "/scim/v2/Users/no-such-user", None, 404),
        (Method::GET, "/scim/v2/Groups?startIndex=abc", None, 400),
        (
            Method::POST,
            "/scim/v2/Users/.search",
            Some("{not json"),
            400,
        ),
        (Method::POST, "/scim/v2/.search", Some("{not json"), 400),
    ];
    for (method, path, body, with_good_token) in cases {
        let send = |token: Option<&str>| {
            let mut req = app.request(method.clone(), path).without_auth();
            if let Some(t) = token {
                req = req.header("Authorization", &format!("Bearer {t}"));
            }
            if let Some(b) = body {
                req = req.raw("application/scim+json", b.as_bytes().to_vec());
            }
            req.send()
        };
        let r = send(Some("not-a-token")).await;
        assert_eq!(
            r.status, 401,
            "{method} {path} with a bad token: {}",
            r.text
        );
        let r = send(Some(&app.directory.token)).await;
        assert_eq!(r.status, with_good_token, "{method} {path}: {}", r.text);
    }
}

#[actix_web::test]
async fn a_directory_cannot_see_another_directorys_data() {
    let app = TestApp::new().await;
    let other = app.other_directory("Other IdP");
    let user = app.create_user("mine@example.com").await;
    let group = app
        .create_group("Mine", &[user["id"].as_str().unwrap()])
        .await;
    let as_other = |m: Method, p: &str| {
        app.request(m, p)
            .header("Authorization", &format!("Bearer {}", other.token))
    };

    let group_body = json!({"schemas": [super::GROUP], "displayName": "Mine"});
    for (path, body) in [
        (
            format!("/scim/v2/Users/{}", user["id"].as_str().unwrap()),
            user_body("x@example.com"),
        ),
        (
            format!("/scim/v2/Groups/{}", group["id"].as_str().unwrap()),
            group_body,
        ),
    ] {
        for method in [Method::GET, Method::DELETE] {
            let r = as_other(method.clone(), &path).send().await;
            assert_eq!(r.status, 404, "{method} {path}");
        }
        let r = as_other(Method::PUT, &path).json(&body).send().await;
        assert_eq!(r.status, 404, "PUT {path}");
    }
    let r = as_other(Method::GET, "/scim/v2/Users").send().await;
    assert_eq!(r.json["totalResults"], 0);
    // The same userName is free in another directory.
    let r = as_other(Method::POST, "/scim/v2/Users")
        .json(&user_body("mine@example.com"))
        .send()
        .await;
    assert_eq!(r.status, 201);
    // A group in the other directory cannot take this directory's user as
    // member: the id is skipped as unknown there, like any id it does not hold.
    let body = json!({"schemas": [super::GROUP], "displayName": "Steal", "members": [{"value": user["id"]}]});
    let r = as_other(Method::POST, "/scim/v2/Groups")
        .json(&body)
        .send()
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["members"], json!([]));
    let r = app
        .get(&format!("/scim/v2/Users/{}", user["id"].as_str().unwrap()))
        .await;
    let groups: Vec<&str> = r.json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["display"].as_str().unwrap())
        .collect();
    assert_eq!(groups, ["Mine"]);
    // Directory-scoped URLs: the other token is refused at this directory's base URL.
    let path = format!(
        "/scim/v2/directories/{}/Users/{}",
        app.directory.id,
        user["id"].as_str().unwrap()
    );
    let r = as_other(Method::GET, &path).send().await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.json,
        error_body(
            404,
            None,
            &format!("directory {} not found", app.directory.id)
        )
    );
    let r = app.get(&path).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json["meta"]["location"],
        format!(
            "{}/scim/v2/directories/{}/Users/{}",
            app.base,
            app.directory.id,
            user["id"].as_str().unwrap()
        )
    );
}

/// A token revoked outside this server (the CLI, another replica: here
/// the store, as the CLI writes it) stops working within the time a token
/// found live is kept (`--token-cache`), reads and writes alike, and at
/// once when nothing is kept. Revoked through the console it stops at
/// once (`console::pages`).
#[actix_web::test]
async fn a_token_revoked_elsewhere_stops_within_the_token_cache() {
    for keep_ms in [0u64, 400] {
        let app = TestApp::builder()
            .settings(|s| s.token_cache = std::time::Duration::from_millis(keep_ms))
            .start()
            .await;
        let actor = gatehouse::access::Actor::new(gatehouse::access::ActorKind::Cli, "t");
        let dir = app.directory.id.clone();
        let issued = app
            .state
            .store
            .write_now(|c| {
                gatehouse::access::directories::issue_token(c, &dir, "second", &actor, 1)
            })
            .unwrap();
        let read = |t: &str| {
            app.request(Method::GET, "/scim/v2/Users")
                .header("Authorization", &format!("Bearer {t}"))
                .send()
        };
        let write = |t: &str, n: u32| {
            app.request(Method::POST, "/scim/v2/Users")
                .header("Authorization", &format!("Bearer {t}"))
                .json(&user_body(&format!("kept{keep_ms}-{n}@example.org")))
                .send()
        };
        assert_eq!(read(&issued.secret).await.status, 200);
        assert_eq!(write(&issued.secret, 0).await.status, 201);
        let revoked_at = std::time::Instant::now();
        app.state
            .store
            .write_now(|c| gatehouse::access::directories::revoke_token(c, &issued.id, &actor, 2))
            .unwrap();
        let mut n = 1;
        loop {
            // A request asked before the cache's time was up may still be
            // let in, however long it then takes to answer: each is judged
            // by when it was asked (judged when the loop looked, a read
            // asked at ~390 ms of 400 on a busy machine failed at 403).
            let read_asked = revoked_at.elapsed().as_millis();
            let r = read(&issued.secret).await.status;
            let write_asked = revoked_at.elapsed().as_millis();
            let w = write(&issued.secret, n).await.status;
            n += 1;
            if (r, w) == (401, 401) {
                break;
            }
            for (status, asked) in [(r, read_asked), (w, write_asked)] {
                assert!(
                    status == 401 || (keep_ms > 0 && asked < u128::from(keep_ms)),
                    "kept {keep_ms} ms: {status} for a request asked {asked} ms after the revocation"
                );
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert_eq!(read(&app.directory.token).await.status, 200);
    }
}

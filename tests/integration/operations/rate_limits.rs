//! `--rate-limit`: each token gets its rate and burst, then 429 with
//! `Retry-After`; other tokens, and health checks, are untouched.

use std::time::Duration;

use actix_web::http::Method;

use crate::support::TestApp;

#[actix_web::test]
async fn a_token_over_its_rate_is_answered_429_with_retry_after() {
    let app = TestApp::builder()
        .settings(|s| s.rate_limit = Some("1:3".parse().unwrap()))
        .start()
        .await;
    for _ in 0..3 {
        assert_eq!(app.get("/scim/v2/Users?count=1").await.status, 200);
    }
    let r = app.get("/scim/v2/Users?count=1").await;
    assert_eq!(r.status, 429, "{}", r.text);
    assert_eq!(r.json["status"], "429");
    assert_eq!(
        r.json["schemas"],
        serde_json::json!(["urn:ietf:params:scim:api:messages:2.0:Error"])
    );
    assert_eq!(r.header("retry-after").as_deref(), Some("1"));

    // Another directory's token, the admin API and health checks: their own.
    let other = app.other_directory("Entra ID");
    let r = app
        .request_as(&other.token, Method::GET, "/scim/v2/Users?count=1")
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(app.admin_get("/directories").await.status, 200);
    for _ in 0..5 {
        assert_eq!(app.get("/healthz").await.status, 200);
    }

    // The admin API answers in its own format.
    for _ in 0..3 {
        app.admin_get("/directories").await;
    }
    let r = app.admin_get("/directories").await;
    assert_eq!(r.status, 429, "{}", r.text);
    assert_eq!(r.json["code"], "too_many_requests");
    assert!(r.header("retry-after").is_some());

    // After the wait it names, the token may go on.
    actix_rt::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(app.get("/scim/v2/Users?count=1").await.status, 200);
}

/// A client that stops sending its body is cut off after the read
/// timeout (408), instead of holding the connection and the server's
/// shutdown for as long as it likes.
#[actix_web::test]
async fn a_stalled_body_is_cut_off_after_the_read_timeout() {
    use std::io::{Read, Write};

    let app = TestApp::builder()
        .settings(|s| s.read_timeout = Duration::from_secs(1))
        .start()
        .await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let token = app.directory.token.clone();
    let answer = actix_rt::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let head = format!(
            "POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/scim+json\r\nContent-Length: 100\r\n\r\n{{\"userName\""
        );
        stream.write_all(head.as_bytes()).unwrap();
        let started = std::time::Instant::now();
        let mut response = Vec::new();
        let mut buf = [0u8; 4096];
        // Read until the server answers and closes (or 10 s pass).
        while let Ok(n) = stream.read(&mut buf) {
            if n == 0 {
                break;
            }
            response.extend_from_slice(&buf[..n]);
            if response.windows(4).any(|w| w == b"\r\n\r\n") && response.ends_with(b"}") {
                break;
            }
        }
        (
            started.elapsed(),
            String::from_utf8_lossy(&response).into_owned(),
        )
    })
    .await
    .unwrap();
    let (waited, response) = answer;
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert!(response.contains("did not arrive within 1 s"), "{response}");
    assert!(waited < Duration::from_secs(5), "{waited:?}");
}

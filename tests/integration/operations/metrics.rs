//! `/metrics`: Prometheus text for admins, with requests by route, the
//! read queue, group commits, rate-limit refusals, requests per directory
//! and license use.

use actix_web::http::Method;

use crate::support::TestApp;

#[actix_web::test]
async fn metrics_describe_requests_queues_directories_and_licenses() {
    let app = TestApp::builder()
        .settings(|s| s.rate_limit = Some("1:3".parse().unwrap()))
        .start()
        .await;
    let product = app
        .create_product("metrics-site", "metrics-wiki", Some(25))
        .await;
    let key = product["key"].as_str().unwrap().to_owned();
    app.create_user("ann@metrics.test").await;
    // Over the burst of three: refused, and counted.
    for _ in 0..4 {
        app.get("/scim/v2/Users?count=1").await;
    }

    let r = app
        .request(Method::GET, "/metrics")
        .without_auth()
        .send()
        .await;
    assert_eq!(r.status, 401, "{}", r.text);
    // The admin token spent its burst making the product: wait for one more.
    actix_rt::time::sleep(std::time::Duration::from_millis(1100)).await;
    let r = app
        .request_as(&app.admin_token, Method::GET, "/metrics")
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        r.header("content-type").unwrap().starts_with("text/plain"),
        "{:?}",
        r.header("content-type")
    );
    let text = r.text;
    let directory = &app.directory.id;
    for expected in [
        "gatehouse_http_requests_total{route=\"/scim/v2/Users\",method=\"POST\",status=\"201\"}".to_owned(),
        "gatehouse_http_requests_total{route=\"/scim/v2/Users\",method=\"GET\",status=\"429\"}".to_owned(),
        "gatehouse_http_request_duration_seconds_bucket{route=\"/scim/v2/Users\",method=\"GET\",le=\"0.001\"}".to_owned(),
        format!("gatehouse_directory_requests_total{{directory=\"{directory}\"}}"),
        format!("gatehouse_licenses_used{{product=\"{key}\"}} 0"),
        format!("gatehouse_license_cap{{product=\"{key}\"}} 25"),
        "gatehouse_rate_limited_total ".to_owned(),
        "gatehouse_read_queue_wait_seconds_bucket".to_owned(),
        "gatehouse_read_queue_depth ".to_owned(),
        "gatehouse_readers_busy ".to_owned(),
        "gatehouse_writer_connections ".to_owned(),
        "gatehouse_writer_connections_busy ".to_owned(),
    ] {
        assert!(text.contains(&expected), "no {expected} in:\n{text}");
    }
    // Writes go through group commit on SQLite only.
    if let gatehouse::store::Backend::Sqlite = app.state.store.backend() {
        assert!(
            text.contains("gatehouse_group_commit_batch_size_bucket"),
            "{text}"
        );
    }
}

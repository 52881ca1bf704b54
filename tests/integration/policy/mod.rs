//! Access policy and self-service (seeds 000, 003, 004): the product API,
//! IT-only mode, requests, invitations, signups, guests, audit and reports.

mod access_report;
mod audit;
mod guests;
mod invitations;
mod it_only;
mod non_synced_report;
mod reports;
mod requests;
mod self_service;

use serde_json::Value;

use crate::support::TestApp;

/// Every line of an admin report's pages at `base` (a path with a query),
/// following `next_cursor` from `cursor` (from the first page without
/// one); a walk that has not ended after `most` pages fails.
async fn report_pages(
    app: &TestApp,
    base: &str,
    mut cursor: Option<String>,
    most: usize,
) -> Vec<Value> {
    let mut lines = Vec::new();
    for _ in 0..most {
        let path = match &cursor {
            Some(c) => format!("{base}&cursor={c}"),
            None => base.to_owned(),
        };
        let r = app.admin_get(&path).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        lines.extend(r.json["items"].as_array().unwrap().iter().cloned());
        match r.json["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return lines,
        }
    }
    panic!(
        "{base}: still more after {most} pages: {} lines",
        lines.len()
    );
}

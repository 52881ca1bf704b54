//! Attributes beyond the RFC schemas: extension schemas an admin registers
//! (`registered`), attributes a directory sends that no schema defines
//! (`unregistered`: kept, filterable, listed in sync health), and
//! directories that refuse those (`strict`). The helpers they share are
//! here.

mod registered;
mod strict;
mod unregistered;

use serde_json::Value;

use super::filter_query;
use crate::support::TestApp;

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

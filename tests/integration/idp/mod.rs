//! Replays of identity providers' real provisioning cycles.
//!
//! One file per IdP. Each test sends the requests that IdP really sends, in
//! its order (test connection, lookup before create, create, the IdP's own
//! update method, deactivation, group push, member changes in the IdP's
//! shape, rename, delete), to the real app over HTTP, and then checks what an
//! admin would expect to find. Every file names its sources at the top; a
//! body marked "(?)" is the RFC 7644 shape used where the IdP's exact bytes
//! are not published.
//!
//! `Replay` sends a step, asserts its status (printing what was sent and
//! answered when it differs) and keeps every status answered to the
//! directory's token, so a test can compare it with what sync health counted.

mod authentik;
mod entra;
mod google;
mod jumpcloud;
mod keycloak;
mod okta;
mod onelogin;
mod ping;

use std::collections::BTreeMap;

use actix_web::http::Method;
use serde_json::{json, Value};

pub use crate::scim::{filter_query, ENTERPRISE, GROUP, USER};
use crate::support::app::TestResponse;
use crate::support::TestApp;

pub const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// One recorded request: method, path below the SCIM base URL (with its
/// query string), body, and the status the server must answer.
pub type Step = (Method, String, Option<Value>, u16);

/// An IdP talking to the app with the directory's token.
pub struct Replay<'a> {
    pub app: &'a TestApp,
    /// The SCIM base URL path the IdP was configured with.
    pub base: String,
    headers: Vec<(String, String)>,
    content_type: String,
    /// Every status answered so far, in order.
    pub statuses: Vec<u16>,
}

impl<'a> Replay<'a> {
    /// An IdP configured with the short base URL `/scim/v2`.
    pub fn new(app: &'a TestApp) -> Self {
        Self::with_base(app, "/scim/v2")
    }

    /// An IdP configured with the directory's full base URL, as printed by
    /// `gatehouse directory create`.
    pub fn directory_url(app: &'a TestApp) -> Self {
        let base = format!("/scim/v2/directories/{}", app.directory.id);
        Self::with_base(app, &base)
    }

    pub fn with_base(app: &'a TestApp, base: &str) -> Self {
        Replay {
            app,
            base: base.to_owned(),
            headers: Vec::new(),
            content_type: "application/scim+json".to_owned(),
            statuses: Vec::new(),
        }
    }

    /// A header the IdP sends on every request (e.g. its User-Agent).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The Content-Type of bodies (default `application/scim+json`).
    pub fn content_type(mut self, value: &str) -> Self {
        value.clone_into(&mut self.content_type);
        self
    }

    /// Sends one request and asserts its status.
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        expect: u16,
    ) -> TestResponse {
        let mut req = self
            .app
            .request(method.clone(), &format!("{}{path}", self.base));
        for (name, value) in &self.headers {
            req = req.header(name, value);
        }
        if let Some(body) = body {
            req = req.raw(&self.content_type, body.to_string().into_bytes());
        }
        let r = req.send().await;
        self.statuses.push(r.status);
        let sent = body.map(Value::to_string).unwrap_or_default();
        assert_eq!(
            r.status, expect,
            "{method} {path}\n  sent: {sent}\n  answered: {}",
            r.text
        );
        r
    }

    /// Runs recorded steps in order; returns the responses.
    pub async fn run(&mut self, steps: Vec<Step>) -> Vec<TestResponse> {
        let mut out = Vec::with_capacity(steps.len());
        for (method, path, body, expect) in steps {
            out.push(self.send(method, &path, body.as_ref(), expect).await);
        }
        out
    }

    pub async fn get(&mut self, path: &str, expect: u16) -> TestResponse {
        self.send(Method::GET, path, None, expect).await
    }

    pub async fn post(&mut self, path: &str, body: &Value, expect: u16) -> TestResponse {
        self.send(Method::POST, path, Some(body), expect).await
    }

    pub async fn put(&mut self, path: &str, body: &Value, expect: u16) -> TestResponse {
        self.send(Method::PUT, path, Some(body), expect).await
    }

    /// A PATCH with a PatchOp body around these operations.
    pub async fn patch(&mut self, path: &str, operations: Value, expect: u16) -> TestResponse {
        let body = patch_body(operations);
        self.send(Method::PATCH, path, Some(&body), expect).await
    }

    pub async fn delete(&mut self, path: &str, expect: u16) -> TestResponse {
        self.send(Method::DELETE, path, None, expect).await
    }

    /// The statuses answered so far, counted as sync health counts them.
    pub fn by_status(&self) -> Value {
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for s in &self.statuses {
            *counts.entry(s.to_string()).or_default() += 1;
        }
        json!(counts)
    }
}

/// A PatchOp request body.
pub fn patch_body(operations: Value) -> Value {
    json!({"schemas": [PATCH_OP], "Operations": operations})
}

/// `?filter=` value for a filter expression.
pub fn q(filter: &str) -> String {
    filter_query(filter)
}

/// `/{resource}?filter=…`, the filter encoded.
pub fn filtered(resource: &str, filter: &str) -> String {
    format!("/{resource}?filter={}", q(filter))
}

/// Whether a resource lists this schema URN.
pub fn lists_schema(resource: &Value, urn: &str) -> bool {
    resource["schemas"]
        .as_array()
        .is_some_and(|s| s.iter().any(|u| u == urn))
}

/// The id of a resource JSON.
pub fn id(v: &TestResponse) -> String {
    v.json["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {}", v.text))
        .to_owned()
}

/// The sorted `value`s of a group's members.
pub fn members(group: &Value) -> Vec<String> {
    crate::scim::sorted_values(&group["members"])
}

/// Sorted owned strings.
pub fn sorted(ids: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
    v.sort();
    v
}

/// The ids of a ListResponse's resources, in order.
pub fn listed(r: &TestResponse) -> Vec<String> {
    r.json["Resources"]
        .as_array()
        .unwrap_or_else(|| panic!("not a ListResponse: {}", r.text))
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The directory's sync health, read with the admin token (asserting 200).
pub async fn sync_health(app: &TestApp) -> Value {
    let r = app
        .admin_get(&format!("/directories/{}/sync-health", app.directory.id))
        .await;
    assert_eq!(r.status, 200, "sync-health: {}", r.text);
    r.json
}

/// Sets the directory's `strict_schema` (asserting 200).
pub async fn set_strict_schema(app: &TestApp, strict: bool) -> TestResponse {
    let r = app
        .admin(Method::PATCH, &format!("/directories/{}", app.directory.id))
        .raw(
            "application/json",
            json!({"strict_schema": strict}).to_string().into_bytes(),
        )
        .send()
        .await;
    assert_eq!(r.status, 200, "set strict_schema: {}", r.text);
    r
}

/// The issues of one kind, newest first.
pub fn issues_of<'v>(health: &'v Value, kind: &str) -> Vec<&'v Value> {
    health["issues"]
        .as_array()
        .unwrap_or_else(|| panic!("no issues array in {health}"))
        .iter()
        .filter(|i| i["kind"] == kind)
        .collect()
}

/// The unregistered-attribute entry for this resource type, schema and name.
pub fn unregistered<'v>(
    health: &'v Value,
    resource_type: &str,
    schema: Option<&str>,
    name: &str,
) -> &'v Value {
    let schema = schema.map_or(Value::Null, |s| json!(s));
    health["unregistered_attributes"]
        .as_array()
        .unwrap_or_else(|| panic!("no unregistered_attributes array in {health}"))
        .iter()
        .find(|a| a["resource_type"] == resource_type && a["schema"] == schema && a["name"] == name)
        .unwrap_or_else(|| panic!("{resource_type} {schema} {name} not listed in {health}"))
}

/// Asserts a clean cycle: no issue of any kind recorded.
pub fn assert_no_issues(health: &Value) {
    assert_eq!(health["issues"], json!([]), "{health}");
}

//! A running Gatehouse on an ephemeral loopback port, and an HTTP client.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::http::Method;
use gatehouse::access::{admins, directories, Actor, ActorKind, WriteContext};
use gatehouse::clock::{Clock, SystemClock};
use gatehouse::config::Settings;
use gatehouse::http::tls::ServerCertificate;
use gatehouse::AppState;
use serde_json::Value;

use super::db::TestDb;

/// A directory created for a test, with its token.
#[derive(Debug, Clone)]
pub struct TestDirectory {
    pub id: String,
    pub token: String,
}

/// The app under test.
pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub directory: TestDirectory,
    /// An admin API token.
    pub admin_token: String,
    /// A product API token.
    pub product_token: String,
    server: actix_web::dev::ServerHandle,
    /// With `settings.tls`: the certificate served, watched for changes
    /// every 100 ms.
    _tls: Option<Arc<ServerCertificate>>,
    // Dropped last: the database outlives the server.
    _db: TestDb,
}

/// What came back.
#[derive(Debug)]
pub struct TestResponse {
    pub status: u16,
    pub headers: actix_web::http::header::HeaderMap,
    pub text: String,
    pub json: Value,
}

impl TestResponse {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

/// Settings a test may change before the app starts.
pub struct TestAppBuilder {
    settings: Settings,
    db: Option<TestDb>,
    clock: Arc<dyn Clock>,
}

impl TestAppBuilder {
    /// Changes the settings.
    pub fn settings(mut self, f: impl FnOnce(&mut Settings)) -> Self {
        f(&mut self.settings);
        self
    }

    /// Reads time from this clock (e.g. a `FixedClock` a test moves).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Runs on this database instead of the run's default.
    pub fn database(mut self, db: TestDb) -> Self {
        self.db = Some(db);
        self
    }

    /// Starts the app.
    pub async fn start(mut self) -> TestApp {
        let db = self.db.take().unwrap_or_else(TestDb::new);
        self.settings.database_url = db.url.clone();
        self.settings.pool_size = 4;
        let state = gatehouse::open_state(self.settings, self.clock.clone()).expect("open state");
        let directory = create_directory(&state, "Test IdP");
        let admin_token = state
            .store
            .write_now(|conn| {
                let ctx = WriteContext::local(&test_actor(), SystemClock.now_micros());
                admins::issue(conn, &ctx, &org_admin_token("test"))
            })
            .unwrap()
            .secret;
        let product_token = state
            .store
            .write_now(|conn| {
                admins::issue_product_token(conn, "test", &test_actor(), SystemClock.now_micros())
            })
            .unwrap()
            .secret;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let app_state = state.clone();
        let server = actix_web::HttpServer::new(move || gatehouse::build_app(app_state.clone()))
            .workers(2)
            .disable_signals();
        let tls = state.settings.tls.as_ref().map(|files| {
            let certificate = ServerCertificate::load(files).expect("TLS files load");
            certificate.watch(std::time::Duration::from_millis(100));
            certificate
        });
        let server = match &tls {
            Some(certificate) => {
                server.listen_rustls_0_23(listener, certificate.server_config().unwrap())
            }
            None => server.listen(listener),
        }
        .unwrap()
        .run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        let scheme = gatehouse::http::tls::scheme(tls.is_some());
        TestApp {
            _tls: tls,
            base: format!("{scheme}://127.0.0.1:{port}"),
            state,
            directory,
            admin_token,
            product_token,
            server: handle,
            _db: db,
        }
    }
}

fn test_actor() -> Actor {
    Actor::new(ActorKind::Cli, "test")
}

/// Creates a directory straight through the domain layer.
pub fn create_directory(state: &AppState, name: &str) -> TestDirectory {
    let actor = test_actor();
    let (dir, token) = state
        .store
        .write_now(|conn| {
            directories::create_directory(conn, name, &actor, SystemClock.now_micros())
        })
        .unwrap();
    TestDirectory {
        id: dir.id,
        token: token.secret,
    }
}

impl TestApp {
    /// An app with default settings.
    pub async fn new() -> TestApp {
        TestApp::builder().start().await
    }

    /// An app with settings to adjust.
    pub fn builder() -> TestAppBuilder {
        TestAppBuilder {
            settings: Settings::default(),
            db: None,
            clock: Arc::new(SystemClock),
        }
    }

    /// Another directory in the same app.
    pub fn other_directory(&self, name: &str) -> TestDirectory {
        create_directory(&self.state, name)
    }

    /// A request with this app's directory token.
    pub fn request(&self, method: Method, path: &str) -> TestRequest {
        TestRequest {
            url: format!("{}{path}", self.base),
            method,
            headers: vec![(
                "Authorization".into(),
                format!("Bearer {}", self.directory.token),
            )],
            body: None,
        }
    }

    /// A request with a given bearer token.
    pub fn request_as(&self, token: &str, method: Method, path: &str) -> TestRequest {
        self.request(method, path)
            .header("Authorization", &format!("Bearer {token}"))
    }

    /// An admin API request (`path` below `/admin/v1`) with the admin token.
    pub fn admin(&self, method: Method, path: &str) -> TestRequest {
        self.request_as(&self.admin_token, method, &format!("/admin/v1{path}"))
    }

    /// A scoped admin token, made through the API by the org admin:
    /// `scope` is e.g. `{"product": "jira-software"}` or `{"site": "acme"}`.
    pub async fn scoped_token(&self, role: &str, scope: &Value) -> String {
        let mut body = serde_json::json!({"role": role, "name": role});
        if let (Some(body), Some(scope)) = (body.as_object_mut(), scope.as_object()) {
            body.extend(scope.clone());
        }
        let r = self.admin_post("/admin-tokens", &body).await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.json["token"].as_str().unwrap().to_owned()
    }

    /// A token of each admin role, with the role's letter in the role
    /// tables (O, S, U, A) and its name; the scoped ones over site "acme"
    /// and its product "jira-software", which the caller makes.
    pub async fn role_tokens(&self) -> Vec<(char, &'static str, String)> {
        vec![
            ('O', "org-admin", self.admin_token.clone()),
            (
                'S',
                "site-admin",
                self.scoped_token("site-admin", &serde_json::json!({"site": "acme"}))
                    .await,
            ),
            (
                'U',
                "user-access-admin",
                self.scoped_token(
                    "user-access-admin",
                    &serde_json::json!({"product": "jira-software"}),
                )
                .await,
            ),
            (
                'A',
                "auditor",
                self.scoped_token("auditor", &serde_json::json!({})).await,
            ),
        ]
    }

    /// An admin API request (`path` below `/admin/v1`) with `token`, and a JSON body.
    pub async fn admin_send_as(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> TestResponse {
        let request = self.request_as(token, method, &format!("/admin/v1{path}"));
        match body {
            Some(body) => request.raw("application/json", body.to_string().into_bytes()),
            None => request,
        }
        .send()
        .await
    }

    pub async fn admin_get(&self, path: &str) -> TestResponse {
        self.admin(Method::GET, path).send().await
    }

    pub async fn admin_post(&self, path: &str, body: &Value) -> TestResponse {
        self.admin(Method::POST, path)
            .raw("application/json", body.to_string().into_bytes())
            .send()
            .await
    }

    pub async fn admin_delete(&self, path: &str) -> TestResponse {
        self.admin(Method::DELETE, path).send().await
    }

    /// A product API request (`path` below `/api/v1`) with the product token.
    pub async fn api_post(&self, path: &str, body: &Value) -> TestResponse {
        self.request_as(&self.product_token, Method::POST, &format!("/api/v1{path}"))
            .raw("application/json", body.to_string().into_bytes())
            .send()
            .await
    }

    pub async fn api_get(&self, path: &str) -> TestResponse {
        self.request_as(&self.product_token, Method::GET, &format!("/api/v1{path}"))
            .send()
            .await
    }

    /// Sets policy fields (asserting 200); `query` is e.g. `?site=…`.
    pub async fn set_policy(&self, query: &str, fields: &Value) -> TestResponse {
        let r = self
            .admin(Method::PUT, &format!("/policy{query}"))
            .raw("application/json", fields.to_string().into_bytes())
            .send()
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        r
    }

    /// The audit actions recorded so far, oldest first.
    pub async fn audit_actions(&self, query: &str) -> Vec<String> {
        let r = self.admin_get(&format!("/audit?limit=1000{query}")).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Creates a site and a product on it (asserting 201); returns the product.
    pub async fn create_product(&self, site: &str, key: &str, cap: Option<i64>) -> Value {
        let r = self.admin_get("/sites").await;
        let exists = r.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == site);
        if !exists {
            let r = self
                .admin_post("/sites", &serde_json::json!({"name": site}))
                .await;
            assert_eq!(r.status, 201, "{}", r.text);
        }
        let r = self
            .admin_post(
                "/products",
                &serde_json::json!({"site": site, "key": key, "license_cap": cap}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.json
    }

    /// Maps a group (id or name) to a product role (asserting 201).
    pub async fn map(&self, group: &str, product: &str, role: &str) -> Value {
        let r = self
            .admin_post(
                "/mappings",
                &serde_json::json!({"group": group, "product": product, "role": role}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.json
    }

    /// The `<product>:<role>` values a user holds, per the admin API.
    pub async fn entitlements(&self, user_id: &str) -> Vec<String> {
        let r = self.admin_get(&format!("/users/{user_id}/access")).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let mut out: Vec<String> = r.json["entitlements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                format!(
                    "{}:{}",
                    e["product"].as_str().unwrap(),
                    e["role"].as_str().unwrap()
                )
            })
            .collect();
        out.sort();
        out
    }

    /// Licenses used by a product, as the API answers (the kept count);
    /// checked against a count of the entitlements themselves, so every
    /// test that reads a license count also checks that the kept licenses
    /// followed whatever it changed.
    pub async fn licenses_used(&self, product: &str) -> i64 {
        let r = self
            .admin_get(&format!("/products/{product}/licenses"))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let kept = r.json["used"].as_i64().unwrap();
        let key = r.json["product"].as_str().unwrap().to_owned();
        let counted = self
            .state
            .store
            .read_now(|c| {
                gatehouse::store::entitlements::counted_licenses(c, &key)
                    .map_err(gatehouse::store::StoreError::from)
            })
            .unwrap();
        assert_eq!(kept, counted, "kept and counted licenses of {key}");
        // The groups' kept counts answer the holders' totals beside them.
        self.assert_group_counts_kept();
        kept
    }

    /// Every group's kept counts (its users, and those holding access)
    /// agree with its memberships counted now.
    pub fn assert_group_counts_kept(&self) {
        let drifted = self
            .state
            .store
            .read_now(|c| {
                gatehouse::store::group_counts::drifted(c)
                    .map_err(gatehouse::store::StoreError::from)
            })
            .unwrap();
        assert!(
            drifted.is_empty(),
            "kept and counted users of groups {drifted:?}"
        );
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.request(Method::GET, path).send().await
    }

    pub async fn post(&self, path: &str, body: &Value) -> TestResponse {
        self.request(Method::POST, path).json(body).send().await
    }

    pub async fn put(&self, path: &str, body: &Value) -> TestResponse {
        self.request(Method::PUT, path).json(body).send().await
    }

    pub async fn delete(&self, path: &str) -> TestResponse {
        self.request(Method::DELETE, path).send().await
    }

    /// Creates a user and returns its JSON (asserting 201).
    pub async fn create_user(&self, user_name: &str) -> Value {
        let r = self
            .post("/scim/v2/Users", &crate::scim::user_body(user_name))
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.json
    }

    /// Creates a group with these member ids and returns its JSON.
    pub async fn create_group(&self, name: &str, members: &[&str]) -> Value {
        let members: Vec<Value> = members
            .iter()
            .map(|m| serde_json::json!({"value": m}))
            .collect();
        let body = serde_json::json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": name,
            "members": members,
        });
        let r = self.post("/scim/v2/Groups", &body).await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.json
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop accepting; the runtime ends with the test anyway.
        drop(self.server.stop(false));
    }
}

/// A request being built.
pub struct TestRequest {
    url: String,
    method: Method,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
}

impl TestRequest {
    /// Sets a header (replacing one of the same name).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sends no Authorization header.
    pub fn without_auth(mut self) -> Self {
        self.headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
        self
    }

    /// A JSON body sent as application/scim+json.
    pub fn json(self, body: &Value) -> Self {
        self.raw("application/scim+json", body.to_string().into_bytes())
    }

    /// A raw body with a content type.
    pub fn raw(mut self, content_type: &str, body: Vec<u8>) -> Self {
        self = self.header("Content-Type", content_type);
        self.body = Some(body);
        self
    }

    pub async fn send(self) -> TestResponse {
        let client = awc::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .finish();
        let mut req = client.request(self.method, &self.url);
        for (n, v) in &self.headers {
            req = req.insert_header((n.as_str(), v.as_str()));
        }
        let mut res = match self.body {
            Some(b) => req.send_body(b).await,
            None => req.send().await,
        }
        .expect("request failed");
        let bytes = res.body().limit(256 * 1024 * 1024).await.expect("body");
        let text = String::from_utf8_lossy(&bytes).into_owned();
        TestResponse {
            status: res.status().as_u16(),
            headers: res.headers().clone(),
            json: serde_json::from_str(&text).unwrap_or(Value::Null),
            text,
        }
    }
}

/// What an org admin's token is made with.
pub fn org_admin_token(name: &str) -> gatehouse::access::admins::TokenSpec {
    gatehouse::access::admins::TokenSpec {
        name: name.into(),
        held: gatehouse::access::roles::Held::whole(gatehouse::access::roles::Role::OrgAdmin),
        expires_at: None,
    }
}

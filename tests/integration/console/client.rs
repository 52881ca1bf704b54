//! A console client for HTTP-level tests: keeps the session cookie, never
//! follows redirects (tests look at them), sends forms the way a browser
//! does (same-origin `Origin`), and reads each page's CSRF token.

use actix_web::http::header::HeaderMap;
use actix_web::http::Method;
use gatehouse::access::console_sessions;
use gatehouse::access::{Actor, ActorKind};

use crate::support::TestApp;

/// What came back.
pub struct Page {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Page {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// The CSRF token the page's forms carry.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let at = self
            .text
            .find(marker)
            .expect("the page has a form with a CSRF token")
            + marker.len();
        self.text[at..]
            .split('"')
            .next()
            .unwrap_or_default()
            .to_owned()
    }
}

/// A browser's worth of console state: the session cookie.
pub struct Console<'a> {
    pub app: &'a TestApp,
    pub cookie: Option<String>,
    client: awc::Client,
}

/// Issues a one-time sign-in link's code, as `gatehouse console link` does.
pub async fn link_code(app: &TestApp) -> String {
    let now = app.state.clock.now_micros();
    let operator = Actor::new(ActorKind::Cli, "operator");
    app.state
        .store
        .write(move |conn| console_sessions::issue_link(conn, &operator, now))
        .await
        .map(|l| l.secret)
        .expect("a link")
}

impl<'a> Console<'a> {
    pub fn new(app: &'a TestApp) -> Console<'a> {
        Console {
            app,
            cookie: None,
            client: awc::Client::builder()
                .disable_redirects()
                .timeout(std::time::Duration::from_secs(60))
                .finish(),
        }
    }

    /// Signs in with a fresh link; panics unless it works.
    pub async fn signed_in(app: &'a TestApp) -> Console<'a> {
        let mut console = Console::new(app);
        let code = link_code(app).await;
        let page = console.post("/console/sign-in", &[("code", &code)]).await;
        assert_eq!(page.status, 303, "{}", page.text);
        console
    }

    async fn send(
        &mut self,
        method: Method,
        path: &str,
        form: Option<String>,
        extra: &[(&str, &str)],
    ) -> Page {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.app.base));
        if let Some(c) = &self.cookie {
            req = req.insert_header((
                "Cookie",
                format!("{}={c}", gatehouse::http::console::COOKIE),
            ));
        }
        let mut has_origin = false;
        for (n, v) in extra {
            has_origin |= n.eq_ignore_ascii_case("origin");
            req = req.insert_header((*n, *v));
        }
        let mut res = match form {
            Some(body) => {
                if !has_origin {
                    req = req.insert_header(("Origin", self.app.base.as_str()));
                }
                req.insert_header(("Content-Type", "application/x-www-form-urlencoded"))
                    .send_body(body)
                    .await
            }
            None => req.send().await,
        }
        .expect("request failed");
        let bytes = res.body().limit(64 * 1024 * 1024).await.expect("body");
        // Keep what the server sets, as a browser does.
        let prefix = format!("{}=", gatehouse::http::console::COOKIE);
        for set in res.headers().get_all("set-cookie") {
            let set = set.to_str().unwrap_or_default();
            if let Some(rest) = set.strip_prefix(&prefix) {
                let value = rest.split(';').next().unwrap_or_default();
                self.cookie = Some(value.to_owned()).filter(|v| !v.is_empty());
            }
        }
        Page {
            status: res.status().as_u16(),
            headers: res.headers().clone(),
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        self.send(Method::GET, path, None, &[]).await
    }

    /// A GET with extra headers (another cookie, say).
    pub async fn get_with(&mut self, path: &str, headers: &[(&str, &str)]) -> Page {
        self.send(Method::GET, path, None, headers).await
    }

    /// A form post, from this origin.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.post_with(path, fields, &[]).await
    }

    /// A form post with extra headers.
    pub async fn post_with(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.send(Method::POST, path, Some(body), headers).await
    }

    /// A form post carrying the CSRF token of the page at `from`.
    pub async fn submit(&mut self, from: &str, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.get(from).await.csrf();
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post(path, &all).await
    }
}

//! A SCIM client that times every request.

use std::time::{Duration, Instant};

use awc::http::Method;
use serde_json::Value;

use crate::stats::Shared;

/// Where to send requests, and how to authenticate.
#[derive(Clone)]
pub struct Scim {
    client: awc::Client,
    base: String,
    token: Option<String>,
    /// A new connection per request, for servers that close every
    /// connection (HTTP/1.0, like Python's wsgiref), which upset awc's pool.
    fresh_connections: bool,
}

fn new_client() -> awc::Client {
    awc::Client::builder()
        .timeout(Duration::from_secs(120))
        .max_http_version(awc::http::Version::HTTP_11)
        .finish()
}

/// An answer's body, parsed only when a scenario reads it: parsing every
/// body into a `Value` was a fifth of the driver's CPU, which it shares
/// with the server under test.
pub struct Answer {
    bytes: Vec<u8>,
}

impl Answer {
    /// The body as JSON (Null when empty or not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }

    /// A list response's `totalResults`, read without building the rest.
    pub fn total_results(&self) -> Option<u64> {
        #[derive(serde::Deserialize)]
        struct Total {
            #[serde(rename = "totalResults")]
            total: u64,
        }
        serde_json::from_slice::<Total>(&self.bytes)
            .ok()
            .map(|t| t.total)
    }
}

impl Scim {
    pub fn new(base: &str, token: Option<String>, fresh_connections: bool) -> Scim {
        Scim {
            client: new_client(),
            base: base.trim_end_matches('/').to_owned(),
            token,
            fresh_connections,
        }
    }

    /// Sends a request, records its latency under `op` in `rec`, and checks
    /// the status is one of `ok`; anything else is recorded as an error.
    pub async fn send(
        &self,
        rec: &Shared,
        op: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
        ok: &[u16],
    ) -> Option<Answer> {
        let url = format!("{}{path}", self.base);
        let fresh;
        let client = if self.fresh_connections {
            fresh = new_client();
            &fresh
        } else {
            &self.client
        };
        let mut req = client.request(method, &url);
        if let Some(t) = &self.token {
            req = req.insert_header(("Authorization", format!("Bearer {t}")));
        }
        let started = Instant::now();
        let sent = match body {
            Some(b) => {
                req.insert_header(("Content-Type", "application/scim+json"))
                    .send_body(b.to_string())
                    .await
            }
            None => req.send().await,
        };
        let mut response = match sent {
            Ok(r) => r,
            Err(e) => {
                rec.error(op, format!("{e}"));
                return None;
            }
        };
        let bytes = match response.body().limit(512 * 1024 * 1024).await {
            Ok(b) => b,
            Err(e) => {
                rec.error(op, format!("{e}"));
                return None;
            }
        };
        rec.sample(op, started.elapsed());
        let status = response.status().as_u16();
        if !ok.contains(&status) {
            rec.error(
                op,
                format!(
                    "{status} {}",
                    String::from_utf8_lossy(&bytes)
                        .chars()
                        .take(200)
                        .collect::<String>()
                ),
            );
            return None;
        }
        Some(Answer {
            bytes: bytes.to_vec(),
        })
    }
}

/// URL-encodes a filter.
pub fn q(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

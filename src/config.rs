//! Typed settings, built once (defaults, then `GATEHOUSE_*` environment,
//! then command-line flags) and passed to whatever needs them.

use std::time::Duration;

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log shippers.
    Json,
}

/// Everything the server can be told.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on, e.g. `127.0.0.1:8080`.
    pub listen: String,
    /// `sqlite://path` (default) or `postgres://…`.
    pub database_url: String,
    /// The URL clients reach the server at (behind a proxy, say); when unset,
    /// each response derives it from the request's Host.
    pub public_url: Option<String>,
    /// Largest request body accepted, in bytes (413 above it).
    pub max_payload_bytes: usize,
    /// Most resources returned in one list page.
    pub max_page_size: u64,
    /// Database connections per pool.
    pub pool_size: u32,
    /// How long a request waits for a database connection.
    pub pool_timeout: Duration,
    /// How long one read may run before the database stops it (503 with
    /// Retry-After); `None`: unlimited.
    pub statement_timeout: Option<Duration>,
    /// How long a directory token found live is taken as live without
    /// being read again (`access::live_tokens`); zero: read on every
    /// request. A token revoked through this server stops at once; one
    /// revoked elsewhere (the CLI, another replica) within this.
    pub token_cache: Duration,
    /// Seconds given to in-flight requests at shutdown.
    pub shutdown_timeout_secs: u64,
    /// How long after SIGTERM the server keeps serving (every response
    /// closing its connection, `/readyz` failing) before it stops accepting.
    pub shutdown_drain: Duration,
    /// How long a client may take to send a request's head and body
    /// before it is cut off (a stalled upload otherwise holds a
    /// connection, and shutdown, for as long as it likes).
    pub read_timeout: Duration,
    /// How long the server waits at start for an unreachable database,
    /// retrying with backoff and answering health checks meanwhile.
    pub database_wait: Duration,
    /// A separate address serving `/metrics` without a token (e.g. a
    /// private interface for Prometheus); `None`: only the main listener's
    /// `/metrics`, for admins.
    pub metrics_listen: Option<String>,
    /// Requests per second each credential (token) may make; `None`: no limit.
    pub rate_limit: Option<RateLimit>,
    /// The certificate and key to serve HTTPS with; `None`: plain HTTP
    /// (behind a proxy that terminates TLS).
    pub tls: Option<TlsFiles>,
    pub log_format: LogFormat,
    /// Console sign-in with the company's OpenID provider; `None`: only
    /// the operator's link and admin tokens.
    pub oidc: Option<OidcSettings>,
}

/// The OpenID Connect client the console signs admins in with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcSettings {
    /// The issuer URL; its `/.well-known/openid-configuration` is read.
    pub issuer: String,
    pub client_id: String,
    /// `None`: a public client (PKCE alone).
    pub client_secret: Option<String>,
}

/// PEM files: the certificate chain (leaf first) and its private key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: std::path::PathBuf,
    pub key: std::path::PathBuf,
}

/// A rate per credential: `per_second` on average, up to `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub per_second: std::num::NonZeroU32,
    pub burst: std::num::NonZeroU32,
}

impl std::str::FromStr for RateLimit {
    type Err = String;

    /// `RATE` or `RATE:BURST`, e.g. `50` (a burst of 50) or `50:200`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let number = |s: &str| {
            s.trim()
                .parse::<std::num::NonZeroU32>()
                .map_err(|_| format!("'{s}' is not a positive whole number"))
        };
        let (rate, burst) = match text.split_once(':') {
            Some((rate, burst)) => (number(rate)?, number(burst)?),
            None => (number(text)?, number(text)?),
        };
        Ok(RateLimit {
            per_second: rate,
            burst,
        })
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: "127.0.0.1:8080".into(),
            database_url: "sqlite://gatehouse.db".into(),
            public_url: None,
            max_payload_bytes: 1024 * 1024,
            max_page_size: 200,
            pool_size: 16,
            pool_timeout: Duration::from_secs(30),
            statement_timeout: Some(Duration::from_secs(30)),
            token_cache: Duration::from_secs(1),
            shutdown_timeout_secs: 30,
            shutdown_drain: Duration::from_secs(2),
            read_timeout: Duration::from_secs(30),
            rate_limit: None,
            metrics_listen: None,
            database_wait: Duration::from_secs(300),
            tls: None,
            log_format: LogFormat::Text,
            oidc: None,
        }
    }
}

/// Environment variables Gatehouse reads; any other `GATEHOUSE_*` variable
/// is reported at start, since it is most likely a typo.
pub const KNOWN_ENV: &[&str] = &[
    "GATEHOUSE_LISTEN",
    "GATEHOUSE_PUBLIC_URL",
    "GATEHOUSE_OIDC_ISSUER",
    "GATEHOUSE_OIDC_CLIENT_ID",
    "GATEHOUSE_OIDC_CLIENT_SECRET",
    "GATEHOUSE_MAX_PAYLOAD_BYTES",
    "GATEHOUSE_MAX_PAGE_SIZE",
    "GATEHOUSE_POOL_SIZE",
    "GATEHOUSE_LOG_FORMAT",
    "GATEHOUSE_RATE_LIMIT",
    "GATEHOUSE_METRICS_LISTEN",
    "GATEHOUSE_DATABASE_WAIT",
    "GATEHOUSE_SHUTDOWN_TIMEOUT",
    "GATEHOUSE_SHUTDOWN_DRAIN",
    "GATEHOUSE_READ_TIMEOUT",
    "GATEHOUSE_STATEMENT_TIMEOUT",
    "GATEHOUSE_TOKEN_CACHE",
    "GATEHOUSE_TLS_CERT",
    "GATEHOUSE_TLS_KEY",
    // Read by the test suite only.
    "GATEHOUSE_TEST_POSTGRES",
    "GATEHOUSE_BROWSER_REQUIRED",
    "GATEHOUSE_SCREENSHOTS",
];

/// Names of `GATEHOUSE_*` variables in `vars` that Gatehouse does not know.
pub fn unknown_env_vars(vars: impl Iterator<Item = String>) -> Vec<String> {
    vars.filter(|k| k.starts_with("GATEHOUSE_") && !KNOWN_ENV.contains(&k.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_gatehouse_variables_are_reported() {
        let vars = [
            "GATEHOUSE_LISTEN",
            "GATEHOUSE_LISTN",
            "PATH",
            "GATEHOUSE_POOL_SIZE",
        ]
        .into_iter()
        .map(String::from);
        assert_eq!(unknown_env_vars(vars), ["GATEHOUSE_LISTN"]);
    }
}

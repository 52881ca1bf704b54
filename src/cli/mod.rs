//! The command line: `serve`, `migrate`, and the operator commands for
//! directories and their tokens; the access-model commands are in `access`.

mod access;
mod admins;
mod common;
mod console;
mod idp;
mod policy;

pub use common::{CliError, DatabaseArgs};

use common::{open_store, operator};

use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use serde_json::json;

use crate::access::directories;
use crate::clock::{Clock, SystemClock};
use crate::config::{self, LogFormat, Settings};
use crate::store::{self, StoreError};

/// Gatehouse: a SCIM 2.0 provisioning server.
#[derive(Debug, Parser)]
#[command(name = "gatehouse", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The URL clients use to reach the server.
#[derive(Debug, Args, Clone)]
pub struct PublicUrlArgs {
    /// Base URL clients reach Gatehouse at (used in printed SCIM URLs);
    /// by default the address the server is configured to listen on.
    #[arg(long, env = "GATEHOUSE_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The server's listen address (as `serve --listen`), for the printed
    /// URL when no public URL is set.
    #[arg(long, env = "GATEHOUSE_LISTEN", default_value_t = Settings::default().listen)]
    pub listen: String,
}

impl PublicUrlArgs {
    /// The base URL the running server answers on: the public URL, else
    /// `http://` and the listen address (an unspecified host, `0.0.0.0` or
    /// `[::]`, printed as `localhost`).
    pub fn base(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => {
                let (host, port) = self
                    .listen
                    .rsplit_once(':')
                    .unwrap_or((self.listen.as_str(), "8080"));
                let host = match host {
                    "0.0.0.0" | "[::]" | "" => "localhost",
                    h => h,
                };
                format!("http://{host}:{port}")
            }
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs the HTTP server.
    Serve(ServeArgs),
    /// Applies pending database migrations and exits.
    Migrate(DatabaseArgs),
    /// Manages directories (IdP connections).
    #[command(subcommand)]
    Directory(DirectoryCommand),
    /// Manages a directory's SCIM bearer tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Manages scoped admin API tokens.
    #[command(subcommand, name = "admin-token")]
    AdminToken(admins::AdminTokenCommand),
    /// Grants and revokes admin roles (org-admin, site-admin,
    /// user-access-admin, auditor) held by persons or IdP groups.
    #[command(subcommand)]
    Admin(admins::AdminCommand),
    /// Manages sites.
    #[command(subcommand)]
    Site(access::SiteCommand),
    /// Manages products.
    #[command(subcommand)]
    Product(access::ProductCommand),
    /// Maps a group (id or displayName) to a product role.
    Map(access::MapArgs),
    /// Prints a user's effective access and the groups granting it.
    Access(access::AccessArgs),
    /// Prints license use per product.
    Licenses(access::LicensesArgs),
    /// Manages product API tokens.
    #[command(subcommand, name = "product-token")]
    ProductToken(policy::ProductTokenCommand),
    /// Shows or sets the access policy (IT-only mode and self-service).
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Reviews access requests.
    #[command(subcommand)]
    Requests(policy::RequestsCommand),
    /// Prints a report: access, non-synced-access, licenses or leavers.
    Report(policy::ReportArgs),
    /// Manages extension schemas (RFC 7643 §7) for users and groups.
    #[command(subcommand)]
    Schema(idp::SchemaCommand),
    /// The web console: `console link` prints a one-time sign-in link.
    #[command(subcommand)]
    Console(console::ConsoleCommand),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "GATEHOUSE_LISTEN", default_value_t = Settings::default().listen)]
    pub listen: String,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Public base URL (when behind a proxy); by default taken from each request.
    #[arg(long, env = "GATEHOUSE_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Largest accepted request body in bytes.
    #[arg(long, env = "GATEHOUSE_MAX_PAYLOAD_BYTES", default_value_t = Settings::default().max_payload_bytes)]
    pub max_payload_bytes: usize,
    /// Most resources in one list page.
    #[arg(long, env = "GATEHOUSE_MAX_PAGE_SIZE", default_value_t = Settings::default().max_page_size)]
    pub max_page_size: u64,
    /// Database connections per pool [default: twice the CPUs on SQLite and
    /// on a PostgreSQL on this host; 16 on a remote PostgreSQL]
    #[arg(long, env = "GATEHOUSE_POOL_SIZE")]
    pub pool_size: Option<u32>,
    /// Log format.
    #[arg(long, env = "GATEHOUSE_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// Requests per second each token may make, as RATE or RATE:BURST
    /// (e.g. 50:200); past it, 429 with Retry-After. Unlimited by default.
    #[arg(long, env = "GATEHOUSE_RATE_LIMIT")]
    pub rate_limit: Option<crate::config::RateLimit>,
    /// Also serve /metrics (without a token), /healthz and /readyz on this
    /// address, on a thread of its own (e.g. a private interface for
    /// Prometheus and the orchestrator's probes).
    #[arg(long, env = "GATEHOUSE_METRICS_LISTEN")]
    pub metrics_listen: Option<String>,
    /// Seconds to wait at start for an unreachable database (retrying with
    /// backoff; /healthz answers meanwhile) before giving up.
    #[arg(long, env = "GATEHOUSE_DATABASE_WAIT", default_value_t = Settings::default().database_wait.as_secs())]
    pub database_wait: u64,
    /// Seconds in-flight requests get to finish at shutdown.
    #[arg(long, env = "GATEHOUSE_SHUTDOWN_TIMEOUT", default_value_t = Settings::default().shutdown_timeout_secs)]
    pub shutdown_timeout: u64,
    /// Seconds the server keeps serving after SIGTERM, every response
    /// closing its connection and /readyz failing, before it stops
    /// accepting: at least the balancer's health-check interval. SIGINT
    /// (Ctrl-C) does not wait.
    #[arg(long, env = "GATEHOUSE_SHUTDOWN_DRAIN", default_value_t = Settings::default().shutdown_drain.as_secs())]
    pub shutdown_drain: u64,
    /// Seconds a client may take to send a request (head and body).
    #[arg(long, env = "GATEHOUSE_READ_TIMEOUT", default_value_t = Settings::default().read_timeout.as_secs())]
    pub read_timeout: u64,
    /// Milliseconds one read may run before the database stops it (the
    /// request then answers 503 with Retry-After); 0: no limit.
    #[arg(long, env = "GATEHOUSE_STATEMENT_TIMEOUT", default_value_t = Settings::default().statement_timeout.map_or(0, |d| d.as_millis() as u64))]
    pub statement_timeout: u64,
    /// Milliseconds a directory token found live is taken as live without
    /// being read again; a token revoked by the CLI or another replica
    /// stops within this (through this server's console: at once). 0:
    /// every request reads its token.
    #[arg(long, env = "GATEHOUSE_TOKEN_CACHE", default_value_t = Settings::default().token_cache.as_millis() as u64)]
    pub token_cache: u64,
    /// Serve HTTPS with this certificate chain (PEM, leaf first); reloaded
    /// when the file changes or on SIGHUP.
    #[arg(long, env = "GATEHOUSE_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<std::path::PathBuf>,
    /// The certificate's private key (PEM: PKCS#8, PKCS#1 or SEC1).
    #[arg(long, env = "GATEHOUSE_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<std::path::PathBuf>,
    /// Console sign-in with this OpenID Connect issuer (its discovery
    /// document is read at each sign-in); admins then sign in as themselves.
    #[arg(long, env = "GATEHOUSE_OIDC_ISSUER", requires = "oidc_client_id")]
    pub oidc_issuer: Option<String>,
    /// The console's client id at the OpenID provider.
    #[arg(long, env = "GATEHOUSE_OIDC_CLIENT_ID", requires = "oidc_issuer")]
    pub oidc_client_id: Option<String>,
    /// The client's secret (a confidential client); without it, a public
    /// client with PKCE.
    #[arg(
        long,
        env = "GATEHOUSE_OIDC_CLIENT_SECRET",
        hide_env_values = true,
        requires = "oidc_issuer"
    )]
    pub oidc_client_secret: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum DirectoryCommand {
    /// Creates a directory and prints its id, SCIM base URL and a new token.
    Create {
        /// A name for the directory, e.g. "Okta production".
        name: String,
        #[command(flatten)]
        database: DatabaseArgs,
        #[command(flatten)]
        public: PublicUrlArgs,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Lists directories.
    List {
        #[command(flatten)]
        database: DatabaseArgs,
        #[arg(long)]
        json: bool,
    },
    /// Prints a directory's sync health: refused requests, skipped
    /// members, attributes no schema defines, last push, requests by status.
    Health(idp::HealthArgs),
    /// Changes a directory's settings.
    Set(idp::SetArgs),
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Issues a new token for a directory (shown once).
    Create {
        /// The directory's id.
        #[arg(long)]
        directory: String,
        /// A label for the token, e.g. "okta-2026".
        #[arg(long, default_value = "token")]
        name: String,
        #[command(flatten)]
        database: DatabaseArgs,
        #[arg(long)]
        json: bool,
    },
    /// Lists a directory's tokens (never their secrets).
    List {
        #[arg(long)]
        directory: String,
        #[command(flatten)]
        database: DatabaseArgs,
        #[arg(long)]
        json: bool,
    },
    /// Revokes a token; requests using it fail from then on.
    Revoke {
        /// The token's id (not its secret).
        token_id: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

/// Runs one command.
pub fn run(cli: Cli) -> Result<(), CliError> {
    let clock = SystemClock;
    match cli.command {
        Command::Serve(args) => serve(args),
        Command::Migrate(database) => {
            let store = open_store(&database)?;
            // Accounts made before persons existed belong to one from now on.
            crate::access::persons::link_pending(&store, None)?;
            println!("migrations applied");
            Ok(())
        }
        Command::Directory(DirectoryCommand::Create {
            name,
            database,
            public,
            json,
        }) => {
            if name.trim().is_empty() {
                return Err(CliError::Usage(
                    "the directory name must not be empty".into(),
                ));
            }
            let store = open_store(&database)?;
            let (dir, token) = store.write_now(|conn| {
                directories::create_directory(conn, &name, &operator(), clock.now_micros())
            })?;
            let url = format!("{}/scim/v2/directories/{}", public.base(), dir.id);
            if json {
                println!(
                    "{}",
                    json!({"id": dir.id, "name": dir.name, "scim_base_url": url, "token": token.secret})
                );
            } else {
                println!("directory:     {} ({})", dir.name, dir.id);
                println!("SCIM base URL: {url}");
                println!("token:         {}", token.secret);
                println!("(the token is shown only now; store it in your IdP)");
            }
            Ok(())
        }
        Command::Directory(DirectoryCommand::List { database, json }) => {
            let store = open_store(&database)?;
            let rows =
                store.read_now(|conn| store::directories::list(conn).map_err(CliError::from))?;
            // The local directory (admin-made accounts and groups) is no IdP connection.
            for d in rows
                .into_iter()
                .filter(|d| d.id != crate::access::LOCAL_DIRECTORY)
            {
                if json {
                    println!("{}", json!({"id": d.id, "name": d.name}));
                } else {
                    println!("{}  {}", d.id, d.name);
                }
            }
            Ok(())
        }
        Command::Token(TokenCommand::Create {
            directory,
            name,
            database,
            json,
        }) => {
            let store = open_store(&database)?;
            let token = store
                .write_now(|conn| {
                    directories::issue_token(
                        conn,
                        &directory,
                        &name,
                        &operator(),
                        clock.now_micros(),
                    )
                })
                .map_err(|e| match e {
                    StoreError::NotFound => CliError::Usage(format!("no directory {directory}")),
                    e => e.into(),
                })?;
            if json {
                println!(
                    "{}",
                    json!({"id": token.id, "directory": directory, "token": token.secret})
                );
            } else {
                println!("token id: {}\ntoken:    {}", token.id, token.secret);
            }
            Ok(())
        }
        Command::Token(TokenCommand::List {
            directory,
            database,
            json,
        }) => {
            let store = open_store(&database)?;
            let rows = store.read_now(|conn| {
                store::directories::list_tokens(conn, &directory).map_err(CliError::from)
            })?;
            for t in rows {
                let status = if t.revoked_at.is_some() {
                    "revoked"
                } else {
                    "live"
                };
                if json {
                    println!(
                        "{}",
                        json!({"id": t.id, "name": t.name, "status": status, "created_at": crate::scim::resource::format_time(t.created_at)})
                    );
                } else {
                    println!("{}  {}  {}", t.id, t.name, status);
                }
            }
            Ok(())
        }
        Command::AdminToken(c) => admins::admin_token(c, &clock),
        Command::Admin(c) => admins::admin(c, &clock),
        Command::Site(c) => access::site(c, &clock),
        Command::Product(c) => access::product(c, &clock),
        Command::Map(args) => access::map(args, &clock),
        Command::Access(args) => access::access(args),
        Command::Licenses(args) => access::licenses(args),
        Command::ProductToken(c) => policy::product_token(c, &clock),
        Command::Policy(c) => policy::policy(c, &clock),
        Command::Requests(c) => policy::requests(c, &clock),
        Command::Report(args) => policy::report(args),
        Command::Schema(c) => idp::schema(c, &clock),
        Command::Console(c) => console::console(c, &clock),
        Command::Directory(DirectoryCommand::Health(args)) => idp::health(args, &clock),
        Command::Directory(DirectoryCommand::Set(args)) => idp::set(args, &clock),
        Command::Token(TokenCommand::Revoke { token_id, database }) => {
            let store = open_store(&database)?;
            store
                .write_now(|conn| {
                    directories::revoke_token(conn, &token_id, &operator(), clock.now_micros())
                })
                .map_err(|e| match e {
                    StoreError::NotFound => CliError::Usage(format!("no live token {token_id}")),
                    e => e.into(),
                })?;
            // A running server keeps a token it found live a moment
            // (`access::live_tokens`); the operator should know how long.
            println!(
                "token {token_id} revoked; a running server refuses it within its --token-cache ({} ms unless set)",
                Settings::default().token_cache.as_millis()
            );
            Ok(())
        }
    }
}

/// The pool size when none is given: twice the CPUs when the database's
/// work runs on this machine's cores, 16 when it runs on its own.
///
/// On SQLite each reader runs its query on the server's cores, and
/// readers beyond twice the cores only take turns on them with colder
/// caches: at 1M users on 2 cores, `userName eq` at concurrency 8 ran
/// 12.0k req/s with p99 2.5–2.7 ms on 16 readers and 14.5–15.6k req/s
/// with p99 1.4–1.5 ms on 4, and the server's RSS after the IdP read mix
/// was 156 MB on 16, 77 MB on 4. A PostgreSQL on this host (loopback or a
/// local socket) shares the same cores: its backends beyond twice them
/// contend for them too (same lookups, 2 cores: 2.9k req/s, p99 6.8–9.0
/// ms and 0.26 ms of the database's CPU per lookup on 16; 3.2k req/s, p99
/// 4.0–4.2 ms and 0.21 ms on 4). A remote PostgreSQL has cores of its
/// own to keep busy while each read waits on the network: 16.
fn default_pool_size(database_url: &str) -> u32 {
    let twice_the_cores = || {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        u32::try_from(cores.saturating_mul(2))
            .unwrap_or(u32::MAX)
            .max(2)
    };
    match store::Backend::from_url(database_url) {
        store::Backend::Postgres if !postgres_on_this_host(database_url) => {
            Settings::default().pool_size
        }
        _ => twice_the_cores(),
    }
}

/// Whether a PostgreSQL URL names a server on this host: a loopback
/// address, `localhost` or a Unix socket (a path, or no host at all), as
/// the URL's host or its `host=` parameter (which libpq prefers) says.
fn postgres_on_this_host(database_url: &str) -> bool {
    let Ok(url) = url::Url::parse(database_url) else {
        return false;
    };
    let local_name = |name: &str| {
        name.is_empty()
            || name.starts_with('/')
            || name.eq_ignore_ascii_case("localhost")
            || name
                .trim_matches(|c| c == '[' || c == ']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    };
    if let Some((_, host)) = url.query_pairs().find(|(key, _)| key == "host") {
        return local_name(&host);
    }
    url.host_str().is_none_or(local_name)
}

fn serve(args: ServeArgs) -> Result<(), CliError> {
    let pool_size = args
        .pool_size
        .unwrap_or_else(|| default_pool_size(&args.database.database_url));
    let settings = Settings {
        listen: args.listen,
        database_url: args.database.database_url,
        public_url: args.public_url,
        max_payload_bytes: args.max_payload_bytes,
        max_page_size: args.max_page_size.max(1),
        pool_size: pool_size.max(1),
        log_format: args.log_format,
        rate_limit: args.rate_limit,
        metrics_listen: args.metrics_listen,
        database_wait: std::time::Duration::from_secs(args.database_wait),
        shutdown_timeout_secs: args.shutdown_timeout,
        shutdown_drain: std::time::Duration::from_secs(args.shutdown_drain),
        read_timeout: std::time::Duration::from_secs(args.read_timeout.max(1)),
        statement_timeout: (args.statement_timeout > 0)
            .then(|| std::time::Duration::from_millis(args.statement_timeout)),
        token_cache: std::time::Duration::from_millis(args.token_cache),
        tls: args
            .tls_cert
            .zip(args.tls_key)
            .map(|(cert, key)| config::TlsFiles { cert, key }),
        oidc: args
            .oidc_issuer
            .zip(args.oidc_client_id)
            .map(|(issuer, client_id)| config::OidcSettings {
                issuer,
                client_id,
                client_secret: args.oidc_client_secret,
            }),
        ..Settings::default()
    };
    crate::telemetry::init(settings.log_format);
    for name in config::unknown_env_vars(std::env::vars().map(|(k, _)| k)) {
        tracing::warn!(variable = %name, "unknown GATEHOUSE_* environment variable ignored");
    }
    // Before the database is opened: a second server on one SQLite file is
    // refused before it migrates or writes anything.
    let _one_server = crate::store::instance::claim(&settings.database_url)?;
    // Before the wait: a certificate that does not load is said at once.
    let tls = settings
        .tls
        .as_ref()
        .map(crate::http::tls::ServerCertificate::load)
        .transpose()
        .map_err(|e| CliError::Usage(e.to_string()))?;
    crate::startup::wait_for_database(&settings, tls.as_ref())?;
    let state = crate::open_state(settings, Arc::new(SystemClock))?;
    if state.settings.oidc.is_some() {
        // First run: nobody can sign in with the IdP until someone holds
        // an admin role; the operator's link is the way in meanwhile.
        let org_admins = state.store.read_now(|conn| {
            crate::access::admin_roles::org_admin_persons(conn).map_err(CliError::from)
        })?;
        if org_admins == 0 {
            tracing::warn!(
                "console sign-in with the identity provider is on, but no person holds org-admin yet: run `gatehouse admin grant EMAIL org-admin`, or sign in with `gatehouse console link` and grant it"
            );
        }
    }
    actix_web::rt::System::new().block_on(crate::serve(state, tls))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{postgres_on_this_host, PublicUrlArgs};

    #[test]
    fn a_postgres_url_says_whether_the_database_shares_this_hosts_cores() {
        let cases = [
            ("postgres://postgres@127.0.0.1:5432/test", true),
            ("postgres://u:p@localhost/db?sslmode=disable", true),
            ("postgresql://LOCALHOST/db", true),
            ("postgres://[::1]:5432/db", true),
            ("postgres:///db", true),
            ("postgres:///db?host=/var/run/postgresql", true),
            ("postgres://db.internal/db?host=/tmp", true),
            ("postgres://127.0.0.1/db?options=-csearch_path%3Dx", true),
            ("postgres://db.internal:5432/db", false),
            ("postgres://10.0.0.7/db", false),
            ("postgres:///db?host=db.internal", false),
            ("postgres://localhost/db?host=10.0.0.7", false),
            ("not a url", false),
        ];
        for (url, local) in cases {
            assert_eq!(postgres_on_this_host(url), local, "{url}");
        }
    }

    #[test]
    fn printed_urls_are_the_ones_the_server_answers_on() {
        let cases = [
            (
                Some("https://gh.example.com/"),
                "127.0.0.1:8080",
                "https://gh.example.com",
            ),
            (
                Some("https://gh.example.com/base"),
                "0.0.0.0:9000",
                "https://gh.example.com/base",
            ),
            (None, "127.0.0.1:9090", "http://127.0.0.1:9090"),
            (None, "0.0.0.0:3000", "http://localhost:3000"),
            (None, "[::]:3000", "http://localhost:3000"),
            (None, "[::1]:3000", "http://[::1]:3000"),
            (
                None,
                "gatehouse.internal:443",
                "http://gatehouse.internal:443",
            ),
        ];
        for (public_url, listen, want) in cases {
            let args = PublicUrlArgs {
                public_url: public_url.map(str::to_owned),
                listen: listen.to_owned(),
            };
            assert_eq!(args.base(), want, "{public_url:?} {listen}");
        }
    }
}

//! The `gatehouse` command, run as an operator would.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::db::TestDb;

/// Runs `gatehouse` with `args`: whether it succeeded, its stdout and its
/// stderr.
pub fn gatehouse(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run gatehouse");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn directory_create_json_and_token_lifecycle() {
    let db = TestDb::new();
    let (ok, out, err) = gatehouse(&[
        "directory",
        "create",
        "Okta prod",
        "--database-url",
        &db.url,
        "--json",
        "--public-url",
        "https://gh.example.com/",
    ]);
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "exactly one JSON object: {out}");
    let dir: Value = serde_json::from_str(lines[0]).unwrap();
    let keys: Vec<&String> = dir.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "name", "scim_base_url", "token"]);
    let id = dir["id"].as_str().unwrap();
    assert_eq!(dir["name"], "Okta prod");
    assert_eq!(
        dir["scim_base_url"],
        format!("https://gh.example.com/scim/v2/directories/{id}")
    );
    assert!(dir["token"].as_str().unwrap().starts_with("gh_"));

    let (ok, out, err) = gatehouse(&[
        "token",
        "create",
        "--directory",
        id,
        "--name",
        "rotation",
        "--database-url",
        &db.url,
        "--json",
    ]);
    assert!(ok, "{err}");
    let token: Value = serde_json::from_str(out.trim()).unwrap();
    let token_id = token["id"].as_str().unwrap();
    assert_ne!(token["token"], dir["token"]);

    let (ok, out, _) = gatehouse(&[
        "token",
        "list",
        "--directory",
        id,
        "--database-url",
        &db.url,
        "--json",
    ]);
    assert!(ok);
    assert_eq!(out.lines().count(), 2);
    assert!(
        !out.contains(dir["token"].as_str().unwrap()),
        "secrets are never listed"
    );

    let (ok, out, _) = gatehouse(&["token", "revoke", token_id, "--database-url", &db.url]);
    assert!(ok);
    assert!(out.contains("revoked"));
    let (ok, _, err) = gatehouse(&["token", "revoke", token_id, "--database-url", &db.url]);
    assert!(!ok);
    assert!(err.contains("no live token"), "{err}");
    let (ok, out, _) = gatehouse(&[
        "token",
        "list",
        "--directory",
        id,
        "--database-url",
        &db.url,
        "--json",
    ]);
    assert!(ok);
    assert!(out.contains("\"status\":\"revoked\""));

    let (ok, _, err) = gatehouse(&[
        "token",
        "create",
        "--directory",
        "nope",
        "--database-url",
        &db.url,
    ]);
    assert!(!ok);
    assert!(err.contains("no directory nope"), "{err}");
}

/// Starts `gatehouse serve` on `url`; returns it and its address once it
/// listens.
fn start_server(url: &str) -> (std::process::Child, String) {
    start_server_with(url, &[])
}

/// `start_server` with more flags.
fn start_server_with(url: &str, flags: &[&str]) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", url])
        .args(flags)
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    let addr = loop {
        assert!(Instant::now() < deadline, "no listen line");
        let line = lines.next().expect("server exited").unwrap();
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    // Keep reading its log, so a full pipe never blocks it.
    std::thread::spawn(move || lines.for_each(drop));
    (child, addr)
}

#[test]
fn a_second_server_on_one_sqlite_file_is_refused_until_the_first_is_gone() {
    let db = TestDb::sqlite();
    let (mut first, _) = start_server(&db.url);
    let (ok, _, err) = gatehouse(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        &db.url,
    ]);
    assert!(!ok, "a second server started");
    assert!(err.contains("another Gatehouse server is running"), "{err}");
    // An operator command on the same file is not a server: it runs.
    let (ok, out, err) = gatehouse(&["directory", "list", "--database-url", &db.url]);
    assert!(ok, "{out}{err}");
    // A server killed outright frees the file with its process.
    first.kill().unwrap();
    first.wait().unwrap();
    let (mut next, _) = start_server(&db.url);
    next.kill().unwrap();
    next.wait().unwrap();
}

#[test]
fn serve_logs_its_address_answers_and_shuts_down_gracefully() {
    let db = TestDb::new();
    let (mut child, addr) = start_server(&db.url);
    let body = std::process::Command::new("curl")
        .args(["-s", &format!("http://{addr}/healthz")])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    if let Ok(body) = body {
        assert_eq!(body, "{\"status\":\"ok\"}");
    }
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}

/// `GET path` on a connection of its own, closed after: the whole
/// response as text.
fn get_once(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// One request on an open connection: the response head, lower-cased.
fn exchange(conn: &mut std::net::TcpStream, path: &str) -> String {
    use std::io::{Read, Write};
    write!(conn, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(conn.read(&mut byte).unwrap(), 1, "closed before a response");
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |n| n.trim().parse().unwrap());
    let mut body = vec![0u8; length];
    conn.read_exact(&mut body).unwrap();
    head
}

#[test]
fn sigterm_drains_keep_alive_connections_before_the_server_stops() {
    use std::io::Read;
    let db = TestDb::new();
    let (mut child, addr) = start_server_with(&db.url, &["--shutdown-drain", "2"]);
    let mut kept = std::net::TcpStream::connect(&addr).unwrap();
    kept.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let head = exchange(&mut kept, "/healthz");
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(!head.contains("connection: close"), "{head}");

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let termed = Instant::now();
    std::thread::sleep(Duration::from_millis(300));
    // Draining: the kept connection is still served, told to close, and
    // closed after its answer; the replica says it is not ready.
    let head = exchange(&mut kept, "/readyz");
    assert!(head.starts_with("http/1.1 503"), "{head}");
    assert!(head.contains("connection: close"), "{head}");
    assert!(head.contains("retry-after: 5"), "{head}");
    let mut rest = Vec::new();
    assert_eq!(kept.read_to_end(&mut rest).unwrap(), 0, "closed cleanly");
    // A new connection during the drain is answered, and closed after.
    let mut fresh = std::net::TcpStream::connect(&addr).unwrap();
    fresh
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let head = exchange(&mut fresh, "/healthz");
    assert!(
        head.starts_with("http/1.1 200") && head.contains("connection: close"),
        "{head}"
    );

    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let took = termed.elapsed();
    // Loose: it waited out the drain, then stopped.
    assert!(
        took >= Duration::from_millis(1900),
        "stopped after {took:?}"
    );
    assert!(took < Duration::from_secs(20), "stopped after {took:?}");
}

/// Runs gatehouse and parses its single line of JSON (asserting success).
fn gatehouse_json(args: &[&str]) -> Value {
    let (ok, out, err) = gatehouse(args);
    assert!(ok, "{args:?}: {err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "one JSON object: {out}");
    serde_json::from_str(lines[0]).unwrap()
}

#[test]
fn access_model_commands() {
    let db = TestDb::new();
    let url = db.url.as_str();
    let token = gatehouse_json(&["admin-token", "create", "--database-url", url, "--json"]);
    let keys: Vec<&String> = token.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "token", "role"]);
    assert_eq!(
        token["role"], "org-admin",
        "an unscoped token is an org admin's"
    );
    assert!(token["token"].as_str().unwrap().starts_with("gh_"));

    gatehouse_json(&["site", "add", "acme", "--database-url", url, "--json"]);
    let product = gatehouse_json(&[
        "product",
        "add",
        "wiki",
        "--site",
        "acme",
        "--license-cap",
        "5",
        "--database-url",
        url,
        "--json",
    ]);
    assert_eq!(product["key"], "wiki");
    assert_eq!(product["default_group"]["displayName"], "wiki-users-acme");
    let (ok, _, err) = gatehouse(&[
        "product",
        "add",
        "wiki",
        "--site",
        "acme",
        "--database-url",
        url,
    ]);
    assert!(!ok);
    assert!(err.contains("already has a product with key"), "{err}");

    // A mapping by name before the IdP pushes the group waits for it.
    let mapping = gatehouse_json(&[
        "map",
        "Staff",
        "wiki",
        "admin",
        "--database-url",
        url,
        "--json",
    ]);
    assert_eq!(mapping["status"], "waiting");
    let (ok, _, err) = gatehouse(&["map", "Staff", "wiki", "owner", "--database-url", url]);
    assert!(!ok);
    assert!(err.contains("no role \"owner\""), "{err}");

    let licenses = gatehouse_json(&["licenses", "--database-url", url, "--json"]);
    assert_eq!(
        licenses,
        serde_json::json!({"product": "wiki", "used": 0, "cap": 5})
    );
    let (ok, out, _) = gatehouse(&["licenses", "--database-url", url]);
    assert!(ok);
    assert_eq!(out.trim(), "wiki  0 / 5");
    // A user to look at: a portal customer made through the domain layer.
    let store = gatehouse::store::Store::open(url, &Default::default()).unwrap();
    let ctx = gatehouse::access::WriteContext {
        directory_id: gatehouse::access::LOCAL_DIRECTORY.into(),
        actor: gatehouse::access::Actor::new(gatehouse::access::ActorKind::Cli, "test"),
        request_id: None,
        now: 1,
    };
    let customer = store
        .write_now(|conn| {
            gatehouse::access::accounts::create_customer(conn, &ctx, "pat@example.org", None)
        })
        .unwrap();
    let access = gatehouse_json(&["access", &customer.user, "--database-url", url, "--json"]);
    assert_eq!(access["userName"], "pat@example.org");
    assert_eq!(access["portal_only"], true);
    assert_eq!(access["entitlements"], serde_json::json!([]));
    let (ok, out, _) = gatehouse(&["access", &customer.user, "--database-url", url]);
    assert!(ok);
    assert!(out.contains("no product access"), "{out}");
    let (ok, _, err) = gatehouse(&["access", "no-such-user", "--database-url", url]);
    assert!(!ok);
    assert!(err.contains("not found"), "{err}");
    let (ok, _, err) = gatehouse(&[
        "token",
        "create",
        "--directory",
        "local",
        "--database-url",
        url,
    ]);
    assert!(!ok, "the local directory takes no IdP token: {err}");
}

#[test]
fn policy_commands() {
    let db = TestDb::new();
    let url = db.url.as_str();
    let token = gatehouse_json(&["product-token", "create", "--database-url", url, "--json"]);
    let keys: Vec<&String> = token.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "token"]);
    let (ok, out, err) = gatehouse(&[
        "policy",
        "set",
        r#"{"it_only": true, "invitations": "off"}"#,
        "--database-url",
        url,
    ]);
    assert!(ok, "{err}");
    let set: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(set["policy"]["effective"]["it_only"], true);
    assert_eq!(set["lockdown"]["closed_requests"], serde_json::json!([]));
    let (ok, out, _) = gatehouse(&["policy", "show", "--database-url", url]);
    assert!(ok);
    let shown: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(shown["effective"]["invitations"], "off");
    assert_eq!(shown["effective"]["access_requests"], "on");
    let (ok, _, err) = gatehouse(&[
        "policy",
        "set",
        r#"{"it_only": "yes"}"#,
        "--database-url",
        url,
    ]);
    assert!(!ok);
    assert!(err.contains("policy fields"), "{err}");
    let (ok, out, _) = gatehouse(&["requests", "list", "--database-url", url]);
    assert!(ok);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        serde_json::json!([])
    );
    let (ok, out, _) = gatehouse(&["report", "licenses", "--database-url", url]);
    assert!(ok);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        serde_json::json!([])
    );
    let (ok, _, _) = gatehouse(&["report", "nonsense", "--database-url", url]);
    assert!(!ok);
}

/// Extension schemas and a directory's sync health from the command line.
#[test]
fn schemas_and_directory_health_from_the_command_line() {
    let db = TestDb::new();
    let (ok, out, err) = gatehouse(&[
        "directory",
        "create",
        "Entra",
        "--database-url",
        &db.url,
        "--json",
    ]);
    assert!(ok, "{err}");
    let dir: Value = serde_json::from_str(out.trim()).unwrap();
    let id = dir["id"].as_str().unwrap();

    let file = tempfile::NamedTempFile::new().unwrap();
    let urn = "urn:ietf:params:scim:schemas:extension:Acme:2.0:User";
    std::fs::write(
        file.path(),
        serde_json::json!({"id": urn, "attributes": [{"name": "badge", "type": "string"}]})
            .to_string(),
    )
    .unwrap();
    let path = file.path().to_str().unwrap();
    let (ok, out, err) = gatehouse(&["schema", "add", path, "--database-url", &db.url, "--json"]);
    assert!(ok, "{err}");
    let view: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(view["id"], urn);
    assert_eq!(view["indexed"], serde_json::json!(["badge"]));
    let (ok, _, err) = gatehouse(&["schema", "add", path, "--database-url", &db.url]);
    assert!(!ok);
    assert!(err.contains("already defined"), "{err}");
    std::fs::write(file.path(), "{not json").unwrap();
    let (ok, _, err) = gatehouse(&["schema", "add", path, "--database-url", &db.url]);
    assert!(!ok);
    assert!(err.contains("is not JSON"), "{err}");
    let (ok, out, _) = gatehouse(&["schema", "list", "--database-url", &db.url]);
    assert!(ok);
    assert!(out.starts_with(urn), "{out}");

    let (ok, out, err) = gatehouse(&[
        "directory",
        "set",
        id,
        "--strict-schema",
        "true",
        "--database-url",
        &db.url,
        "--json",
    ]);
    assert!(ok, "{err}");
    let set: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(set["strict_schema"], true);
    let (ok, _, err) = gatehouse(&[
        "directory",
        "set",
        "nope",
        "--strict-schema",
        "true",
        "--database-url",
        &db.url,
    ]);
    assert!(!ok);
    assert!(err.contains("no directory nope"), "{err}");

    let (ok, out, err) = gatehouse(&[
        "directory",
        "health",
        id,
        "--database-url",
        &db.url,
        "--json",
    ]);
    assert!(ok, "{err}");
    let health: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(health["directory"]["strict_schema"], true);
    assert_eq!(health["issues"], serde_json::json!([]));
    assert_eq!(health["requests_24h"]["total"], 0);
    let (ok, out, err) = gatehouse(&["directory", "health", id, "--database-url", &db.url]);
    assert!(ok, "{err}");
    assert!(out.contains("last push:     never"), "{out}");

    let (ok, out, err) = gatehouse(&["schema", "remove", urn, "--database-url", &db.url]);
    assert!(ok, "{err}");
    assert!(out.contains("removed"));
    let (ok, out, _) = gatehouse(&["schema", "list", "--database-url", &db.url]);
    assert!(ok);
    assert_eq!(out, "");
}

/// `--metrics-listen`: `/metrics` without a token, and the health checks,
/// on an address of its own.
#[test]
fn metrics_listen_serves_metrics_without_a_token() {
    let db = TestDb::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            &db.url,
        ])
        .args(["--metrics-listen", "127.0.0.1:0"])
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    let metrics = loop {
        assert!(Instant::now() < deadline, "no metrics line");
        let line = lines.next().expect("server exited").unwrap();
        if let Some(rest) = line.split("health checks on http://").nth(1) {
            break rest.split('/').next().unwrap().to_owned();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    let scrape = get_once(&metrics, "/metrics");
    let health = get_once(&metrics, "/healthz");
    let ready = get_once(&metrics, "/readyz");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(scrape.starts_with("HTTP/1.1 200"), "{scrape}");
    assert!(scrape.contains("text/plain"), "{scrape}");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(
        ready.starts_with("HTTP/1.1 200") && ready.contains("ready"),
        "{ready}"
    );
}

/// PostgreSQL unreachable at start: the server retries with backoff,
/// answers health checks meanwhile (everything else 503 with Retry-After),
/// and gives up after `--database-wait` with the reason.
#[test]
fn an_unreachable_database_is_awaited_with_health_checks_answered() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(["--database-url", "postgres://postgres@127.0.0.1:1/nowhere"])
        .args(["--database-wait", "4"])
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("server exited").unwrap();
        if let Some(rest) = line.split("health checks on http://").nth(1) {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    assert!(get_once(&addr, "/healthz").starts_with("HTTP/1.1 200"));
    let refused = get_once(&addr, "/scim/v2/Users");
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    assert!(
        refused.to_ascii_lowercase().contains("retry-after: 5"),
        "{refused}"
    );

    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().unwrap();
    assert!(!status.success());
    let log = rest.join("\n");
    assert!(
        log.contains("the database is unreachable; retrying"),
        "{log}"
    );
    assert!(log.contains("stayed unreachable for 4 s"), "{log}");
}

#[test]
fn admin_roles_and_scoped_tokens_from_the_command_line() {
    let db = TestDb::new();
    let url = db.url.as_str();
    // First run: the operator makes the first org admin.
    let ann = gatehouse_json(&[
        "admin",
        "grant",
        "ann@acme.test",
        "org-admin",
        "--database-url",
        url,
        "--json",
    ]);
    assert_eq!(ann["role"], "org-admin");
    assert_eq!(ann["email"], "ann@acme.test");
    assert!(ann["created_by"].as_str().unwrap().starts_with("cli:"));
    gatehouse_json(&["site", "add", "acme", "--database-url", url, "--json"]);
    let group = gatehouse_json(&[
        "admin",
        "grant",
        "Acme Site Admins",
        "site-admin",
        "--site",
        "acme",
        "--group",
        "--database-url",
        url,
        "--json",
    ]);
    assert_eq!(group["group"], "Acme Site Admins");
    assert!(group["site"].is_string());
    // A scope the role doesn't take, or a site that isn't there: refused.
    let (ok, _, err) = gatehouse(&[
        "admin",
        "grant",
        "bob@acme.test",
        "auditor",
        "--site",
        "acme",
        "--database-url",
        url,
    ]);
    assert!(!ok && err.contains("takes no site or product"), "{err}");
    let (ok, _, err) = gatehouse(&[
        "admin-token",
        "create",
        "--role",
        "site-admin",
        "--site",
        "nowhere",
        "--database-url",
        url,
    ]);
    assert!(!ok && err.contains("not found"), "{err}");

    let token = gatehouse_json(&[
        "admin-token",
        "create",
        "--role",
        "site-admin",
        "--site",
        "acme",
        "--expires",
        "90d",
        "--name",
        "acme-ops",
        "--database-url",
        url,
        "--json",
    ]);
    assert_eq!(token["role"], "site-admin");
    let (ok, out, _) = gatehouse(&["admin-token", "list", "--database-url", url, "--json"]);
    assert!(ok);
    let listed: Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(listed["name"], "acme-ops");
    assert_eq!(listed["role"], "site-admin");
    assert!(listed["expires"].is_string(), "{listed}");
    assert_eq!(listed["status"], "live");

    // The last org admin can't be removed.
    let (ok, _, err) = gatehouse(&[
        "admin",
        "revoke",
        ann["id"].as_str().unwrap(),
        "--database-url",
        url,
    ]);
    assert!(
        !ok && err.contains("last person holding org-admin"),
        "{err}"
    );
    let (ok, out, _) = gatehouse(&["admin", "list", "--database-url", url]);
    assert!(
        ok && out.contains("ann@acme.test") && out.contains("Acme Site Admins"),
        "{out}"
    );
}

//! The `gatehouse` command, run as an operator would.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::db::TestDb;

fn gatehouse(args: &[&str]) -> (bool, String, String) {
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

#[test]
fn serve_logs_its_address_answers_and_shuts_down_gracefully() {
    let db = TestDb::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            &db.url,
        ])
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

//! Console sign-in in a real Chromium against a real OpenID provider: the
//! certified `oidc-provider` package from npm, run with Node by this test
//! (`tests/oidc-provider/provider.mjs`), its login and consent pages
//! filled in as a person would. An org admin signs in, sees the whole
//! console and signs out; a product's user-access-admin signs in and sees
//! only what the role allows.
//!
//! Needs `node` and an npm install of `oidc-provider`, whose
//! `node_modules` folder GATEHOUSE_OIDC_PROVIDER_MODULES names (`.ci/run`
//! installs it). Without them the test is skipped, loudly, unless
//! GATEHOUSE_BROWSER_REQUIRED is set: then it fails.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::browser::Browser;
use crate::support::TestApp;

const CLIENT_ID: &str = "gatehouse-console";
const CLIENT_SECRET: &str = "browser-test-secret";

/// The Node provider, ended when dropped.
struct NodeProvider {
    child: Child,
}

impl Drop for NodeProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where the npm install of `oidc-provider` is, if there is one.
fn provider_modules() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("GATEHOUSE_OIDC_PROVIDER_MODULES")?);
    dir.join("oidc-provider").is_dir().then_some(dir)
}

fn skip_or_fail(why: &str) -> bool {
    if std::env::var_os("GATEHOUSE_BROWSER_REQUIRED").is_some_and(|v| !v.is_empty()) {
        panic!("{why}; GATEHOUSE_BROWSER_REQUIRED is set, so the OIDC browser test fails rather than skips");
    }
    let _ = writeln!(
        std::io::stderr().lock(),
        "\n!!!!!!!! OIDC BROWSER TEST SKIPPED: {why} (`npm install oidc-provider@8` and set GATEHOUSE_OIDC_PROVIDER_MODULES to its node_modules, as .ci/run does) !!!!!!!!\n"
    );
    true
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_provider(modules: &PathBuf, port: u16, redirect_uri: &str) -> NodeProvider {
    // Its start-up warnings (development keys, in-memory store) go to a
    // file, shown only if it fails to start.
    let log = tempfile::NamedTempFile::new().unwrap();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc-provider/provider.mjs");
    let mut child = Command::new("node")
        .arg(script)
        .arg(port.to_string())
        .arg(redirect_uri)
        .arg(CLIENT_ID)
        .arg(CLIENT_SECRET)
        .env("NODE_PATH", modules)
        .stdout(Stdio::piped())
        .stderr(log.reopen().unwrap())
        .spawn()
        .expect("node starts");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains("listening") {
                let _ = tx.send(());
            }
        }
    });
    let provider = NodeProvider { child };
    if rx.recv_timeout(Duration::from_secs(30)).is_err() {
        panic!(
            "the OpenID provider did not say it is listening:\n{}",
            std::fs::read_to_string(log.path()).unwrap_or_default()
        );
    }
    provider
}

/// Signs in at the provider's own pages as `email` (any password), and
/// waits for the console to say who is signed in.
async fn sign_in_as(browser: &Browser, base: &str, email: &str) {
    browser.goto(&format!("{base}/console/sign-in")).await;
    browser.click("#sign-in-oidc").await;
    browser.fill("input[name=login]", email).await;
    browser.fill("input[name=password]", "any password").await;
    browser.click("button.login-submit").await;
    // The consent page: Continue.
    browser.wait_for_text("Continue").await;
    browser.click("button.login-submit").await;
    let deadline = Instant::now() + Duration::from_secs(15);
    while !browser
        .current_url()
        .await
        .starts_with(&format!("{base}/console"))
        || browser.current_url().await.contains("/oidc/")
    {
        assert!(
            Instant::now() < deadline,
            "never back at the console: {}",
            browser.page_text().await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    browser.wait_for_text(email).await;
}

#[actix_web::test]
async fn admins_sign_in_with_a_real_openid_provider_and_see_what_their_role_allows() {
    let Some(modules) = provider_modules() else {
        if skip_or_fail("GATEHOUSE_OIDC_PROVIDER_MODULES names no npm install of oidc-provider") {
            return;
        }
        unreachable!();
    };
    if Command::new("node").arg("--version").output().is_err()
        && skip_or_fail("node is not installed")
    {
        return;
    }
    let provider_port = free_port();
    let issuer = format!("http://127.0.0.1:{provider_port}");
    let app = TestApp::builder()
        .settings(move |s| {
            s.oidc = Some(gatehouse::config::OidcSettings {
                issuer,
                client_id: CLIENT_ID.into(),
                client_secret: Some(CLIENT_SECRET.into()),
            })
        })
        .start()
        .await;
    let _provider = start_provider(
        &modules,
        provider_port,
        &format!("{}/console/oidc/callback", app.base),
    );
    let Some(browser) = Browser::start().await else {
        return;
    };
    app.create_product("acme", "jira-software", None).await;
    let r = app
        .admin_post(
            "/admin-roles",
            &json!({"role": "org-admin", "email": "ann@acme.test"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    // Dana administers who holds Jira, through an IdP group mapped to
    // Jira's user-access-admin role.
    let dana = app.create_user("dana@acme.test").await;
    let group = app
        .create_group("Jira admins", &[dana["id"].as_str().unwrap()])
        .await;
    app.map(
        group["id"].as_str().unwrap(),
        "jira-software",
        "user-access-admin",
    )
    .await;

    // Ann, org admin: the whole console, then sign out.
    sign_in_as(&browser, &app.base, "ann@acme.test").await;
    let nav = browser.text("nav").await;
    for entry in ["Directories", "Reports", "Audit log"] {
        assert!(nav.contains(entry), "{entry} in {nav}");
    }
    browser.click("form.signout button").await;
    browser.wait_for_text("You are signed out").await;
    assert_eq!(
        browser.current_url().await,
        format!("{}/console/sign-in?signed_out", app.base)
    );

    // Dana, in a browser that forgot Ann (the provider remembers its
    // sessions by cookie, on this same host): only what her role allows.
    browser.client().delete_all_cookies().await.unwrap();
    sign_in_as(&browser, &app.base, "dana@acme.test").await;
    let nav = browser.text("nav").await;
    assert!(nav.contains("Requests"), "{nav}");
    assert!(
        !nav.contains("Audit log") && !nav.contains("Reports"),
        "{nav}"
    );
    browser.goto(&format!("{}/console/audit", app.base)).await;
    browser.wait_for_text("auditor").await;
    let text = browser.page_text().await;
    assert!(text.contains("user-access-admin"), "{text}");

    // Both sign-ins are in the audit log under the person's email.
    let r = app.admin_get("/audit?action=console.signed_in").await;
    let people: Vec<&str> = r.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["person"].as_str())
        .collect();
    assert!(
        people.contains(&"ann@acme.test") && people.contains(&"dana@acme.test"),
        "{}",
        r.text
    );
}

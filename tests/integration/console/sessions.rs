//! Console sign-in and sessions over HTTP: one-time links, pasted admin
//! tokens, expiry, sign-out, CSRF and same-origin checks, and the headers
//! every console response carries.

use std::sync::Arc;

use gatehouse::access::{admins, Actor, ActorKind};
use gatehouse::clock::FixedClock;

use super::client::{link_code, Console};
use crate::support::TestApp;

const MINUTE: i64 = 60 * 1_000_000;

async fn app_at_fixed_time() -> (TestApp, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::at(1_800_000_000_000_000));
    let app = TestApp::builder().clock(clock.clone()).start().await;
    (app, clock)
}

#[actix_rt::test]
async fn a_link_signs_in_once_and_its_cookie_is_locked_down() {
    let app = TestApp::new().await;
    let code = link_code(&app).await;
    let mut console = Console::new(&app);
    // Opening the link shows a button; only pressing it spends the link
    // (so a chat app's link preview can't use it up).
    let landing = console.get(&format!("/console/sign-in?code={code}")).await;
    assert_eq!(landing.status, 200);
    assert!(landing.text.contains(&code));
    let signed = console.post("/console/sign-in", &[("code", &code)]).await;
    assert_eq!(signed.status, 303);
    assert_eq!(signed.header("location").as_deref(), Some("/console"));
    let cookie = signed.header("set-cookie").expect("a session cookie");
    for part in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/console",
        "Max-Age=43200",
    ] {
        assert!(cookie.contains(part), "{cookie} lacks {part}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
    let overview = console.get("/console").await;
    assert_eq!(overview.status, 200);
    assert!(overview.text.contains("<h1>Overview</h1>"));
    assert!(overview.text.contains("Operator (sign-in link)"));

    // The same link again, from another browser: refused.
    let mut other = Console::new(&app);
    let again = other.post("/console/sign-in", &[("code", &code)]).await;
    assert_eq!(again.status, 401);
    assert!(
        again.text.contains("used already or has expired"),
        "{}",
        again.text
    );
    assert!(other.cookie.is_none());
    assert_eq!(other.get("/console").await.status, 303);
    let actions = app.audit_actions("&action=console.*").await;
    assert_eq!(actions, ["console.link_issued", "console.signed_in"]);
}

#[actix_rt::test]
async fn a_link_expires_after_ten_minutes() {
    let (app, clock) = app_at_fixed_time().await;
    let code = link_code(&app).await;
    clock.advance(10 * MINUTE);
    let mut console = Console::new(&app);
    let late = console.post("/console/sign-in", &[("code", &code)]).await;
    assert_eq!(late.status, 401);
    assert!(console.cookie.is_none());
}

#[actix_rt::test]
async fn a_session_ends_when_idle_and_at_its_absolute_end() {
    let (app, clock) = app_at_fixed_time().await;
    let mut console = Console::signed_in(&app).await;
    clock.advance(29 * MINUTE);
    assert_eq!(console.get("/console").await.status, 200);
    // Used at minute 29: alive until minute 59.
    clock.advance(29 * MINUTE);
    assert_eq!(console.get("/console/people").await.status, 200);
    clock.advance(30 * MINUTE);
    let idle = console.get("/console").await;
    assert_eq!(idle.status, 303, "idle for 30 minutes");
    assert_eq!(idle.header("location").as_deref(), Some("/console/sign-in"));

    // Kept busy, a session still ends 12 hours after sign-in.
    let mut busy = Console::signed_in(&app).await;
    for _ in 0..(12 * 60 / 20 - 1) {
        clock.advance(20 * MINUTE);
        assert_eq!(busy.get("/console").await.status, 200);
    }
    clock.advance(20 * MINUTE);
    assert_eq!(busy.get("/console").await.status, 303, "past 12 hours");
}

#[actix_rt::test]
async fn signing_out_ends_the_session_for_good() {
    let app = TestApp::new().await;
    let mut console = Console::signed_in(&app).await;
    let old_cookie = console.cookie.clone();
    let out = console.submit("/console", "/console/sign-out", &[]).await;
    assert_eq!(out.status, 303);
    assert_eq!(
        out.header("location").as_deref(),
        Some("/console/sign-in?signed_out")
    );
    assert!(out
        .header("set-cookie")
        .unwrap_or_default()
        .contains("Max-Age=0"));
    // The old cookie, replayed, opens nothing.
    console.cookie = old_cookie;
    assert_eq!(console.get("/console").await.status, 303);
    let actions = app.audit_actions("&action=console.signed_out").await;
    assert_eq!(actions.len(), 1);
}

#[actix_rt::test]
async fn forms_without_the_sessions_token_or_from_another_site_are_refused() {
    let app = TestApp::new().await;
    let mut console = Console::signed_in(&app).await;
    let csrf = console.get("/console/directories").await.csrf();
    let directories = || async {
        app.admin_get("/directories").await.json["items"]
            .as_array()
            .map_or(0, Vec::len)
    };
    let before = directories().await;

    let missing = console
        .post("/console/directories", &[("name", "Okta")])
        .await;
    assert_eq!(missing.status, 403);
    assert!(missing.text.contains("security token"), "{}", missing.text);
    let wrong = console
        .post(
            "/console/directories",
            &[("csrf", "gh_not-it"), ("name", "Okta")],
        )
        .await;
    assert_eq!(wrong.status, 403);
    let elsewhere = console
        .post_with(
            "/console/directories",
            &[("csrf", &csrf), ("name", "Okta")],
            &[("Origin", "https://evil.example")],
        )
        .await;
    assert_eq!(elsewhere.status, 403);
    assert!(elsewhere.text.contains("https://evil.example"));
    let cross_site = console
        .post_with(
            "/console/directories",
            &[("csrf", &csrf), ("name", "Okta")],
            &[("Sec-Fetch-Site", "cross-site")],
        )
        .await;
    assert_eq!(cross_site.status, 403);
    // Another session's token doesn't fit this session.
    let mut other = Console::signed_in(&app).await;
    let others_csrf = other.get("/console").await.csrf();
    assert_ne!(others_csrf, csrf);
    let crossed = console
        .post(
            "/console/directories",
            &[("csrf", &others_csrf), ("name", "Okta")],
        )
        .await;
    assert_eq!(crossed.status, 403);
    assert_eq!(directories().await, before, "nothing was created");

    let made = console
        .post("/console/directories", &[("csrf", &csrf), ("name", "Okta")])
        .await;
    assert_eq!(made.status, 200);
    assert!(made.text.contains("Okta is connected"));
    assert_eq!(directories().await, before + 1);
    // Audited as the operator who signed in with the link.
    let events = app.admin_get("/audit?action=directory.created").await.json;
    let last = events["items"]
        .as_array()
        .and_then(|a| a.last())
        .cloned()
        .unwrap_or_default();
    assert_eq!(last["actor_type"], "console_link");
}

fn operator() -> Actor {
    Actor::new(ActorKind::Cli, "operator")
}

#[actix_rt::test]
async fn a_pasted_admin_token_signs_in_until_the_token_is_revoked() {
    let app = TestApp::new().await;
    let token = app
        .state
        .store
        .write(|conn| {
            let ctx = gatehouse::access::WriteContext::local(&operator(), 1);
            admins::issue(conn, &ctx, &crate::support::app::org_admin_token("ops"))
        })
        .await
        .expect("an admin token");
    let mut console = Console::new(&app);
    let refused = console
        .post("/console/sign-in", &[("token", "gh_wrong")])
        .await;
    assert_eq!(refused.status, 401);
    assert!(refused.text.contains("not a live admin token"));
    assert!(console.cookie.is_none());
    let signed = console
        .post("/console/sign-in", &[("token", &token.secret)])
        .await;
    assert_eq!(signed.status, 303);
    let overview = console.get("/console").await;
    assert!(
        overview.text.contains("Admin token “ops”"),
        "{}",
        overview.text
    );
    let id = token.id.clone();
    app.state
        .store
        .write(move |conn| {
            admins::revoke(
                conn,
                &gatehouse::access::WriteContext::local(&operator(), 2),
                &id,
            )
        })
        .await
        .expect("revoked");
    assert_eq!(
        console.get("/console").await.status,
        303,
        "the token is revoked"
    );
}

#[actix_rt::test]
async fn behind_an_https_proxy_the_cookie_is_secure() {
    let app = TestApp::new().await;
    let code = link_code(&app).await;
    let mut console = Console::new(&app);
    let origin = app.base.replacen("http://", "https://", 1);
    let signed = console
        .post_with(
            "/console/sign-in",
            &[("code", &code)],
            &[("X-Forwarded-Proto", "https"), ("Origin", &origin)],
        )
        .await;
    assert_eq!(signed.status, 303, "{}", signed.text);
    assert!(signed
        .header("set-cookie")
        .unwrap_or_default()
        .contains("Secure"));
}

#[actix_rt::test]
async fn every_console_response_forbids_inline_code_framing_and_caching() {
    let app = TestApp::new().await;
    let mut console = Console::signed_in(&app).await;
    for path in ["/console", "/console/sign-in", "/console/no-such-page"] {
        let page = console.get(path).await;
        let csp = page.header("content-security-policy").expect("a CSP");
        assert!(
            csp.contains("script-src 'self'") && csp.contains("style-src 'self'"),
            "{csp}"
        );
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(page.header("x-frame-options").as_deref(), Some("DENY"));
        assert_eq!(page.header("cache-control").as_deref(), Some("no-store"));
        assert!(
            !page.text.contains("style=\""),
            "{path} has an inline style"
        );
        assert!(
            !page.text.contains("<script>"),
            "{path} has an inline script"
        );
    }
    let missing = console.get("/console/no-such-page").await;
    assert_eq!(missing.status, 404);
    let css = console.get("/console/assets/console.css").await;
    assert_eq!(css.status, 200);
    assert!(css
        .header("cache-control")
        .unwrap_or_default()
        .contains("max-age"));
}

#[actix_rt::test]
async fn the_cli_prints_a_link_that_signs_in() {
    let db = crate::support::db::TestDb::new();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args([
            "console",
            "link",
            "--json",
            "--public-url",
            "https://gatehouse.example/",
        ])
        .args(["--database-url", &db.url])
        .output()
        .expect("gatehouse runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let url = printed["url"].as_str().expect("a url");
    let code = url
        .strip_prefix("https://gatehouse.example/console/sign-in?code=gh_")
        .map(|rest| format!("gh_{rest}"))
        .unwrap_or_else(|| panic!("{url}"));
    let app = TestApp::builder().database(db).start().await;
    let mut console = Console::new(&app);
    assert_eq!(
        console
            .post("/console/sign-in", &[("code", &code)])
            .await
            .status,
        303
    );
    assert_eq!(console.get("/console").await.status, 200);
}

#[actix_rt::test]
async fn a_search_after_the_session_ended_sends_the_window_to_sign_in() {
    let app = TestApp::new().await;
    let mut console = Console::new(&app);
    for path in [
        "/console/mappings/groups?q=x",
        "/console/people/search?q=xy",
    ] {
        let partial = console.get(path).await;
        assert_eq!(partial.status, 200, "{path}");
        assert_eq!(
            partial.header("hx-redirect").as_deref(),
            Some("/console/sign-in")
        );
        assert!(partial.text.is_empty());
    }
}

#[actix_rt::test]
async fn a_form_holding_a_nul_character_is_refused_and_changes_nothing() {
    let app = TestApp::new().await;
    let mut console = Console::signed_in(&app).await;
    let before = app.admin_get("/directories").await.json["items"].clone();
    let refused = console
        .submit(
            "/console/directories",
            "/console/directories",
            &[("name", "Ok\0ta")],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.text);
    assert!(refused.text.contains("NUL character"), "{}", refused.text);
    assert_eq!(app.admin_get("/directories").await.json["items"], before);
    let signing_in = Console::new(&app)
        .post("/console/sign-in", &[("token", "gh_\0")])
        .await;
    assert_eq!(signing_in.status, 400);
}

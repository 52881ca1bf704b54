//! An IT admin's day in the console, in a real headless Chromium: sign in
//! with a link, connect a directory, push a group over SCIM, map it, see a
//! pushed user gain access, decide requests, turn IT-only mode on and see
//! what it closed, download the access CSV. On the way: every page is
//! labelled, reachable by keyboard, loads nothing from elsewhere, and fits
//! 1280 and 390 pixel windows; screenshots for the README are taken.

use actix_web::http::Method;
use fantoccini::key::Key;
use serde_json::{json, Value};

use super::client::link_code;
use crate::support::browser::Browser;
use crate::support::TestApp;

/// Checks every page should pass: controls labelled, no inline style, no
/// request to another host, no sideways scrolling at this width.
async fn check_page(browser: &Browser, app: &TestApp) {
    let unlabelled = browser
        .js("return [...document.querySelectorAll('input:not([type=hidden]),select,textarea,button,a')]
              .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                           && !(e.innerText || '').trim())
              .map(e => e.outerHTML.slice(0, 120));")
        .await;
    assert_eq!(unlabelled, json!([]), "controls without a label");
    let styled = browser
        .js("return document.querySelectorAll('[style]').length;")
        .await;
    assert_eq!(styled, json!(0), "inline styles (the CSP would block them)");
    browser.assert_no_foreign_requests(&app.base).await;
    let fits = browser
        .js("return document.documentElement.scrollWidth <= window.innerWidth + 1;")
        .await;
    assert_eq!(fits, json!(true), "the page scrolls sideways");
}

async fn visit(browser: &Browser, app: &TestApp, path: &str, heading: &str) {
    browser.goto(&format!("{}{path}", app.base)).await;
    browser.wait_for_text(heading).await;
    check_page(browser, app).await;
}

async fn scim(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let r = app
        .request_as(token, Method::POST, &format!("/scim/v2{path}"))
        .json(&body)
        .send()
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.json
}

#[actix_rt::test]
async fn an_it_admins_day_in_the_console() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::new().await;
    let console = |path: &str| format!("{}{path}", app.base);

    // Sign in with a one-time link.
    let code = link_code(&app).await;
    browser
        .goto(&console(&format!("/console/sign-in?code={code}")))
        .await;
    browser.wait_for("#use-link").await;
    browser.screenshot("sign-in").await;
    browser.click("#use-link").await;
    browser.wait_for_text("Needs attention").await;
    let cookie = browser
        .cookie(gatehouse::http::console::COOKIE)
        .await
        .expect("a session cookie");
    assert_eq!(cookie.http_only(), Some(true));

    // A site and a capped product.
    visit(&browser, &app, "/console/products", "Products and roles").await;
    browser.fill("#site-name", "acme").await;
    browser.click("form[action='/console/sites'] button").await;
    browser.wait_for_text("Site acme created.").await;
    browser.fill("#new-key", "jira").await;
    browser.fill("#new-name", "Jira Software").await;
    browser.fill("#new-cap", "50").await;
    browser
        .click("form[action='/console/products'] button")
        .await;
    browser.wait_for_text("Product jira created").await;
    browser.screenshot("products").await;

    // Connect a directory: its base URL and token, shown once.
    visit(
        &browser,
        &app,
        "/console/directories",
        "Connect an identity provider",
    )
    .await;
    browser.fill("#directory-name", "Okta").await;
    browser
        .click("form[action='/console/directories'] button")
        .await;
    browser.wait_for_text("Okta is connected").await;
    check_page(&browser, &app).await;
    browser.screenshot("directory-connected").await;
    let token = browser
        .js("return document.getElementById('token').value;")
        .await;
    let token = token.as_str().expect("the token").to_owned();
    let base_url = browser
        .js("return document.getElementById('base-url').value;")
        .await;
    assert!(base_url
        .as_str()
        .unwrap_or_default()
        .starts_with(&format!("{}/scim/v2/directories/", app.base)));
    assert!(
        browser.page_text().await.contains("Tenant URL"),
        "Entra's field names"
    );

    // The IdP pushes a user and a group with that token.
    let ada = scim(
        &app,
        &token,
        "/Users",
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "ada@example.com",
            "name": {"givenName": "Ada", "familyName": "Lovelace"},
            "emails": [{"value": "ada@example.com", "type": "work", "primary": true}],
            "active": true
        }),
    )
    .await;
    scim(
        &app,
        &token,
        "/Groups",
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "App-Jira-Users",
            "members": [{"value": ada["id"]}]
        }),
    )
    .await;

    // Map it: found as the admin types, with its directory and size.
    visit(
        &browser,
        &app,
        "/console/mappings",
        "Map a group to a product role",
    )
    .await;
    let presses = browser.tab_to("#group-search").await;
    assert!(presses > 0);
    browser.fill("#group-search", "jira-us").await;
    browser.wait_for_text("App-Jira-Users").await;
    assert!(browser
        .text("#group-results")
        .await
        .contains("Okta · 1 member"));
    // Keyboard only: TAB to the group, SPACE picks it, TAB on to the
    // button, ENTER maps.
    browser.tab_to("#group-results input[type=radio]").await;
    browser.press_key(Key::Space).await;
    let picked = browser
        .js("return document.querySelector('#group-results input[type=radio]').checked;")
        .await;
    assert_eq!(picked, json!(true));
    browser.select("#role", "jira:user").await;
    browser.tab_to("#map-group").await;
    browser.screenshot("mappings").await;
    browser.press_key(Key::Enter).await;
    browser
        .wait_for_text("App-Jira-Users is mapped to jira:user.")
        .await;
    assert!(browser.page_text().await.contains("bound"));

    // Ada gained access, from the synced group.
    visit(&browser, &app, "/console/people", "Find a person").await;
    browser.fill("#people-search", "ada@").await;
    browser.wait_for("#people-results a").await;
    browser.click("#people-results a").await;
    browser.wait_for_text("jira:user").await;
    let access = browser.text("#person-access").await;
    assert!(
        access.contains("App-Jira-Users") && access.contains("synced from"),
        "{access}"
    );
    check_page(&browser, &app).await;
    browser.screenshot("person").await;

    // Requests: approve one, deny one with a message.
    for who in ["bob@example.com", "cy@example.com", "dee@example.com"] {
        app.create_user(who).await;
    }
    for who in ["bob@example.com", "cy@example.com"] {
        let r = app
            .api_post(
                "/access-requests",
                &json!({"requester": who, "product": "jira"}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    visit(&browser, &app, "/console/requests", "Requests").await;
    browser.screenshot("requests").await;
    browser
        .click("button[aria-label^='Approve bob@example.com']")
        .await;
    browser
        .wait_for_text("Approved: bob@example.com now has jira.")
        .await;
    browser
        .fill(
            "input[id^='deny-message-']",
            "Please ask your manager first",
        )
        .await;
    browser
        .click("button[aria-label^='Deny cy@example.com']")
        .await;
    browser.wait_for_text("Denied: cy@example.com").await;
    let decided = browser.page_text().await;
    assert!(
        decided.contains("Please ask your manager first"),
        "{decided}"
    );

    // IT-only mode: first what it will close, then what it closed.
    let r = app
        .api_post(
            "/access-requests",
            &json!({"requester": "dee@example.com", "product": "jira"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    visit(&browser, &app, "/console/policy", "IT-only mode").await;
    let preview = browser.text("#it-only-preview").await;
    assert!(
        preview.contains("1 pending access request(s) will be closed"),
        "{preview}"
    );
    // Bob's approved access came from a request, not a synced group.
    assert!(preview.contains("1 licensed access(es)"), "{preview}");
    browser.screenshot("policy").await;
    browser.click("#turn-on").await;
    browser.wait_for_text("What it closed").await;
    let closed = browser.text("#it-only-closed").await;
    assert!(
        closed.contains("1 pending access request(s) closed"),
        "{closed}"
    );
    check_page(&browser, &app).await;
    browser.screenshot("it-only-on").await;
    let policy = app.admin_get("/policy").await;
    assert_eq!(policy.json["effective"]["it_only"], true);

    // Reports, and the access CSV the link downloads.
    visit(
        &browser,
        &app,
        "/console/reports",
        "License use, last 30 days",
    )
    .await;
    browser.screenshot("reports").await;
    let href = browser
        .js("return document.getElementById('download-access').href;")
        .await;
    let csv = awc::Client::new()
        .get(href.as_str().expect("a link"))
        .insert_header(("Cookie", format!("{}={}", cookie.name(), cookie.value())))
        .send()
        .await;
    let mut csv = csv.expect("the download");
    assert_eq!(csv.status(), 200);
    let disposition = csv
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        disposition.contains("attachment") && disposition.contains("access.csv"),
        "{disposition}"
    );
    let body = String::from_utf8_lossy(&csv.body().await.expect("a body")).into_owned();
    assert!(body.starts_with("product,role,user"), "{body}");
    assert!(
        body.contains("ada@example.com") && body.contains("bob@example.com"),
        "{body}"
    );

    visit(
        &browser,
        &app,
        "/console/reports/non-synced",
        "Non-synced access (1)",
    )
    .await;
    assert!(browser.page_text().await.contains("bob@example.com"));
    visit(
        &browser,
        &app,
        "/console/reports/leavers",
        "Leavers still holding access",
    )
    .await;

    // The rest of the pages, for the README.
    visit(&browser, &app, "/console", "Needs attention").await;
    browser.screenshot("overview").await;
    visit(&browser, &app, "/console/audit", "Audit log").await;
    assert!(browser.page_text().await.contains("console_link"));
    browser.screenshot("audit").await;
    visit(&browser, &app, "/console/guests", "Guests").await;

    // A phone-sized window: everything still fits.
    browser.set_width(390).await;
    for (path, heading) in [
        ("/console", "Needs attention"),
        ("/console/mappings", "Map a group"),
        ("/console/people", "Find a person"),
        ("/console/policy", "IT-only mode"),
        ("/console/reports", "License use"),
        ("/console/audit", "Audit log"),
    ] {
        visit(&browser, &app, path, heading).await;
        if path == "/console/policy" {
            browser.screenshot("narrow-policy").await;
        }
    }

    // Signing out from the header.
    browser.click(".signout button").await;
    browser.wait_for_text("You are signed out.").await;
    browser.goto(&console("/console/people")).await;
    browser.wait_for_text("Sign in with an admin token").await;
}

//! The browser harness itself: chromedriver starts, Chromium opens a page of
//! the running app and reads it back.

use crate::support::browser::Browser;
use crate::support::TestApp;

#[actix_web::test]
async fn a_headless_chromium_opens_a_page_of_the_app() {
    let app = TestApp::new().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let url = format!("{}/healthz", app.base);
    browser.goto(&url).await;
    assert_eq!(browser.current_url().await, url);
    browser.wait_for_text("\"status\":\"ok\"").await;
    let text = browser.page_text().await;
    assert!(text.contains("\"status\":\"ok\""), "{text}");
    let loaded = browser.assert_no_foreign_requests(&app.base).await;
    assert!(loaded.contains(&url), "{loaded:?}");
}

/// The helpers the console's tests use, on a plain form page: typing,
/// choosing, submitting with Enter, waiting, tabbing, resizing, cookies.
#[actix_web::test]
async fn the_helpers_drive_a_plain_form() {
    use base64::Engine as _;

    let app = TestApp::new().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let page = r#"<!doctype html><title>form</title>
        <a id="first" href="javascript:void 0">first</a>
        <form onsubmit="event.preventDefault();
                document.getElementById('out').textContent = 'sent ' + this.q.value + ' ' + this.s.value">
            <input id="q" name="q" value="old">
            <select id="s" name="s"><option value="a">A</option><option value="b">B</option></select>
            <button id="go">Go</button>
        </form>
        <p id="out"></p>
        <p id="later"></p>
        <script>setTimeout(() => document.getElementById('later').textContent = 'arrived', 300)</script>"#;
    let data = base64::engine::general_purpose::STANDARD.encode(page);
    browser.goto(&format!("data:text/html;base64,{data}")).await;

    browser.wait_for_text("arrived").await;
    browser.fill("#q", "hello").await;
    browser.select("#s", "b").await;
    browser.press_enter("#q").await;
    assert_eq!(browser.text("#out").await, "sent hello b");

    browser.click("#go").await;
    assert_eq!(browser.tab_to("#first").await, 1);
    assert_eq!(browser.tab_to("#go").await, 4);

    browser.set_width(600).await;
    assert_eq!(browser.js("return window.outerWidth").await, 600);

    browser.goto(&format!("{}/healthz", app.base)).await;
    browser.js("document.cookie = 'probe=1; path=/'").await;
    assert_eq!(browser.cookie("probe").await.unwrap().value(), "1");
    assert!(browser.cookie("absent").await.is_none());
}

//! A real headless Chromium, driven over WebDriver, for the console's
//! end-to-end tests.
//!
//! Each `Browser` runs its own chromedriver on a free loopback port (tests
//! run in parallel in this binary), and ends it and its Chromium when
//! dropped, a panicking test included. Without chromedriver a browser test
//! is skipped, loudly, unless GATEHOUSE_BROWSER_REQUIRED is set (as
//! `.ci/run` does): then it fails.
//!
//! The helpers wait (up to `WAIT`) for what they act on, and their panics
//! say where the browser was and what the page said.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
pub use fantoccini::cookies::Cookie;
use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

/// How long a helper waits for an element or a text to appear.
pub const WAIT: Duration = Duration::from_secs(10);
/// How often it looks while waiting.
const POLL: Duration = Duration::from_millis(50);
/// How long chromedriver may take to answer `/status`.
const DRIVER_START: Duration = Duration::from_secs(20);
/// The most TAB presses `tab_to` makes.
const MAX_TABS: usize = 60;
const CHROMIUM: &str = "/usr/bin/chromium";

/// A headless Chromium session with its own chromedriver.
pub struct Browser {
    // Dropped first, then the driver (which ends the session and both
    // processes).
    client: Client,
    _driver: Driver,
}

/// A chromedriver process and the session it serves.
struct Driver {
    child: Child,
    port: u16,
    session: Option<String>,
    /// chromedriver's stdout and stderr, for failure messages.
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium. `None` (with a loud
    /// message) when chromedriver is not installed and
    /// GATEHOUSE_BROWSER_REQUIRED is not set.
    pub async fn start() -> Option<Browser> {
        let Some(chromedriver) = find_chromedriver() else {
            if env_set("GATEHOUSE_BROWSER_REQUIRED") {
                panic!(
                    "chromium-driver is not installed; .ci/run installs it \
                     (apt-get install chromium chromium-driver). \
                     GATEHOUSE_BROWSER_REQUIRED is set, so browser tests fail rather than skip"
                );
            }
            // Straight to stderr, not eprintln!: the test harness would
            // swallow that for a test that passes.
            let _ = writeln!(
                std::io::stderr().lock(),
                "\n!!!!!!!! BROWSER TEST SKIPPED: chromium-driver is not installed \
                 (no /usr/bin/chromedriver, none on PATH). \
                 `apt-get install chromium chromium-driver`, as .ci/run does, to run it. !!!!!!!!\n"
            );
            return None;
        };
        // The free port found may be taken before chromedriver binds it
        // (another test, another process): then try another one.
        let mut attempt = 1;
        let mut driver = loop {
            match Driver::spawn(&chromedriver).await {
                Ok(driver) => break driver,
                Err(e) if attempt < 3 => {
                    eprintln!("chromedriver did not start (attempt {attempt}): {e}");
                    attempt += 1;
                }
                Err(e) => panic!("chromedriver did not start: {e}"),
            }
        };
        // Plain HTTP to chromedriver on loopback: no TLS connector.
        let connect = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities())
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await;
        let client = match connect {
            Ok(client) => client,
            Err(e) => panic!(
                "chromedriver could not start Chromium: {e}\nchromedriver's log:\n{}",
                driver.log_text()
            ),
        };
        driver.session = client.session_id().await.ok().flatten();
        Some(Browser {
            client,
            _driver: driver,
        })
    }

    /// The fantoccini client, for what the helpers don't cover.
    #[allow(dead_code)]
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Opens a URL and waits for its page to load.
    pub async fn goto(&self, url: &str) {
        if let Err(e) = self.client.goto(url).await {
            panic!("could not open {url}: {e}\n{}", self.context().await);
        }
    }

    /// The address the browser is at.
    pub async fn current_url(&self) -> String {
        match self.client.current_url().await {
            Ok(url) => url.to_string(),
            Err(e) => panic!("could not read the current URL: {e}"),
        }
    }

    /// The element `css` selects, once there is one (waits up to `WAIT`).
    pub async fn wait_for(&self, css: &str) -> Element {
        let deadline = Instant::now() + WAIT;
        loop {
            match self.client.find(Locator::Css(css)).await {
                Ok(element) => return element,
                Err(e) if e.is_no_such_element() && Instant::now() < deadline => {
                    tokio::time::sleep(POLL).await;
                }
                Err(e) if e.is_no_such_element() => panic!(
                    "no element matches {css:?} after {WAIT:?}\n{}",
                    self.context().await
                ),
                Err(e) => panic!("finding {css:?} failed: {e}\n{}", self.context().await),
            }
        }
    }

    /// Waits (up to `WAIT`) until the page's text contains `text`.
    pub async fn wait_for_text(&self, text: &str) {
        let deadline = Instant::now() + WAIT;
        while !self.page_text().await.contains(text) {
            if Instant::now() >= deadline {
                panic!(
                    "the page does not say {text:?} after {WAIT:?}\n{}",
                    self.context().await
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Clears the field `css` selects and types `text` into it.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.wait_for(css).await;
        if let Err(e) = field.clear().await {
            panic!("could not clear {css:?}: {e}\n{}", self.context().await);
        }
        if let Err(e) = field.send_keys(text).await {
            panic!(
                "could not type {text:?} into {css:?}: {e}\n{}",
                self.context().await
            );
        }
    }

    /// Clicks the element `css` selects.
    pub async fn click(&self, css: &str) {
        let element = self.wait_for(css).await;
        if let Err(e) = element.click().await {
            panic!("could not click {css:?}: {e}\n{}", self.context().await);
        }
    }

    /// Presses Enter in the element `css` selects (e.g. to submit a form
    /// from a field).
    pub async fn press_enter(&self, css: &str) {
        let element = self.wait_for(css).await;
        if let Err(e) = element.send_keys(&Key::Enter.to_string()).await {
            panic!(
                "could not press Enter in {css:?}: {e}\n{}",
                self.context().await
            );
        }
    }

    /// Picks the option with this `value` in the `<select>` `css` selects.
    pub async fn select(&self, css: &str, value: &str) {
        let element = self.wait_for(css).await;
        if let Err(e) = element.select_by_value(value).await {
            panic!(
                "could not select value {value:?} in {css:?}: {e}\n{}",
                self.context().await
            );
        }
    }

    /// The rendered text of the element `css` selects.
    pub async fn text(&self, css: &str) -> String {
        let element = self.wait_for(css).await;
        match element.text().await {
            Ok(text) => text,
            Err(e) => panic!(
                "could not read the text of {css:?}: {e}\n{}",
                self.context().await
            ),
        }
    }

    /// The page's rendered text (`document.body.innerText`).
    pub async fn page_text(&self) -> String {
        match self.try_page_text().await {
            Ok(text) => text,
            Err(e) => panic!("could not read the page's text: {e}"),
        }
    }

    /// Runs `script` in the page (`return` gives a value) and gives back
    /// what it returned.
    pub async fn js(&self, script: &str) -> Value {
        match self.client.execute(script, vec![]).await {
            Ok(value) => value,
            Err(e) => panic!(
                "script failed: {e}\nscript: {script}\n{}",
                self.context().await
            ),
        }
    }

    /// Makes the window `px` wide, keeping its height.
    pub async fn set_width(&self, px: u32) {
        let height = match self.client.get_window_size().await {
            Ok((_, height)) => u32::try_from(height).unwrap_or(900),
            Err(e) => panic!("could not read the window size: {e}"),
        };
        if let Err(e) = self.client.set_window_size(px, height).await {
            panic!("could not make the window {px}x{height}: {e}");
        }
    }

    /// The cookie of this name the current page sees, if any.
    pub async fn cookie(&self, name: &str) -> Option<Cookie<'static>> {
        match self.client.get_named_cookie(name).await {
            Ok(cookie) => Some(cookie),
            Err(e) if e.is_no_such_cookie() => None,
            Err(e) => panic!(
                "could not read cookie {name:?}: {e}\n{}",
                self.context().await
            ),
        }
    }

    /// Presses TAB, starting from the top of the page, until the focused
    /// element matches `css`; gives the number of presses. Proves the
    /// element can be reached with the keyboard alone.
    pub async fn tab_to(&self, css: &str) -> usize {
        // Focus the body, so that the first TAB goes to the first focusable
        // element, wherever focus or the last click was.
        self.js("if (document.activeElement) document.activeElement.blur();
             const had = document.body.hasAttribute('tabindex');
             if (!had) document.body.setAttribute('tabindex', '-1');
             document.body.focus();
             if (!had) document.body.removeAttribute('tabindex');
             return null;")
            .await;
        let mut path = Vec::new();
        for presses in 1..=MAX_TABS {
            self.press_key(Key::Tab).await;
            let found = self
                .client
                .execute(
                    "const e = document.activeElement;
                     if (!e) return [false, ''];
                     const name = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                         + (e.getAttribute('name') ? '[name=' + e.getAttribute('name') + ']' : '')
                         + ' ' + JSON.stringify((e.innerText || e.value || '').trim().slice(0, 30));
                     return [e.matches(arguments[0]), name];",
                    vec![json!(css)],
                )
                .await;
            match found {
                Ok(Value::Array(found)) if found.first() == Some(&Value::Bool(true)) => {
                    return presses
                }
                Ok(Value::Array(found)) => path.push(
                    found
                        .get(1)
                        .and_then(Value::as_str)
                        .unwrap_or("?")
                        .to_owned(),
                ),
                Ok(other) => panic!("unexpected answer while tabbing: {other}"),
                Err(e) => panic!("could not read the focused element: {e}"),
            }
        }
        panic!(
            "{MAX_TABS} TAB presses never focused {css:?}; focus went through: {}\n{}",
            path.join(" → "),
            self.context().await
        );
    }

    /// Presses and releases one key wherever focus is.
    pub async fn press_key(&self, key: Key) {
        let keys = KeyActions::new("keyboard".to_owned())
            .then(KeyAction::Down { value: key.into() })
            .then(KeyAction::Up { value: key.into() });
        if let Err(e) = self.client.perform_actions(keys).await {
            panic!("could not press {key:?}: {e}\n{}", self.context().await);
        }
    }

    /// Asserts that the current page and everything it loaded (scripts,
    /// styles, images, fetches: the Resource Timing entries) came from
    /// `base` (the app's `TestApp::base`), not from any other host; gives
    /// back the URLs loaded. Entries are per page, so call it on each page
    /// worth checking, once it has done its work.
    pub async fn assert_no_foreign_requests(&self, base: &str) -> Vec<String> {
        let base = base.trim_end_matches('/');
        let names = self
            .js("return performance.getEntriesByType('navigation')
                     .concat(performance.getEntriesByType('resource'))
                     .map(e => e.name);")
            .await;
        let names: Vec<String> = names
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let foreign: Vec<&String> = names
            .iter()
            .filter(|name| *name != base && !name.starts_with(&format!("{base}/")))
            .collect();
        assert!(
            foreign.is_empty(),
            "the page loaded from hosts other than {base}: {foreign:?}\n{}",
            self.context().await
        );
        names
    }

    /// Saves a PNG of the window to `docs/console/<name>.png`, when
    /// GATEHOUSE_SCREENSHOTS is set or this run's database is SQLite (so CI
    /// takes them once, in its SQLite run); gives back the path written.
    #[allow(dead_code)] // the console's tests take them; the smoke test does not
    pub async fn screenshot(&self, name: &str) -> Option<PathBuf> {
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "a screenshot's name is a plain file name without .png: {name:?}"
        );
        if !screenshots_wanted() {
            return None;
        }
        let png = match self.client.screenshot().await {
            Ok(png) => png,
            Err(e) => panic!(
                "could not take screenshot {name}: {e}\n{}",
                self.context().await
            ),
        };
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/console");
        std::fs::create_dir_all(&dir).expect("create docs/console");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write the screenshot");
        Some(path)
    }

    async fn try_page_text(&self) -> Result<String, CmdError> {
        let text = self
            .client
            .execute(
                "return document.body ? document.body.innerText : '';",
                vec![],
            )
            .await?;
        Ok(text.as_str().unwrap_or_default().to_owned())
    }

    /// Where the browser is and the start of what the page says, for
    /// failure messages.
    async fn context(&self) -> String {
        let url = match self.client.current_url().await {
            Ok(url) => url.to_string(),
            Err(e) => format!("(unknown: {e})"),
        };
        let text = match self.try_page_text().await {
            Ok(text) => {
                let mut snippet: String = text.chars().take(800).collect();
                if snippet.len() < text.len() {
                    snippet.push('…');
                }
                snippet
            }
            Err(e) => format!("(unreadable: {e})"),
        };
        format!("browser at: {url}\npage text:\n{text}")
    }
}

impl Driver {
    /// Starts chromedriver on a free port and waits until it is ready.
    async fn spawn(chromedriver: &Path) -> Result<Driver, String> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
        let log = dir.path().join("chromedriver.log");
        let out = std::fs::File::create(&log).map_err(|e| format!("log file: {e}"))?;
        let err = out.try_clone().map_err(|e| format!("log file: {e}"))?;
        let child = {
            use std::os::unix::process::CommandExt;
            Command::new(chromedriver)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(out)
                .stderr(err)
                // Its own process group, which Chromium's processes join:
                // Drop ends them all at once.
                .process_group(0)
                .spawn()
                .map_err(|e| format!("could not run {}: {e}", chromedriver.display()))?
        };
        let mut driver = Driver {
            child,
            port,
            session: None,
            log,
            _dir: dir,
        };
        let deadline = Instant::now() + DRIVER_START;
        loop {
            if let Ok(Some(status)) = driver.child.try_wait() {
                return Err(format!(
                    "chromedriver exited ({status}) on port {port}:\n{}",
                    driver.log_text()
                ));
            }
            if driver.ready().await {
                return Ok(driver);
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "chromedriver did not answer /status on port {port} within {DRIVER_START:?}:\n{}",
                    driver.log_text()
                ));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Whether chromedriver says it is ready for a new session.
    async fn ready(&self) -> bool {
        let client = awc::Client::builder()
            .timeout(Duration::from_secs(2))
            .finish();
        let url = format!("http://127.0.0.1:{}/status", self.port);
        let Ok(mut response) = client.get(url).send().await else {
            return false;
        };
        match response.json::<Value>().await {
            Ok(status) => status["value"]["ready"] == Value::Bool(true),
            Err(_) => false,
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Asks chromedriver to end the session, which closes Chromium.
    /// Blocking, as Drop is; a few seconds at most.
    fn delete_session(&self, session: &str) -> std::io::Result<()> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        stream.set_write_timeout(Some(Duration::from_secs(5)))?;
        write!(
            stream,
            "DELETE /session/{session} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.port
        )?;
        // The answer comes once the session (and Chromium) is gone; its
        // first bytes are enough.
        let mut answer = [0u8; 512];
        let _ = stream.read(&mut answer)?;
        Ok(())
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(session) = self.session.take() {
            let _ = self.delete_session(&session);
        }
        // Whatever is left of chromedriver and Chromium: the whole group.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The WebDriver capabilities: headless Chromium, sized like a laptop
/// screen, in US English; Debian's /usr/bin/chromium where it exists.
fn capabilities() -> serde_json::Map<String, Value> {
    let mut chrome = json!({
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--window-size=1280,900",
            "--lang=en-US",
            // No traffic beyond loopback: no background updates or pings,
            // and no host name resolves (the app is at 127.0.0.1). A page
            // that still asks another host fails to load it, and
            // `assert_no_foreign_requests` names it.
            "--disable-background-networking",
            "--disable-component-update",
            "--no-pings",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
        ],
    });
    if Path::new(CHROMIUM).exists() {
        chrome["binary"] = json!(CHROMIUM);
    }
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("browserName".into(), json!("chrome"));
    capabilities.insert("goog:chromeOptions".into(), chrome);
    capabilities
}

/// /usr/bin/chromedriver, else a `chromedriver` on PATH.
fn find_chromedriver() -> Option<PathBuf> {
    let usual = PathBuf::from("/usr/bin/chromedriver");
    if usual.is_file() {
        return Some(usual);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromedriver"))
        .find(|candidate| candidate.is_file())
}

/// Screenshots when asked for, or when this run's database is SQLite (as
/// `TestDb::new` decides: GATEHOUSE_TEST_POSTGRES unset or empty).
fn screenshots_wanted() -> bool {
    env_set("GATEHOUSE_SCREENSHOTS") || !env_set("GATEHOUSE_TEST_POSTGRES")
}

fn env_set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty())
}

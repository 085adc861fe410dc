//! A real browser for the web page tests: Debian's Chromium, headless, driven over W3C
//! WebDriver through its chromedriver. The pages are checked the way a person sees them (the
//! language their browser asks for, a phone-sized window, a click), not by reading HTML.
//!
//! The client is a dozen WebDriver commands over reqwest rather than a WebDriver crate: that is
//! all the page tests need, and a crate would bring its own HTTP stack and runtime. Each
//! [`Browser`] has a chromedriver of its own on a free loopback port and a fresh profile, so
//! tests in parallel threads share nothing; Chromium starts once per browser, and that start is
//! the slow part, so a test keeps one browser for all its pages.
//!
//! `scripts/test` installs Debian's `chromium` and `chromium-driver`; without them the browser
//! tests skip, unless `CONVOCA_REQUIRE_BROWSER=1` (CI), where they fail.
#![allow(dead_code)]

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};

/// The phone-sized window pages must fit without scrolling sideways, in CSS pixels: the width
/// of the narrowest phones in common use.
pub const PHONE: (u32, u32) = (375, 740);

/// How long chromedriver may take to say it is ready, with room for a machine busy compiling.
const DRIVER_START: Duration = Duration::from_secs(20);

/// How long one WebDriver command may take. Creating the session starts Chromium, the slowest
/// command; past this the test fails instead of hanging.
const COMMAND: Duration = Duration::from_secs(60);

/// How long a page may take to load before `goto` fails.
const PAGE_LOAD: Duration = Duration::from_secs(20);

/// How long closing the browser may take when the test is over.
const QUIT: Duration = Duration::from_secs(5);

/// The key under which WebDriver names an element (fixed by the W3C standard).
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// What a browser is started with.
#[derive(Clone, Debug)]
pub struct Options {
    /// The languages the browser prefers, in order, without weights: `es`, `en-US,en`.
    /// Chromium adds the weights when it sends them (`en-US,en;q=0.9`).
    pub accept_language: String,
    /// The viewport's width and height in CSS pixels (see [`Browser::set_window_size`]).
    pub window: (u32, u32),
    /// The folder under `target/screenshots/` for this browser's screenshots; the test's name
    /// when `None` (the name of the thread that started the browser, which the test harness
    /// names after the test).
    pub screenshots: Option<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options { accept_language: "en-US,en".into(), window: (1280, 900), screenshots: None }
    }
}

impl Options {
    /// A desktop-sized browser that prefers `accept_language`.
    pub fn language(accept_language: &str) -> Options {
        Options { accept_language: accept_language.into(), ..Options::default() }
    }
}

/// Chromium and its chromedriver: `CONVOCA_CHROMIUM` and `CONVOCA_CHROMEDRIVER` (set by
/// `scripts/test`), else where Debian's packages put them.
#[derive(Clone, Debug)]
pub struct Installed {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

impl Installed {
    /// The paths, whether or not anything is there.
    fn expected() -> Installed {
        let path = |var: &str, default: &str| std::env::var_os(var).map(PathBuf::from).unwrap_or(default.into());
        Installed {
            chromium: path("CONVOCA_CHROMIUM", "/usr/bin/chromium"),
            chromedriver: path("CONVOCA_CHROMEDRIVER", "/usr/bin/chromedriver"),
        }
    }

    /// The paths when both are there.
    pub fn find() -> Option<Installed> {
        let expected = Installed::expected();
        (expected.chromium.is_file() && expected.chromedriver.is_file()).then_some(expected)
    }
}

/// A started browser, or `None` (with a notice) when Chromium or chromedriver is not
/// installed. Under `CONVOCA_REQUIRE_BROWSER=1` (CI) a missing browser fails the test.
pub async fn browser_or_skip(options: Options) -> Option<Browser> {
    if Installed::find().is_none() {
        let Installed { chromium, chromedriver } = Installed::expected();
        let (chromium, chromedriver) = (chromium.display(), chromedriver.display());
        if std::env::var("CONVOCA_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!(
                "CONVOCA_REQUIRE_BROWSER=1 but Chromium ({chromium}) or chromedriver ({chromedriver}) is not installed: run scripts/test"
            );
        }
        eprintln!(
            "notice: Chromium ({chromium}) or chromedriver ({chromedriver}) is not installed; skipping this browser test (scripts/test installs them)"
        );
        return None;
    }
    Some(Browser::start(options).await)
}

/// A headless Chromium with one WebDriver session. Closed, with its chromedriver, when dropped.
pub struct Browser {
    session: Session,
    screenshots: PathBuf,
    // Dropped in this order: the driver (and the browser under it) before the profile it used.
    driver: Driver,
    profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and, through it, Chromium. Fails the test when either is missing or
    /// does not start; [`browser_or_skip`] is for tests that may skip instead.
    pub async fn start(options: Options) -> Browser {
        let installed = Installed::find().expect("Chromium and chromedriver are installed: run scripts/test");
        let profile = tempfile::tempdir().expect("tempdir for the browser's profile");
        let http = reqwest::Client::builder().no_proxy().timeout(COMMAND).build().expect("HTTP client");
        let driver = Driver::start(&installed.chromedriver, profile.path(), &http).await;
        let capabilities = capabilities(&installed.chromium, &options, &profile.path().join("chromium"));
        let created = request(&http, Method::POST, &format!("{}/session", driver.url), Some(capabilities))
            .await
            .unwrap_or_else(|e| panic!("Chromium did not start: {e}\nchromedriver's log:\n{}", driver.log()));
        let id = created["sessionId"].as_str().expect("a new session has an id");
        let session = Session { http, url: format!("{}/session/{id}", driver.url) };
        let folder = options.screenshots.unwrap_or_else(test_name);
        let screenshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots").join(folder);
        let browser = Browser { session, screenshots, driver, profile };
        // Not `--window-size`: Chromium makes a window it starts at least 500 px wide.
        browser.set_window_size(options.window.0, options.window.1).await;
        browser
    }

    /// Opens `url` and returns once it has loaded.
    pub async fn goto(&self, url: &str) {
        self.session.post("url", json!({ "url": url }), &format!("goto {url}")).await;
    }

    /// The address of the page shown.
    pub async fn current_url(&self) -> String {
        string(self.session.get("url", "current_url").await)
    }

    /// The page's `<title>`.
    pub async fn title(&self) -> String {
        string(self.session.get("title", "title").await)
    }

    /// The page's HTML as the browser has it now.
    pub async fn source(&self) -> String {
        string(self.session.get("source", "source").await)
    }

    /// The first element matching the CSS selector; fails the test when there is none.
    pub async fn find(&self, css: &str) -> Element {
        let found = self.session.post("element", locator(css), &format!("find {css:?}")).await;
        self.element(&found)
    }

    /// Every element matching the CSS selector, in document order; empty when none does.
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        let found = self.session.post("elements", locator(css), &format!("find_all {css:?}")).await;
        found.as_array().expect("a list of elements").iter().map(|e| self.element(e)).collect()
    }

    fn element(&self, found: &Value) -> Element {
        let id = found[ELEMENT].as_str().expect("an element reference");
        Element { session: self.session.clone(), id: id.to_string() }
    }

    /// Runs `script` as the body of a function in the page (`return` gives its value;
    /// `arguments[i]` are `args`) and returns what it returned.
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.session.post("execute/sync", json!({ "script": script, "args": args }), "execute").await
    }

    /// Makes the viewport, what the page is laid out in, `width` × `height` CSS pixels (a
    /// vertical scrollbar, when the page has one, is inside it). Headless Chromium still counts a
    /// frame above the page in its window's height (143 px here), so the window is sized, the
    /// viewport measured, and the window sized again by the difference.
    pub async fn set_window_size(&self, width: u32, height: u32) {
        let wanted = (i64::from(width), i64::from(height));
        let mut window = wanted;
        for _ in 0..3 {
            let rect = json!({ "width": window.0, "height": window.1 });
            self.session.post("window/rect", rect, &format!("set_window_size {width}x{height}")).await;
            let viewport = self.viewport().await;
            if viewport == wanted {
                return;
            }
            window = (window.0 + wanted.0 - viewport.0, window.1 + wanted.1 - viewport.1);
        }
        panic!("the browser would not make its viewport {width}x{height}: it is {:?}", self.viewport().await);
    }

    /// The viewport's width and height.
    async fn viewport(&self) -> (i64, i64) {
        let size = self.execute("return [window.innerWidth, window.innerHeight]", vec![]).await;
        (size[0].as_i64().expect("a width"), size[1].as_i64().expect("a height"))
    }

    /// The cookies the browser holds for the page shown, `HttpOnly` ones included.
    pub async fn cookies(&self) -> Vec<Cookie> {
        let all = self.session.get("cookie", "cookies").await;
        serde_json::from_value(all).expect("cookies as WebDriver describes them")
    }

    /// Forgets the cookies of the page shown, as a person clearing them would.
    pub async fn delete_cookies(&self) {
        self.session.send(Method::DELETE, "cookie", None, "delete_cookies").await;
    }

    /// Goes back one page in the history.
    pub async fn back(&self) {
        self.session.post("back", json!({}), "back").await;
    }

    /// Saves the whole page (not only the part in the window) as
    /// `target/screenshots/<folder>/<name>.png`, prints the path and returns it. These are the
    /// test run's artifacts for a person to look at; `target/` is not committed.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.full_page_png().await;
        std::fs::create_dir_all(&self.screenshots).expect("create the screenshots folder");
        let path = self.screenshots.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        println!("screenshot: {}", path.display());
        path
    }

    /// The page as a PNG, through Chromium's DevTools (which chromedriver passes on): the
    /// standard screenshot stops at the window's edge, and a page's lower half matters as much.
    async fn full_page_png(&self) -> Vec<u8> {
        let metrics = self.devtools("Page.getLayoutMetrics", json!({})).await;
        let size = &metrics["cssContentSize"];
        let clip = json!({ "x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1 });
        let params = json!({ "format": "png", "captureBeyondViewport": true, "clip": clip });
        let shot = self.devtools("Page.captureScreenshot", params).await;
        let data = shot["data"].as_str().expect("screenshot data");
        base64::engine::general_purpose::STANDARD.decode(data).expect("screenshot is base64")
    }

    /// A DevTools protocol command, through chromedriver's extension for them.
    async fn devtools(&self, cmd: &str, params: Value) -> Value {
        self.session.post("goog/cdp/execute", json!({ "cmd": cmd, "params": params }), cmd).await
    }

    /// Makes the viewport phone-sized ([`PHONE`]) and measures whether the page then scrolls
    /// sideways. (The window is resized, no phone emulated: the page's `<meta name=viewport>`
    /// is not what is checked.)
    pub async fn phone_widths(&self) -> Widths {
        self.set_window_size(PHONE.0, PHONE.1).await;
        let measured = self.execute(MEASURE_WIDTHS, vec![]).await;
        serde_json::from_value(measured).expect("the page's widths")
    }
}

/// The page's widths: the viewport without its scrollbar, what the page would scroll across,
/// and the first element reaching past the viewport's right edge, to say what to fix.
const MEASURE_WIDTHS: &str = "
    const root = document.documentElement;
    const past = [...document.querySelectorAll('body *')]
        .find(e => e.getBoundingClientRect().right > root.clientWidth + 0.5);
    const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
        + (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
    return { viewport: root.clientWidth, page: root.scrollWidth, widest: past ? name(past) : null };
";

/// What [`Browser::phone_widths`] measured, in CSS pixels.
#[derive(Clone, Debug, Deserialize)]
pub struct Widths {
    /// The visible width.
    pub viewport: u32,
    /// The width the page scrolls across.
    pub page: u32,
    /// The first element reaching past the right edge (`div#chart.wide`), if any.
    pub widest: Option<String>,
}

impl Widths {
    /// Whether a person on a phone has to scroll sideways.
    pub fn scrolls_sideways(&self) -> bool {
        self.page > self.viewport
    }
}

/// A cookie as the browser holds it.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cookie {
    pub name: String,
    pub value: String,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub domain: Option<String>,
    #[serde(default)]
    pub secure: bool,
    #[serde(default)]
    pub http_only: bool,
    /// Seconds since the epoch; `None` for a session cookie.
    #[serde(default)]
    pub expiry: Option<u64>,
    /// `Strict`, `Lax` or `None`.
    #[serde(default)]
    pub same_site: Option<String>,
}

/// An element of the page shown when it was found.
pub struct Element {
    session: Session,
    id: String,
}

impl Element {
    /// The text a person sees in it (hidden parts left out).
    pub async fn text(&self) -> String {
        string(self.session.get(&format!("element/{}/text", self.id), "text").await)
    }

    /// An attribute as written in the HTML, or `None` when the element has none.
    pub async fn attribute(&self, name: &str) -> Option<String> {
        let value = self.session.get(&format!("element/{}/attribute/{name}", self.id), "attribute").await;
        value.as_str().map(str::to_string)
    }

    /// Clicks it as a person would (scrolled into view; fails when something covers it).
    pub async fn click(&self) {
        self.session.post(&format!("element/{}/click", self.id), json!({}), "click").await;
    }
}

/// The session's address on its chromedriver, and the client that speaks to it.
#[derive(Clone)]
struct Session {
    http: reqwest::Client,
    url: String,
}

impl Session {
    async fn get(&self, path: &str, what: &str) -> Value {
        self.send(Method::GET, path, None, what).await
    }

    async fn post(&self, path: &str, body: Value, what: &str) -> Value {
        self.send(Method::POST, path, Some(body), what).await
    }

    /// A command's value; fails the test, naming the command, when WebDriver answers an error.
    async fn send(&self, method: Method, path: &str, body: Option<Value>, what: &str) -> Value {
        let url = if path.is_empty() { self.url.clone() } else { format!("{}/{path}", self.url) };
        request(&self.http, method, &url, body).await.unwrap_or_else(|e| panic!("browser: {what}: {e}"))
    }
}

/// One WebDriver request: its `value`, or the error WebDriver gave (`no such element: …`).
async fn request(http: &reqwest::Client, method: Method, url: &str, body: Option<Value>) -> Result<Value, String> {
    let mut request = http.request(method, url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.map_err(|e| format!("no answer from chromedriver: {e}"))?;
    let status = response.status();
    let mut answer: Value = response.json().await.map_err(|e| format!("{status} and no JSON: {e}"))?;
    let value = answer["value"].take();
    if status.is_success() {
        return Ok(value);
    }
    let error = value["error"].as_str().unwrap_or("error");
    Err(format!("{error}: {}", value["message"].as_str().unwrap_or_default()))
}

/// The session's capabilities: Chromium headless, in a fresh profile, with the languages.
fn capabilities(chromium: &Path, options: &Options, profile: &Path) -> Value {
    assert!(
        !options.accept_language.contains(';'),
        "accept_language {:?}: Chromium takes the languages in order without weights (\"es-419,es,en\") and adds the weights itself",
        options.accept_language
    );
    let args = [
        "--headless=new",
        // As root (the tests' machines) Chromium refuses to start sandboxed.
        "--no-sandbox",
        "--disable-gpu",
        // Nothing but the pages under test: no requests of Chromium's own, no proxy from the
        // environment between the browser and the loopback server.
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--no-proxy-server",
    ]
    .map(String::from)
    .into_iter()
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect::<Vec<_>>();
    let timeouts = json!({ "pageLoad": PAGE_LOAD.as_millis() as u64, "script": 10_000, "implicit": 0 });
    json!({ "capabilities": { "alwaysMatch": {
        "browserName": "chrome",
        "timeouts": timeouts,
        "goog:chromeOptions": {
            "binary": chromium,
            "args": args,
            "prefs": { "intl.accept_languages": options.accept_language },
        },
    } } })
}

fn locator(css: &str) -> Value {
    json!({ "using": "css selector", "value": css })
}

fn string(value: Value) -> String {
    value.as_str().map(str::to_string).unwrap_or_else(|| panic!("browser: a string expected, got {value}"))
}

/// The running test's name, made a folder name.
fn test_name() -> String {
    let name = std::thread::current().name().unwrap_or("unnamed").to_string();
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '-' }).collect()
}

/// A chromedriver on a port of its own, in a process group of its own with the Chromium it
/// starts, so that killing the group leaves no browser behind.
struct Driver {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Driver {
    /// Starts it and waits until it says it is ready. The port is found free and then handed
    /// over, so another process may take it in between: then chromedriver exits and another
    /// port is tried.
    async fn start(path: &Path, dir: &Path, http: &reqwest::Client) -> Driver {
        let log = dir.join("chromedriver.log");
        let mut tries = 3;
        loop {
            let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let child = Command::new(path)
                .arg(format!("--port={port}"))
                .arg(format!("--log-path={}", log.display()))
                .process_group(0)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("could not run {}: {e}", path.display()));
            let mut driver = Driver { child, url: format!("http://127.0.0.1:{port}"), log: log.clone() };
            tries -= 1;
            let why = match driver.ready(http).await {
                Ok(()) => return driver,
                Err(NotReady::Exited(_)) if tries > 0 => continue,
                Err(NotReady::Exited(status)) => format!("it exited ({status})"),
                Err(NotReady::Late) => format!("not ready after {} s", DRIVER_START.as_secs()),
            };
            panic!("chromedriver did not start: {why}; its log:\n{}", driver.log());
        }
    }

    /// Polls `/status` until chromedriver is ready, it exits, or [`DRIVER_START`] is up.
    async fn ready(&mut self, http: &reqwest::Client) -> Result<(), NotReady> {
        let deadline = Instant::now() + DRIVER_START;
        loop {
            if let Ok(answer) = request(http, Method::GET, &format!("{}/status", self.url), None).await
                && answer["ready"] == true
            {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(NotReady::Exited(status));
            }
            if Instant::now() > deadline {
                return Err(NotReady::Late);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Its log so far.
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// Why chromedriver is not ready.
enum NotReady {
    /// It exited (on a port taken meanwhile, or unable to run).
    Exited(std::process::ExitStatus),
    /// Still not ready after [`DRIVER_START`].
    Late,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and every Chromium process it started.
        let group = self.child.id() as libc::pid_t;
        // SAFETY: kill(2) with a process group id only sends a signal; the group is the one
        // this child leads.
        unsafe { libc::kill(-group, libc::SIGKILL) };
        let _ = self.child.wait();
    }
}

impl Drop for Browser {
    /// Closes the session so Chromium exits cleanly before its group is killed. On a thread
    /// with a runtime and a client of its own: `drop` cannot await, the test's runtime may be
    /// the very thread this runs on, and the session's client keeps its connections on that
    /// runtime.
    fn drop(&mut self) {
        let url = self.session.url.clone();
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            let http = reqwest::Client::builder().no_proxy().build().ok()?;
            runtime
                .block_on(async { tokio::time::timeout(QUIT, request(&http, Method::DELETE, &url, None)).await })
                .ok()
        })
        .join();
    }
}

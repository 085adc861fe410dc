//! The browser harness (tests/common/browser.rs) against a small site made here, so the web
//! page tests can trust it: each browser asks for the language it was started with, a click
//! follows a link, cookies are seen and forgotten, the phone-width check fails on a page too
//! wide for a phone, and screenshots are PNG files of the whole page.

mod common;

use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use common::browser::{Options, PHONE, browser_or_skip};
use common::{PATIENCE, until};
use serde_json::json;

/// The site's address: `/` shows the request's `Accept-Language`, sets a cookie and links to
/// `/next`; `/wide` holds an element 1000 px wide.
async fn site() -> String {
    let app = axum::Router::new()
        .route("/", get(home))
        .route("/next", get(async || Html(page("Next", "<p>Here.</p>"))))
        .route("/wide", get(async || Html(page("Wide", r#"<div id="banner" style="width:1000px">Wide.</div>"#))));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

async fn home(headers: HeaderMap) -> impl IntoResponse {
    let language = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("(none)");
    let body = format!(r#"<p id="lang">{}</p><p><a id="next" href="/next">Next</a></p>"#, escape(language));
    ([(header::SET_COOKIE, "seen=1; Path=/; HttpOnly; SameSite=Strict")], Html(page("Home", &body)))
}

/// A page as the real ones are made: a phone's viewport, a title, a body.
fn page(title: &str, body: &str) -> String {
    format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head><body>{body}</body></html>"#
    )
}

/// The viewport's size, as the page sees it.
const VIEWPORT: &str = "return [window.innerWidth, window.innerHeight]";

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[tokio::test]
async fn each_browser_asks_for_the_language_it_was_started_with() {
    let site = site().await;
    let (es, en) = tokio::join!(browser_or_skip(Options::language("es")), browser_or_skip(Options::language("en")));
    let (Some(es), Some(en)) = (es, en) else { return };
    for (browser, language) in [(&es, "es"), (&en, "en")] {
        browser.goto(&site).await;
        assert_eq!(browser.find("#lang").await.text().await, language);
    }
}

#[tokio::test]
async fn a_click_follows_the_link_and_back_returns() {
    let site = site().await;
    let Some(browser) = browser_or_skip(Options::default()).await else { return };
    browser.goto(&format!("{site}/")).await;
    assert_eq!(browser.title().await, "Home");
    let link = browser.find("a#next").await;
    assert_eq!(link.attribute("href").await.as_deref(), Some("/next"));
    assert_eq!(link.attribute("target").await, None);
    link.click().await;
    until("the link's page", PATIENCE, async || browser.current_url().await == format!("{site}/next")).await;
    assert_eq!(browser.title().await, "Next");
    assert!(browser.source().await.contains("<p>Here.</p>"));
    assert!(browser.find_all("a#next").await.is_empty(), "the link belongs to the first page");
    browser.back().await;
    assert_eq!(browser.current_url().await, format!("{site}/"));
    assert_eq!(browser.find_all("a").await.len(), 1);
    assert_eq!(browser.execute("return arguments[0] + 1", vec![json!(41)]).await, json!(42));
}

#[tokio::test]
async fn cookies_are_seen_with_their_flags_and_forgotten() {
    let site = site().await;
    let Some(browser) = browser_or_skip(Options::default()).await else { return };
    browser.goto(&site).await;
    let cookies = browser.cookies().await;
    let [seen] = cookies.as_slice() else { panic!("one cookie: {cookies:?}") };
    assert_eq!((seen.name.as_str(), seen.value.as_str()), ("seen", "1"));
    assert!(seen.http_only && !seen.secure, "{seen:?}");
    assert_eq!(seen.same_site.as_deref(), Some("Strict"));
    assert_eq!(seen.expiry, None, "a session cookie");
    browser.delete_cookies().await;
    assert!(browser.cookies().await.is_empty());
}

#[tokio::test]
async fn the_phone_check_passes_a_narrow_page_and_fails_a_wide_one() {
    let site = site().await;
    let Some(browser) = browser_or_skip(Options::default()).await else { return };
    browser.goto(&site).await;
    assert_eq!(browser.execute(VIEWPORT, vec![]).await, json!([1280, 900]));
    let narrow = browser.phone_widths().await;
    assert_eq!(browser.execute(VIEWPORT, vec![]).await, json!([PHONE.0, PHONE.1]));
    assert!(!narrow.scrolls_sideways(), "{narrow:?}");
    assert_eq!(narrow.widest, None);
    browser.goto(&format!("{site}/wide")).await;
    let wide = browser.phone_widths().await;
    assert!(wide.scrolls_sideways(), "{wide:?}");
    assert!(wide.page >= 1000, "{wide:?}");
    assert_eq!(wide.widest.as_deref(), Some("div#banner"));
}

#[tokio::test]
async fn screenshots_are_png_files_of_the_whole_page() {
    let site = site().await;
    let Some(browser) = browser_or_skip(Options { window: PHONE, ..Options::default() }).await else { return };
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    let expected = folder.join("screenshots_are_png_files_of_the_whole_page/wide.png");
    // Not one left by an earlier run.
    let _ = std::fs::remove_file(&expected);
    browser.goto(&format!("{site}/wide")).await;
    // Started phone-sized, though Chromium starts no window narrower than 500 px.
    assert_eq!(browser.execute(VIEWPORT, vec![]).await, json!([PHONE.0, PHONE.1]));
    let path = browser.screenshot("wide").await;
    assert_eq!(path, expected);
    let (width, _) = png_size(&path);
    assert!(width >= 1000, "the whole page, past the window's edge: {width} px wide");
    browser.goto(&site).await;
    let (width, height) = png_size(&browser.screenshot("home").await);
    assert_eq!((width, height), PHONE, "a page that fits the window is the window");
}

/// The width and height in a PNG file's header; fails the test when the file is no PNG.
fn png_size(path: &std::path::Path) -> (u32, u32) {
    let png = std::fs::read(path).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG: {:?}", &png[..png.len().min(8)]);
    let number = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (number(16), number(20))
}

//! The public page and the organizers' dashboard in a real browser: headless Chromium driven
//! over WebDriver (`tests/common/browser.rs`). Screenshots of each page are left under
//! `target/screenshots/web/` for a person to look at.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::browser::{Browser, Options, browser_or_skip};
use common::*;
use convoca::engine::Engine;
use convoca::http::AppState;
use convoca::locale::Locale;
use convoca::web::Site;

/// The day the pages are looked at: a week before the December meeting.
const NOW: &str = "2026-11-30T15:00:00Z";

struct Server {
    base: String,
    _stop: tokio::sync::watch::Sender<bool>,
}

async fn serve(engine: &Engine) -> Server {
    let now = at(NOW);
    let org: convoca::engine::Organization = engine.clone().into();
    let site = Site::with_clock(org.clone(), Arc::new(move || now)).fresh_for(Duration::ZERO);
    let state = AppState::new(org).with_site(site);
    let (stop, rx) = tokio::sync::watch::channel(false);
    let (addr, _) = convoca::http::serve("127.0.0.1:0".parse().unwrap(), state, rx).await.unwrap();
    Server { base: format!("http://{addr}"), _stop: stop }
}

async fn browser(language: &str, folder: &str) -> Option<Browser> {
    browser_or_skip(Options { screenshots: Some(format!("web/{folder}")), ..Options::language(language) }).await
}

async fn js(b: &Browser, script: &str) -> serde_json::Value {
    b.execute(script, vec![]).await
}

/// The shipped group with sign-ups: four for the letter (one did it), two for the petition.
async fn group_with_activity() -> (tempfile::TempDir, Engine) {
    let dir = copy_of_shipped();
    let engine = engine_on(dir.path()).await;
    let now = at(NOW);
    let say = |who: &'static str, what: &'static str| {
        let engine = engine.clone();
        async move {
            let req = on_discord(who, &format!("Person {who}"), what, Locale::En, now);
            let reply = engine.handle(&req).await;
            assert_eq!(reply.tone, convoca::engine::Tone::Done, "{what}: {}", convoca::console::render(&reply));
        }
    };
    for who in ["1", "2", "3", "4"] {
        say(who, "/signup jilamito letter").await;
    }
    say("1", "/done jilamito letter").await;
    for who in ["5", "6"] {
        say(who, "/signup jilamito petition").await;
    }
    organizer(&engine, "/cancel monthly 2027-01-04", now).await;
    (dir, engine)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_page_reads_in_both_languages_on_a_desk_and_on_a_phone() {
    let (_dir, engine) = group_with_activity().await;
    let server = serve(&engine).await;
    let Some(b) = browser("es", "public").await else { return };

    // A Spanish browser gets the Spanish page at the bare address.
    b.goto(&format!("{}/", server.base)).await;
    assert_eq!(js(&b, "return document.documentElement.lang").await, "es");
    assert_eq!(b.find("h1").await.text().await, "Grupo de Trabajo sobre América Latina y el Caribe");
    assert!(b.title().await.contains("Grupo de Trabajo"));
    b.screenshot("page-es").await;

    // The chart is there, with the numbers in its description and in the table beside it;
    // two sign-ups are under the floor and say "algunas".
    let desc = js(&b, "return document.querySelector('#chart-jilamito-desc').textContent").await;
    let desc = desc.as_str().unwrap();
    assert!(
        desc.contains("Escribe a tus representantes en el Congreso: 4 se apuntaron, algunas lo hicieron."),
        "{desc}"
    );
    assert!(desc.contains("Firma la petición a Simonds International: algunas se apuntaron."), "{desc}");
    let bars = js(&b, "return document.querySelectorAll('#campaign-jilamito svg rect').length").await;
    // The legend's two swatches and one bar: the letter's four. "A few" and zero draw none.
    assert_eq!(bars, 3, "{bars}");
    let cells = js(
        &b,
        "return [...document.querySelectorAll('#campaign-jilamito tbody tr')].map(r => r.innerText.replace(/\\s+/g, ' ').trim())",
    )
    .await;
    assert!(cells.to_string().contains("Escribe a tus representantes en el Congreso 4 algunas"), "{cells}");

    // Calendar links: the feed the page links to answers with the meeting's calendar, and
    // the web calendars get the occurrence's own times; the cancelled date has none.
    let ics = b.find(".calendar a").await.attribute("href").await.unwrap();
    let feed = reqwest::get(format!("{}{ics}", server.base)).await.unwrap();
    assert_eq!(feed.status(), 200);
    assert!(feed.text().await.unwrap().contains("BEGIN:VEVENT"));
    let google = b.find_all(".calendar a").await;
    let google = google[1].attribute("href").await.unwrap();
    assert!(google.starts_with("https://calendar.google.com/calendar/render?action=TEMPLATE"), "{google}");
    assert!(google.contains("dates=20261207T220000Z/20261207T233000Z"), "{google}");
    let cancelled = js(&b, "return document.querySelector('li.cancelled .calendar') === null && document.querySelector('li.cancelled .badge').innerText").await;
    assert_eq!(cancelled, "Cancelada");

    // The switch leads to the English page at its own address.
    b.find("nav.lang a").await.click().await;
    assert!(b.current_url().await.ends_with("/en/"), "{}", b.current_url().await);
    assert_eq!(js(&b, "return document.documentElement.lang").await, "en");
    assert_eq!(b.find("h1").await.text().await, "Latin America/Caribbean Working Group");
    b.screenshot("page-en").await;

    // Keyboard: the first thing to tab to skips to the content.
    let first = js(&b, "return document.querySelector('body a').className + ' ' + document.querySelector('body a').getAttribute('href')").await;
    assert_eq!(first, "skip #main");
    assert!(js(&b, "return document.getElementById('main') !== null").await.as_bool().unwrap());

    // On a phone: no sideways scrolling, in either language.
    for path in ["/en/", "/es/"] {
        b.goto(&format!("{}{path}", server.base)).await;
        let widths = b.phone_widths().await;
        assert!(!widths.scrolls_sideways(), "{path} scrolls sideways on a phone: {widths:?}");
    }
    b.screenshot("page-es-phone").await;
}

/// Everyone asking is an organizer of the group until told otherwise.
struct Told(std::sync::Mutex<bool>);

impl convoca::chat::Standings for Told {
    fn standing<'a>(
        &'a self,
        _user: &'a str,
        _group: &'a convoca::group_id::GroupId,
    ) -> futures_util::future::BoxFuture<'a, Option<convoca::chat::Standing>> {
        let organizer = *self.0.lock().unwrap();
        Box::pin(std::future::ready(Some(convoca::chat::Standing { member: true, organizer })))
    }
}

/// The dashboard reached the way an organizer reaches it: `/dashboard` in chat, the link it
/// answers with, its button. Then what a member, a stranger and the same organizer later
/// (the link spent, the role taken away) see.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_opens_from_a_chat_link_once_and_shows_nothing_to_anyone_else() {
    // The server's address is the public one the link names: bind it first.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let base = format!("http://{addr}");
    let dir = copy_of_shipped();
    let settings = convoca::engine::Settings { public_url: Some(base.clone()), ..Default::default() };
    let engine =
        Engine::new(convoca::content::ContentHandle::open(dir.path()).unwrap(), sqlite_store().await, settings);
    let now = chrono::Utc::now();
    for who in ["1", "2", "3"] {
        let req = on_discord(who, &format!("Person {who}"), "/signup jilamito letter", Locale::En, now);
        engine.handle(&req).await;
    }
    let told = Arc::new(Told(std::sync::Mutex::new(true)));
    let standings = convoca::http::dashboard_access::StandingReaders::default()
        .with(convoca::chat::Platform::Discord, Arc::clone(&told) as Arc<dyn convoca::chat::Standings>);
    let state = AppState::new(engine.clone().into())
        .with_platforms(convoca::http::Platforms { standings, ..Default::default() });
    let (_stop, rx) = tokio::sync::watch::channel(false);
    convoca::http::serve(addr, state, rx).await.unwrap();

    // A member asking gets no link.
    let member = on_discord("7", "Person 7", "/dashboard", Locale::En, now);
    let refused = convoca::console::render(&engine.handle(&member).await);
    assert!(!refused.contains("/dashboard/open/"), "{refused}");

    let reply = convoca::console::render(&organizer(&engine, "/dashboard", now).await);
    let at = reply.find(&format!("{base}/dashboard/open/")).unwrap_or_else(|| panic!("{reply}"));
    let link: String = reply[at..].chars().take_while(|c| !c.is_whitespace() && !")>]".contains(*c)).collect();

    let Some(b) = browser("en-US,en", "dashboard").await else { return };
    b.goto(&link).await;
    b.screenshot("open").await;
    b.find("form button").await.click().await;
    common::until("the dashboard opens", PATIENCE, async || b.current_url().await.ends_with("/dashboard/")).await;
    assert_eq!(b.find("h1").await.text().await, "Latin America/Caribbean Working Group");
    b.screenshot("overview").await;
    b.find("a[href='/dashboard/campaigns/jilamito']").await.click().await;
    common::until("the campaign's page", PATIENCE, async || {
        b.current_url().await.ends_with("/dashboard/campaigns/jilamito")
    })
    .await;
    let roster = js(&b, "return document.querySelector('#roster-table').innerText").await;
    assert!(roster.as_str().unwrap().contains("Person 2"), "{roster}");
    let chart = js(&b, "return document.querySelectorAll('svg.chart polyline').length").await;
    assert_eq!(chart, 3, "signed up, done, waitlisted over time");
    b.screenshot("campaign").await;
    let widths = b.phone_widths().await;
    assert!(!widths.scrolls_sideways(), "the campaign's page on a phone: {widths:?}");
    b.screenshot("campaign-phone").await;
    b.set_window_size(1280, 900).await;
    b.goto(&format!("{base}/dashboard/meetings/monthly")).await;
    assert!(b.find("h1").await.text().await.contains("monthly meeting"));
    b.screenshot("meeting").await;

    // The link again, in the same browser or another: spent.
    let Some(stranger) = browser("es", "dashboard-stranger").await else { return };
    stranger.goto(&link).await;
    let buttons = stranger.find_all("form button").await;
    if let Some(button) = buttons.first() {
        button.click().await;
    }
    stranger.goto(&format!("{base}/dashboard/campaigns/jilamito")).await;
    let seen = stranger.source().await;
    assert!(!seen.contains("Person 2") && !seen.contains("roster-table"), "{seen}");
    stranger.screenshot("stranger").await;

    // The role taken away: the next reading of standing ends the session.
    *told.0.lock().unwrap() = false;
    sqlx::query("UPDATE dashboard_sessions SET checked_at = 0").execute(engine.store().pool()).await.unwrap();
    b.goto(&format!("{base}/dashboard/campaigns/jilamito")).await;
    let after = b.source().await;
    assert!(!after.contains("Person 2") && !after.contains("roster-table"), "{after}");
    b.screenshot("no-longer-organizer").await;
    // And it stays ended when the role comes back: a new link is needed.
    *told.0.lock().unwrap() = true;
    b.goto(&format!("{base}/dashboard/")).await;
    assert!(!b.source().await.contains("jilamito"), "the session is over");

    // A new link opens a new session; past its lifetime, it shows nothing either.
    let reply = convoca::console::render(&organizer(&engine, "/dashboard", now).await);
    let at = reply.find(&format!("{base}/dashboard/open/")).unwrap_or_else(|| panic!("{reply}"));
    let link: String = reply[at..].chars().take_while(|c| !c.is_whitespace() && !")>]".contains(*c)).collect();
    b.goto(&link).await;
    b.find("form button").await.click().await;
    common::until("the dashboard opens again", PATIENCE, async || b.current_url().await.ends_with("/dashboard/")).await;
    b.goto(&format!("{base}/dashboard/meetings/monthly")).await;
    assert!(b.find("h1").await.text().await.contains("monthly meeting"), "the new session works");
    let widths = b.phone_widths().await;
    assert!(!widths.scrolls_sideways(), "the meeting's page on a phone: {widths:?}");
    b.set_window_size(1280, 900).await;
    sqlx::query("UPDATE dashboard_sessions SET expires_at = 0").execute(engine.store().pool()).await.unwrap();
    b.goto(&format!("{base}/dashboard/campaigns/jilamito")).await;
    let expired = b.source().await;
    assert!(!expired.contains("Person 2") && !expired.contains("roster-table"), "{expired}");
    b.screenshot("expired").await;
}

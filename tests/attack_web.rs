//! Attacks on the public web pages and the organizers' dashboard (issue 28), each written
//! from the attacker's side. Tests marked FINDING fail on the code as it was reviewed and
//! pass once the hole is closed; tests marked GUARD pass already and keep a defence in place.

mod common;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use common::org::{GroupSpec, write_root};
use common::*;
use convoca::chat::{Platform, Standing, Standings};
use convoca::console::render;
use convoca::engine::{Engine, Organization, Reply, Settings, Tone, Whose};
use convoca::group_id::GroupId;
use convoca::http::dashboard_access::StandingReaders;
use convoca::http::{AppState, Platforms};
use convoca::locale::Locale;
use convoca::web::Site;
use futures_util::future::BoxFuture;

/// A week before the December meeting (as tests/web.rs).
const NOW: &str = "2026-11-30T15:00:00Z";

/// Everyone asking is an organizer of whichever group, as the home says.
struct Organizers;

impl Standings for Organizers {
    fn standing<'a>(&'a self, _user: &'a str, _group: &'a GroupId) -> BoxFuture<'a, Option<Standing>> {
        Box::pin(std::future::ready(Some(Standing { member: true, organizer: true })))
    }
}

struct Server {
    base: String,
    http: reqwest::Client,
    _stop: tokio::sync::watch::Sender<bool>,
}

/// `org` served with every platform's standing "organizer", its public pages made by `site`
/// (the system's clock when `None`).
async fn serve(org: Organization, site: Option<Site>) -> Server {
    let standings = StandingReaders::default().with(Platform::Discord, Arc::new(Organizers));
    let mut state = AppState::new(org).with_platforms(Platforms { standings, ..Default::default() });
    if let Some(site) = site {
        state = state.with_site(site);
    }
    let (stop, rx) = tokio::sync::watch::channel(false);
    let (addr, _) = convoca::http::serve("127.0.0.1:0".parse().unwrap(), state, rx).await.unwrap();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    Server { base: format!("http://{addr}"), http, _stop: stop }
}

/// A site whose clock stands at `now` and which keeps no page (each request renders).
fn fixed_site(org: &Organization, now: DateTime<Utc>) -> Site {
    Site::with_clock(org.clone(), Arc::new(move || now)).fresh_for(StdDuration::ZERO)
}

struct Got {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Got {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(|v| v.to_str().unwrap()).unwrap_or("")
    }
}

impl Server {
    async fn try_get(&self, path: &str, cookie: Option<&str>) -> Result<Got, reqwest::Error> {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        let r = req.send().await?;
        let (status, headers) = (r.status().as_u16(), r.headers().clone());
        Ok(Got { status, headers, body: r.text().await? })
    }

    async fn get(&self, path: &str, cookie: Option<&str>) -> Got {
        self.try_get(path, cookie).await.unwrap_or_else(|e| panic!("{path}: no answer: {e}"))
    }

    /// Opens the one-time link at `path` (the button) and returns `name=value` of its cookie.
    async fn sign_in(&self, path: &str) -> String {
        let opened = self.http.post(format!("{}{path}", self.base)).send().await.unwrap();
        assert_eq!(opened.status().as_u16(), 303, "{path}");
        opened.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string()
    }
}

/// The link path (`/dashboard/open/<token>`) in a reply.
fn link_in(reply: &Reply) -> String {
    let text = render(reply);
    let at = text.find("/dashboard/open/").unwrap_or_else(|| panic!("no link: {text}"));
    let token: String = text[at + 16..].chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    assert_eq!(token.len(), 64, "{text}");
    format!("/dashboard/open/{token}")
}

fn with_url() -> Settings {
    Settings { public_url: Some("http://convoca.example".into()), ..Default::default() }
}

/// The shipped group (its page is on) on a fresh database, its content edited by `edit`.
async fn shipped_with(edit: impl FnOnce(&std::path::Path)) -> (tempfile::TempDir, Engine) {
    let dir = copy_of_shipped();
    edit(dir.path());
    let content = convoca::content::ContentHandle::open(dir.path()).expect("content loads");
    let engine = Engine::new(content, sqlite_store().await, with_url());
    (dir, engine)
}

fn replace_in(path: std::path::PathBuf, from: &str, to: &str) {
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// `who` says `text` in the group's home and it is done.
async fn says(engine: &Engine, who: &str, name: &str, text: &str, now: DateTime<Utc>) {
    let reply = engine.handle(&on_discord(who, name, text, Locale::En, now)).await;
    assert_eq!(reply.tone, Tone::Done, "{text} by {who}: {}", render(&reply));
}

// ---- FINDING: a roster page number past i64's range ----

/// FINDING. `?page=` is an i64 multiplied by 100 without a check: a number near i64::MAX
/// overflows. In a debug build the handler panics and the connection is dropped with no
/// answer at all; in a release build the product wraps to a negative OFFSET (PostgreSQL:
/// "OFFSET must not be negative", a 503 and an error in the log; SQLite: a page that says
/// "-199–… of 1"). Bad input should get a clear answer, never a panic.
#[tokio::test]
async fn a_roster_page_number_past_any_roster_gets_an_answer_not_a_dropped_connection() {
    let (_dir, engine) = shipped_with(|_| {}).await;
    says(&engine, "1", "Person 1", "/signup jilamito letter", Utc::now()).await;
    let server = serve(engine.clone().into(), None).await;
    let cookie = server.sign_in(&link_in(&organizer(&engine, "/dashboard", Utc::now()).await)).await;
    assert_eq!(server.get("/dashboard/campaigns/jilamito?page=2", Some(&cookie)).await.status, 200);
    for page in ["9223372036854775807", "92233720368547759", "-9223372036854775808"] {
        let path = format!("/dashboard/campaigns/jilamito?page={page}");
        let got = server.try_get(&path, Some(&cookie)).await;
        let got = got.unwrap_or_else(|e| panic!("?page={page}: the server dropped the connection: {e}"));
        assert!(got.status < 500, "?page={page}: {} {}", got.status, got.body);
        assert!(!got.body.contains("<p id=\"shown\">-"), "?page={page}: a negative line number: {}", got.body);
    }
}

// ---- FINDING: whether the few who signed up did it ----

/// The shipped group's public page, feed and fragment with `signed` people signed up for
/// the letter, of whom `did` said they did it: bodies and entity tags.
async fn public_with(signed: usize, did: usize) -> Vec<(String, String)> {
    let (_dir, engine) = shipped_with(|_| {}).await;
    let now = at(NOW);
    for i in 0..signed {
        says(&engine, &format!("{}", 100 + i), "Someone", "/signup jilamito letter", now).await;
    }
    for i in 0..did {
        says(&engine, &format!("{}", 100 + i), "Someone", "/done jilamito letter", now).await;
    }
    let org: Organization = engine.into();
    let server = serve(org.clone(), Some(fixed_site(&org, now))).await;
    let mut out = Vec::new();
    for path in ["/en/", "/en/feed.json", "/en/embed", "/es/"] {
        let got = server.get(path, None).await;
        assert_eq!(got.status, 200, "{path}");
        out.push((got.header("etag").to_string(), got.body));
    }
    out
}

/// FINDING. The floor hides how many signed up ("a few") but not whether they did it: with
/// one person signed up the page says "a few signed up, 0 did it" until they act, then "a
/// few signed up, a few did it". Anyone watching the page (or its ETag) learns the moment
/// the only person who took the action did it: what one person did is for organizers only.
/// Under the floor, "did it" must not be told apart either (tests/web.rs's
/// `progress_shows_small_numbers_as_a_few_…` asserts "a few signed up, 0 did it" and would
/// change with the fix).
#[tokio::test]
async fn whether_the_few_who_signed_up_did_it_is_not_public() {
    let before = public_with(1, 0).await;
    let after = public_with(1, 1).await;
    for (i, path) in ["/en/", "/en/feed.json", "/en/embed", "/es/"].iter().enumerate() {
        let (a, b) = (&before[i].1, &after[i].1);
        let at = a.bytes().zip(b.bytes()).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
        let around = |s: &str| s.get(at.saturating_sub(120)..(at + 60).min(s.len())).unwrap_or("").to_string();
        assert!(
            a == b,
            "{path}: the page tells whether the one person signed up did it:\n before: …{}…\n after:  …{}…",
            around(a),
            around(b)
        );
        assert_eq!(before[i].0, after[i].0, "{path}: the entity tag tells it");
    }
}

/// GUARD. A count under the floor changing (one sign-up, then two) changes neither the page
/// nor its entity tag: the tag is a hash of the bytes, and "a few" is the same bytes.
#[tokio::test]
async fn a_count_under_the_floor_changing_changes_neither_the_page_nor_its_tag() {
    let one = public_with(1, 0).await;
    let two = public_with(2, 0).await;
    assert_eq!(one, two);
    let three = public_with(3, 0).await;
    assert_ne!(one[1].1, three[1].1, "at the floor the number shows (the test sees the counts)");
}

// ---- FINDING: the dashboard's pages have no script policy ----

/// FINDING (hardening). The public page forbids every script by its Content-Security-Policy
/// (`default-src 'none'`), but the dashboard, the pages that show members' own display
/// names and the roster, sends only `frame-ancestors 'none'`: one escaping slip in a
/// template (a `|safe`, a hand-built SVG) would run a member's script in an organizer's
/// session. The dashboard runs no script, so it can say so.
#[tokio::test]
async fn the_dashboard_forbids_scripts_as_the_public_page_does() {
    let (_dir, engine) = shipped_with(|_| {}).await;
    says(&engine, "1", "<img src=x onerror=alert(1)>", "/signup jilamito letter", Utc::now()).await;
    let server = serve(engine.clone().into(), None).await;
    let link = link_in(&organizer(&engine, "/dashboard", Utc::now()).await);
    let door = server.get(&link, None).await;
    let cookie = server.sign_in(&link).await;
    let page = server.get("/dashboard/campaigns/jilamito", Some(&cookie)).await;
    assert!(page.body.contains("img src=x onerror=alert(1)") && !page.body.contains("<img"), "escaped");
    for (what, got) in [("the door", &door), ("a campaign", &page)] {
        let csp = got.header("content-security-policy");
        assert!(
            csp.contains("default-src 'none'") || csp.contains("script-src 'none'"),
            "{what}: no script policy: {csp:?}"
        );
    }
}

// ---- FINDING (not a leak): the entity tag changes at every rendering ----

/// FINDING (cost, not privacy). The entity tag is a hash of the bytes, and the bytes carry
/// the instant they were made (`<time datetime=…>` in the footer, `generated_at` in the
/// feed), so every rendering (every 5 s) has a new tag: a browser's or a cache's copy is
/// never "not modified" once its 30 s are over, contrary to `Rendered::etag`'s promise that
/// "an unchanged page re-rendered keeps its tag". tests/web.rs does not see it: its clock
/// stands still.
#[tokio::test]
async fn an_unchanged_page_rendered_again_keeps_its_tag() {
    let (_dir, engine) = shipped_with(|_| {}).await;
    let org: Organization = engine.into();
    let site = Site::new(org.clone()).fresh_for(StdDuration::from_millis(50));
    let server = serve(org, Some(site)).await;
    for path in ["/en/", "/en/feed.json"] {
        let first = server.get(path, None).await;
        tokio::time::sleep(StdDuration::from_millis(1100)).await;
        let again = server
            .http
            .get(format!("{}{path}", server.base))
            .header("if-none-match", first.header("etag"))
            .send()
            .await
            .unwrap();
        assert_eq!(again.status().as_u16(), 304, "{path}: nothing changed, yet a new tag");
    }
}

// ---- GUARDS: the dashboard keeps to its group ----

fn lacwg() -> GroupId {
    GroupId::named("lacwg")
}

fn sur() -> GroupId {
    GroupId::named("sur")
}

/// An organization of `lacwg` and `sur`, both with a campaign `jilamito` and a meeting
/// `monthly`.
fn two_groups(store: convoca::store::Store) -> (Organization, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let sur = GroupSpec { language: "es", ..GroupSpec::new("sur", "Grupo Sur") };
    write_root(dir.path(), &[], None, &[], &[GroupSpec::new("lacwg", "Latin America Working Group"), sur]);
    let org = Organization::open(dir.path(), store, with_url()).expect("the content loads");
    (org, dir)
}

async fn in_group(org: &Organization, group: &GroupId, who: &str, name: &str, text: &str, organizer: bool) -> Reply {
    let mut req = on_discord(who, name, text, Locale::En, Utc::now());
    req.organizer = organizer;
    org.handle(&req, &Whose::Group(group.clone())).await
}

/// GUARD. An organizer of lacwg, signed in, asks for every dashboard address with the names
/// sur shares (campaign `jilamito`, meeting `monthly`), and with sur named in the address
/// any way it could be: nothing of sur's people comes back, in any page or file.
#[tokio::test]
async fn a_session_reads_nothing_of_another_group_that_shares_its_names() {
    let store = sqlite_store().await;
    let (org, _dir) = two_groups(store);
    for (who, name) in [("501", "SurSecretAna"), ("502", "=HYPERLINK(\"http://x\")SurSecretBo")] {
        for text in ["/signup jilamito letter", "/going"] {
            let reply = in_group(&org, &sur(), who, name, text, false).await;
            assert_eq!(reply.tone, Tone::Done, "{text}: {}", render(&reply));
        }
    }
    let lacwg_engine = org.group(&lacwg()).unwrap();
    let content = lacwg_engine.content().current();
    let changes = lacwg_engine.calendar_changes().await.unwrap();
    let next = convoca::agenda::Agenda::new(&content, &changes).upcoming(
        convoca::agenda::Which::Only("monthly"),
        Utc::now(),
        1,
        convoca::agenda::Cancelled::Skipped,
    )[0]
    .date;
    let server = serve(org.clone(), None).await;
    let cookie = server.sign_in(&link_in(&in_group(&org, &lacwg(), "900", "Org", "/dashboard", true).await)).await;
    let paths = [
        "/dashboard/".to_string(),
        "/dashboard/?group=sur".into(),
        "/dashboard/campaigns/jilamito".into(),
        "/dashboard/campaigns/jilamito?group=sur&page=1".into(),
        "/dashboard/campaigns/jilamito/signups.csv".into(),
        "/dashboard/meetings/monthly".into(),
        format!("/dashboard/meetings/monthly/{next}/attendees.csv"),
        "/dashboard/campaigns/..%2F..%2Fgroups%2Fsur%2Fjilamito".into(),
        "/dashboard/campaigns/sur%2Fjilamito".into(),
        "/dashboard/campaigns/sur:jilamito".into(),
        "/dashboard/meetings/monthly/..%2F..%2F/attendees.csv".into(),
        format!("/dashboard/meetings/sur%2Fmonthly/{next}/attendees.csv"),
        "/groups/sur/dashboard/".into(),
    ];
    for path in &paths {
        let got = server.get(path, Some(&cookie)).await;
        assert!(got.status < 500, "{path}: {}", got.status);
        assert!(!got.body.contains("SurSecret"), "{path} shows sur's people: {}", got.body);
        if path.starts_with("/dashboard") {
            assert_eq!(got.header("cache-control"), "no-store", "{path}");
        }
    }
    // The same addresses with sur's session show sur's people (the test can see them), and
    // a display name that is a formula is a text cell in the file.
    let sur_cookie = server.sign_in(&link_in(&in_group(&org, &sur(), "901", "Org", "/dashboard", true).await)).await;
    let csv = server.get("/dashboard/campaigns/jilamito/signups.csv", Some(&sur_cookie)).await.body;
    assert!(csv.contains("SurSecretAna"), "{csv}");
    assert!(csv.contains("'=HYPERLINK") && !csv.contains(",=HYPERLINK") && !csv.contains("\"=HYPERLINK"), "{csv}");
}

/// GUARD. A group removed from the content closes its sessions at once, and a link made for
/// it before opens nothing; the other group's session goes on.
#[tokio::test]
async fn a_removed_group_s_sessions_and_links_open_nothing() {
    let store = sqlite_store().await;
    let (org, dir) = two_groups(store);
    let server = serve(org.clone(), None).await;
    let sur_cookie = server.sign_in(&link_in(&in_group(&org, &sur(), "901", "Org", "/dashboard", true).await)).await;
    let lacwg_cookie =
        server.sign_in(&link_in(&in_group(&org, &lacwg(), "900", "Org", "/dashboard", true).await)).await;
    let pending = link_in(&in_group(&org, &sur(), "902", "Org", "/dashboard", true).await);
    assert_eq!(server.get("/dashboard/", Some(&sur_cookie)).await.status, 200);
    std::fs::remove_dir_all(dir.path().join("groups/sur")).unwrap();
    assert_eq!(org.reload().removed, vec![sur()]);
    for path in ["/dashboard/", "/dashboard/campaigns/jilamito", "/dashboard/meetings/monthly"] {
        let got = server.get(path, Some(&sur_cookie)).await;
        assert_eq!(got.status, 403, "{path}: {}", got.body);
        assert!(!got.body.contains("Grupo Sur") && !got.body.contains("Latin America"), "{path}");
    }
    assert_eq!(server.get(&pending, None).await.status, 410);
    let tried = server.http.post(format!("{}{pending}", server.base)).send().await.unwrap();
    assert_eq!(tried.status().as_u16(), 410);
    assert_eq!(server.get("/dashboard/", Some(&lacwg_cookie)).await.status, 200);
}

// ---- GUARDS: content cannot put script on a page ----

/// GUARD. Fields that are links but not Markdown (`learn_more`, an action's `link`, the
/// group's `website`, an invitation's `url`) refuse any scheme but https, http and mailto at
/// load, in any case; titles and labels with quotes and markup are text in the page, the
/// fragment, the chart's SVG and the feed.
#[tokio::test]
async fn content_cannot_put_script_in_a_page_an_attribute_or_the_chart() {
    let now = at(NOW);
    let bad_links = [
        (
            "campaigns/jilamito.toml",
            "learn_more = \"https://masspeaceaction.org/honduras-and-the-jilamito-project/\"",
            "learn_more = \"javascript:alert(1)\"",
        ),
        (
            "campaigns/jilamito.toml",
            "link = \"https://masspeaceaction.org/honduras-and-the-jilamito-project/\"",
            "link = \"JavaScript:alert(1)\"",
        ),
        (
            "group.toml",
            "website = \"https://masspeaceaction.org/our-issues/latin-america/\"",
            "website = \"data:text/html,<script>alert(1)</script>\"",
        ),
        (
            "group.toml",
            "url = \"mailto:derekleesexton@gmail.com?subject=Action%20list\"",
            "url = \" vbscript:msgbox(1)\"",
        ),
        ("group.toml", "url = \"mailto:derekleesexton@gmail.com?subject=Action%20list\"", "url = \"//evil.example/\""),
    ];
    for (file, from, to) in bad_links {
        let dir = copy_of_shipped();
        replace_in(dir.path().join(file), from, to);
        let loaded = convoca::content::load(dir.path(), now);
        assert!(loaded.is_err(), "{to} loads");
    }
    let evil = "Evil \\\"><svg/onload=alert(1)> ' & </title><script>x</script>";
    let (_dir, engine) = shipped_with(|d| {
        let campaign = d.join("campaigns/jilamito.toml");
        replace_in(campaign.clone(), "en = \"Stop the Jilamito dam (Honduras)\"", &format!("en = \"{evil} campaign\""));
        replace_in(campaign, "en = \"Write to your members of Congress\"", &format!("en = \"{evil} action\""));
        replace_in(
            d.join("group.toml"),
            "en = \"Join the action list: write to Derek Sexton\"",
            &format!("en = \"{evil} label\""),
        );
    })
    .await;
    for who in ["1", "2", "3"] {
        says(&engine, who, "Someone", "/signup jilamito letter", now).await;
    }
    let org: Organization = engine.clone().into();
    let server = serve(org.clone(), Some(fixed_site(&org, now))).await;
    for path in ["/en/", "/en/embed"] {
        let got = server.get(path, None).await;
        assert!(got.body.contains("<svg xmlns"), "{path}: the chart is drawn");
        for needle in ["<svg/onload", "<script>x", "\"><svg", "</title><script"] {
            assert!(!got.body.contains(needle), "{path}: {needle} in {}", got.body);
        }
        assert!(got.body.contains("svg/onload=alert(1)"), "{path}: the words stay, as text");
    }
    let feed: serde_json::Value = serde_json::from_str(&server.get("/en/feed.json", None).await.body).unwrap();
    let jilamito = feed["campaigns"].as_array().unwrap().iter().find(|c| c["campaign"] == "jilamito").unwrap();
    assert!(jilamito["title"].as_str().unwrap().contains("<svg/onload"), "JSON carries text as text");
    // The dashboard too.
    let cookie = server.sign_in(&link_in(&organizer(&engine, "/dashboard", Utc::now()).await)).await;
    for path in ["/dashboard/", "/dashboard/campaigns/jilamito"] {
        let got = server.get(path, Some(&cookie)).await;
        assert_eq!(got.status, 200, "{path}");
        for needle in ["<svg/onload", "<script>x", "\"><svg"] {
            assert!(!got.body.contains(needle), "{path}: {needle}");
        }
    }
}

// ---- GUARDS: odd addresses and languages ----

/// GUARD. Odd languages, groups and segments get a page or a plain "not here", never a
/// dropped connection or a 5xx, and never a page for a group that has none.
#[tokio::test]
async fn odd_addresses_and_languages_get_a_plain_answer() {
    let (_dir, engine) = shipped_with(|_| {}).await;
    let org: Organization = engine.into();
    let server = serve(org.clone(), Some(fixed_site(&org, at(NOW)))).await;
    let long = "es;q=0.9,".repeat(2000);
    let languages = ["", "*;q=NaN, es;q=inf", "es;q=1e309", ";;;,,,;q=", "zh-Hant-TW-x-private", &long, "ES"];
    for lang in languages {
        let got = server.http.get(format!("{}/", server.base)).header("accept-language", lang).send().await;
        let got = got.unwrap_or_else(|e| panic!("{lang:.40}: {e}"));
        assert_eq!(got.status().as_u16(), 200, "{lang:.40}");
    }
    let paths = [
        "/groups/lacwg/",
        "/groups/%00/en/",
        "/groups/%FF%FE/",
        "/xx-",
        "/en/..%2F..%2Fdashboard/",
        "/es/feed.json/",
        "/groups//en/",
        "/dashboard/open/..%2F..%2F",
    ];
    for path in paths {
        let got = server.get(path, None).await;
        assert!(got.status < 500, "{path}: {}", got.status);
        assert!(!got.body.contains("Latin America/Caribbean Working Group"), "{path}: {}", got.body);
    }
}

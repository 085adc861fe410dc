//! The public pages over HTTP, below the browser: opt-in, in the visitor's language with a
//! stable address per language, meetings with organizers' changes applied, campaign progress
//! with the floor for small numbers, safe Markdown, entity tags, the fragment for other
//! websites and the JSON feed of the same; an organization's page lists its public groups.

mod common;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use common::org::{GroupSpec, write_root};
use common::*;
use convoca::engine::{Engine, Organization, Settings};
use convoca::http::AppState;
use convoca::locale::Locale;
use convoca::web::Site;

/// The day the pages are looked at: a week before the December meeting.
const NOW: &str = "2026-11-30T15:00:00Z";

struct Server {
    base: String,
    _stop: tokio::sync::watch::Sender<bool>,
}

async fn serve(org: Organization) -> Server {
    let now = at(NOW);
    let site = Site::with_clock(org.clone(), Arc::new(move || now)).fresh_for(Duration::ZERO);
    let state = AppState::new(org).with_site(site);
    let (stop, rx) = tokio::sync::watch::channel(false);
    let (addr, _) = convoca::http::serve("127.0.0.1:0".parse().unwrap(), state, rx).await.unwrap();
    Server { base: format!("http://{addr}"), _stop: stop }
}

struct Got {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

async fn get(url: &str, accept_language: Option<&str>) -> Got {
    let mut req = reqwest::Client::new().get(url);
    if let Some(l) = accept_language {
        req = req.header("accept-language", l);
    }
    let r = req.send().await.unwrap();
    let (status, headers) = (r.status().as_u16(), r.headers().clone());
    Got { status, headers, body: r.text().await.unwrap() }
}

fn header<'a>(got: &'a Got, name: &str) -> &'a str {
    got.headers.get(name).map(|v| v.to_str().unwrap()).unwrap_or("")
}

/// The shipped group (its page is on), its content edited by `edit`.
async fn shipped_with(edit: impl FnOnce(&std::path::Path)) -> (tempfile::TempDir, Engine) {
    let dir = copy_of_shipped();
    edit(dir.path());
    let engine = engine_on(dir.path()).await;
    (dir, engine)
}

fn replace_in(path: std::path::PathBuf, from: &str, to: &str) {
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

async fn sign_up(engine: &Engine, who: &str, what: &str, now: DateTime<Utc>) {
    let req = on_discord(who, &format!("Person {who}"), what, Locale::En, now);
    let reply = engine.handle(&req).await;
    assert_eq!(reply.tone, convoca::engine::Tone::Done, "{what} by {who}: {}", convoca::console::render(&reply));
}

#[tokio::test]
async fn a_group_that_wants_no_page_has_none() {
    let (_dir, engine) =
        shipped_with(|d| replace_in(d.join("group.toml"), "[web]\npublic = true", "[web]\npublic = false")).await;
    let server = serve(engine.into()).await;
    for path in ["/", "/en/", "/es/", "/embed", "/feed.json", "/es/feed.json", "/groups/x/"] {
        let got = get(&format!("{}{path}", server.base), None).await;
        assert_eq!(got.status, 404, "{path}");
        assert!(!got.body.contains("Latin America"), "{path} names nothing: {}", got.body);
    }
}

#[tokio::test]
async fn the_page_speaks_the_visitors_language_and_each_language_has_its_address() {
    let (_dir, engine) = shipped_with(|_| {}).await;
    let server = serve(engine.into()).await;

    let es = get(&format!("{}/", server.base), Some("es-MX,es;q=0.9,en;q=0.5")).await;
    assert_eq!(es.status, 200);
    assert!(es.body.starts_with("<!doctype html>\n<html lang=\"es\">"), "{}", &es.body[..80]);
    assert!(es.body.contains("<h1>Grupo de Trabajo sobre América Latina y el Caribe</h1>"));
    assert!(es.body.contains("Nuestra misión") && es.body.contains("Próximas reuniones"));
    assert_eq!(header(&es, "content-language"), "es");
    assert_eq!(header(&es, "vary"), "Accept-Language");
    // The switch leads to the other language's stable address, marked as that language.
    assert!(es.body.contains("<a href=\"/en/\" hreflang=\"en\" lang=\"en\">English</a>"), "{}", es.body);

    let en = get(&format!("{}/en/", server.base), Some("es")).await;
    assert!(en.body.contains("<html lang=\"en\">"), "the address wins over the browser");
    assert!(en.body.contains("<h1>Latin America/Caribbean Working Group</h1>"));
    assert_eq!(header(&en, "vary"), "", "a language's own address does not vary");
    assert!(en.body.contains("<a href=\"/es/\" hreflang=\"es\" lang=\"es\">Español</a>"));

    let fallback = get(&format!("{}/", server.base), Some("de-DE,fr;q=0.8")).await;
    assert!(fallback.body.contains("<html lang=\"en\">"), "nothing spoken: the group's language");
    let unknown = get(&format!("{}/fr/", server.base), None).await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn meetings_show_organizers_changes_and_never_the_members_link() {
    let (_dir, engine) = shipped_with(|d| {
        replace_in(
            d.join("meetings/monthly.toml"),
            "link = \"\"",
            "link = \"https://zoom.example/j/secret-members-room\"",
        )
    })
    .await;
    let now = at(NOW);
    organizer(&engine, "/cancel monthly 2026-12-07", now).await;
    organizer(&engine, "/move monthly 2027-01-04 2027-01-05 18:00", now).await;
    let server = serve(engine.into()).await;
    let page = get(&format!("{}/en/", server.base), None).await.body;

    assert!(!page.contains("secret-members-room"), "the members' link stays off the public page");
    let december = page.find("Monday, December 7, 2026").expect("the cancelled date is listed");
    assert!(
        page[december..]
            .starts_with("Monday, December 7, 2026, 5:00–6:30 PM EST</time> <span class=\"badge\">Cancelled</span>"),
        "{}",
        &page[december..december + 200]
    );
    assert!(page.contains("Tuesday, January 5, 2027, 6:00–7:30 PM EST"), "moved: {page}");
    assert!(page.contains("Moved from Monday, January 4, 2027, 5:00 PM EST"), "{page}");
    // Each date that takes place can be added to a calendar; the cancelled one cannot.
    assert!(page.contains("<a href=\"/calendar/monthly.ics?lang=en\">Calendar file (.ics)</a>"));
    assert!(page.contains("dates=20270105T230000Z/20270106T003000Z"), "Google gets the moved time: {page}");
    assert!(!page.contains("dates=20261207T220000Z"), "no calendar link for the cancelled date");
    assert!(page.contains("<time class=\"when\" datetime=\"2027-02-01T22:00:00+00:00\">"), "{page}");
}

#[tokio::test]
async fn progress_shows_small_numbers_as_a_few_in_the_page_the_chart_and_the_feed() {
    let (_dir, engine) = shipped_with(|_| {}).await;
    let now = at(NOW);
    for who in ["1", "2"] {
        sign_up(&engine, who, "/signup jilamito petition", now).await;
    }
    for who in ["3", "4", "5", "6"] {
        sign_up(&engine, who, "/signup jilamito letter", now).await;
    }
    sign_up(&engine, "3", "/done jilamito letter", now).await;
    let server = serve(engine.into()).await;
    let page = get(&format!("{}/en/", server.base), None).await.body;

    let row = |title: &str| {
        let at = page.find(&format!("<tr><th scope=\"row\">{title}</th>")).unwrap_or_else(|| panic!("{title}: {page}"));
        page[at..at + page[at..].find("</tr>").unwrap()].to_string()
    };
    // How many of a few did it is not said: "none of the few" would tell what each did.
    assert!(
        row("Sign the petition to Simonds International").contains("<td class=\"n\">a few</td><td class=\"n\">–</td>")
    );
    assert!(row("Write to your members of Congress").contains("<td class=\"n\">4</td><td class=\"n\">a few</td>"));
    assert!(
        page.contains("<desc id=\"chart-jilamito-desc\">Sign the petition to Simonds International: a few signed up.")
            && page.contains("Write to your members of Congress: 4 signed up, a few did it.</desc>"),
        "the chart says its numbers: {page}"
    );
    assert!(page.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\""));

    let feed: serde_json::Value =
        serde_json::from_str(&get(&format!("{}/en/feed.json", server.base), None).await.body).unwrap();
    let jilamito = feed["campaigns"].as_array().unwrap().iter().find(|c| c["campaign"] == "jilamito").unwrap();
    let actions = &jilamito["actions"];
    let action = |slug: &str| actions.as_array().unwrap().iter().find(|a| a["action"] == slug).unwrap().clone();
    assert_eq!(action("petition")["signed_up"], serde_json::json!({"few": true}));
    assert_eq!(action("petition")["done"], serde_json::json!({"withheld": true}));
    assert_eq!(action("letter")["signed_up"], serde_json::json!({"count": 4}));
    assert_eq!(action("letter")["done"], serde_json::json!({"few": true}));
    assert!(!feed.to_string().contains("Person"), "no names in the feed");
}

#[tokio::test]
async fn an_action_with_places_says_how_they_stand_as_chat_does() {
    let (_dir, engine) = shipped_with(|d| {
        replace_in(d.join("campaigns/jilamito.toml"), "slug = \"rally\"", "slug = \"rally\"\ncapacity = 3")
    })
    .await;
    let now = at(NOW);
    sign_up(&engine, "1", "/signup jilamito rally", now).await;
    let server = serve(engine.clone().into()).await;
    let page = get(&format!("{}/en/", server.base), None).await.body;
    assert!(page.contains("Join the next action at Simonds&#39; headquarters</strong> · places left"), "{page}");
    for who in ["2", "3"] {
        sign_up(&engine, who, "/signup jilamito rally", now).await;
    }
    let _waiting = engine.handle(&on_discord("4", "Person 4", "/signup jilamito rally", Locale::En, now)).await;
    let page = get(&format!("{}/en/", server.base), None).await.body;
    assert!(page.contains("headquarters</strong> · 3 of 3 places"), "{page}");
    let feed = get(&format!("{}/en/feed.json", server.base), None).await.body;
    assert!(feed.contains("\"places\": \"3 of 3 places\""), "{feed}");
    assert!(!feed.contains("waiting") && !page.contains("waitlist"), "how many wait is the organizers'");
}

#[tokio::test]
async fn markdown_from_content_cannot_run_or_link_anywhere_but_the_web_and_mail() {
    let (_dir, engine) = shipped_with(|d| {
        replace_in(
            d.join("group.toml"),
            "The Latin America/Caribbean Working Group opposes",
            "The Latin America/Caribbean Working Group <script>alert(1)</script> [click](javascript:alert(2)) ![x](https://tracker.example/p.gif) opposes",
        )
    })
    .await;
    let server = serve(engine.into()).await;
    let page = get(&format!("{}/en/", server.base), None).await;
    assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{}", page.body);
    assert!(!page.body.contains("<script"), "no script on the page");
    assert!(!page.body.contains("javascript:"), "{}", page.body);
    assert!(page.body.contains("Group &lt;script&gt;alert(1)&lt;/script&gt; click x opposes"), "the words stay");
    assert!(!page.body.contains("<img") && !page.body.contains("tracker.example"), "nothing loads from elsewhere");
    assert!(header(&page, "content-security-policy").starts_with("default-src 'none'"));
}

#[tokio::test]
async fn an_unchanged_page_is_not_sent_again_and_the_page_is_small() {
    let (_dir, engine) = shipped_with(|_| {}).await;
    let server = serve(engine.into()).await;
    let first = get(&format!("{}/es/", server.base), None).await;
    let etag = header(&first, "etag").to_string();
    assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");
    assert_eq!(header(&first, "cache-control"), "public, max-age=30");
    assert!(first.body.len() < 30 * 1024, "page and style under 30 KB: {} bytes", first.body.len());
    let again =
        reqwest::Client::new().get(format!("{}/es/", server.base)).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 304);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag, "re-rendered, the same tag");
}

#[tokio::test]
async fn the_fragment_and_the_feed_are_for_other_websites() {
    let (_dir, engine) = shipped_with(|_| {}).await;
    let server = serve(engine.into()).await;
    let embed = get(&format!("{}/es/embed", server.base), None).await;
    assert_eq!(embed.status, 200);
    assert!(embed.body.starts_with("<section class=\"convoca\" lang=\"es\">"), "{}", embed.body);
    assert!(!embed.body.contains("<html") && !embed.body.contains("<style"));
    assert!(embed.body.contains("Próximas reuniones") && embed.body.contains("Campañas"));
    assert_eq!(header(&embed, "access-control-allow-origin"), "*");

    let json = get(&format!("{}/feed.json", server.base), Some("es")).await;
    assert_eq!(header(&json, "content-type"), "application/json");
    let feed: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(feed["language"], "es");
    let first = &feed["meetings"][0];
    assert_eq!(first["meeting"], "monthly");
    assert_eq!(first["start"], "2026-12-07T22:00:00Z");
    assert_eq!(first["time_zone"], "America/New_York");
    assert_eq!(first["calendar"]["ics"], "/calendar/monthly.ics?lang=es");
    assert!(feed["campaigns"].as_array().unwrap().iter().any(|c| c["campaign"] == "jilamito"));
}

#[tokio::test]
async fn an_organization_lists_its_public_groups_and_each_group_has_its_page() {
    let dir = tempfile::tempdir().unwrap();
    let mut lacwg = GroupSpec::new("lacwg", "Latin America Group");
    lacwg.web = true;
    let mut sur = GroupSpec::new("sur", "Grupo Sur");
    sur.language = "es";
    sur.zone = "America/Tegucigalpa";
    sur.web = true;
    let quiet = GroupSpec::new("quiet", "Quiet Group");
    write_root(dir.path(), &[], None, &[], &[lacwg, sur, quiet]);
    let org_toml = dir.path().join("organization.toml");
    let text = std::fs::read_to_string(&org_toml).unwrap();
    std::fs::write(&org_toml, format!("{text}\n[web]\npublic = true\n")).unwrap();
    let org = Organization::open(dir.path(), sqlite_store().await, Settings::default()).unwrap();
    let server = serve(org).await;

    let front = get(&format!("{}/", server.base), None).await;
    assert_eq!(front.status, 200);
    assert!(front.body.contains("<h1>State Peace Action</h1>"), "{}", front.body);
    assert!(front.body.contains("<a href=\"/groups/lacwg/en/\">Latin America Group</a>"));
    assert!(front.body.contains("<a href=\"/groups/sur/en/\">Grupo Sur</a>"));
    assert!(!front.body.contains("Quiet Group"), "a group that wants no page is not listed");

    let sur = get(&format!("{}/groups/sur/", server.base), None).await;
    assert!(sur.body.contains("<html lang=\"es\">"), "the group's own language by default");
    assert!(sur.body.contains("<p><a href=\"/es/\">State Peace Action</a></p>"), "back to the organization");
    assert!(sur.body.contains("<a href=\"/groups/sur/calendar/monthly.ics?lang=es\">"), "{}", sur.body);
    assert!(sur.body.contains("CST"), "Tegucigalpa's time: {}", sur.body);
    for path in ["/groups/quiet/", "/groups/quiet/en/feed.json", "/groups/nobody/", "/groups/..%2F/en/"] {
        assert_eq!(get(&format!("{}{path}", server.base), None).await.status, 404, "{path}");
    }
}

#[tokio::test]
async fn a_group_with_only_a_mission_has_a_plain_page() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("group.toml"),
        "name = \"Grupo Nuevo\"\ntime_zone = \"America/Argentina/Buenos_Aires\"\nlanguage = \"es\"\nmission = \"Trabajamos por la paz.\"\n\n[web]\npublic = true\n",
    )
    .unwrap();
    let engine = engine_on(dir.path()).await;
    let server = serve(engine.into()).await;
    let page = get(&format!("{}/", server.base), None).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("<html lang=\"es\">") && page.body.contains("<h1>Grupo Nuevo</h1>"));
    assert!(page.body.contains("No hay reuniones programadas."), "{}", page.body);
    assert!(!page.body.contains("Campañas") && !page.body.contains("Coyuntura"), "no empty sections");
    let feed: serde_json::Value =
        serde_json::from_str(&get(&format!("{}/feed.json", server.base), None).await.body).unwrap();
    assert_eq!(feed["meetings"], serde_json::json!([]));
    assert_eq!(feed["campaigns"], serde_json::json!([]));
}

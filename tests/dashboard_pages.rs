//! The organizers' dashboard pages over HTTP, behind the door `tests/dashboard_access.rs`
//! tests: a campaign's six states now and over time and its roster, a meeting's answers over
//! the past months and the next date's list, the same files as `/export` and `/attendees`;
//! and nothing at all without a session.

mod common;

use std::sync::Arc;

use chrono::{Duration, Utc};
use common::*;
use convoca::chat::{Platform, Standing, Standings};
use convoca::engine::{Engine, Settings, Tone};
use convoca::group_id::GroupId;
use convoca::http::dashboard_access::StandingReaders;
use convoca::http::{AppState, Platforms};
use convoca::locale::Locale;
use futures_util::future::BoxFuture;

/// Everyone asking is an organizer of the group, as the home says.
struct Organizers;

impl Standings for Organizers {
    fn standing<'a>(&'a self, _user: &'a str, _group: &'a GroupId) -> BoxFuture<'a, Option<Standing>> {
        Box::pin(std::future::ready(Some(Standing { member: true, organizer: true })))
    }
}

struct Dashboard {
    base: String,
    http: reqwest::Client,
    cookie: String,
    engine: Engine,
    _dir: tempfile::TempDir,
    _stop: tokio::sync::watch::Sender<bool>,
}

/// The shipped group on a server of its own, and an organizer signed in through a link.
async fn signed_in() -> Dashboard {
    let dir = copy_of_shipped();
    let settings = Settings { public_url: Some("http://convoca.example".into()), ..Default::default() };
    let engine =
        Engine::new(convoca::content::ContentHandle::open(dir.path()).unwrap(), sqlite_store().await, settings);
    let standings = StandingReaders::default().with(Platform::Discord, Arc::new(Organizers));
    let state = AppState::new(engine.clone().into()).with_platforms(Platforms { standings, ..Default::default() });
    let (stop, rx) = tokio::sync::watch::channel(false);
    let (addr, _) = convoca::http::serve("127.0.0.1:0".parse().unwrap(), state, rx).await.unwrap();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let reply = organizer(&engine, "/dashboard", Utc::now()).await;
    let text = convoca::console::render(&reply);
    let at = text.find("/dashboard/open/").unwrap_or_else(|| panic!("no link: {text}"));
    let path: String = text[at..].chars().take_while(|c| !c.is_whitespace() && *c != ')' && *c != '>').collect();
    let opened = http.post(format!("http://{addr}{path}")).send().await.unwrap();
    assert_eq!(opened.status(), 303);
    let cookie = opened.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    Dashboard { base: format!("http://{addr}"), http, cookie, engine, _dir: dir, _stop: stop }
}

impl Dashboard {
    async fn get(&self, path: &str) -> (u16, String, Vec<u8>) {
        self.fetch(path, Some(&self.cookie)).await
    }

    async fn fetch(&self, path: &str, cookie: Option<&str>) -> (u16, String, Vec<u8>) {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        let kind = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        (status, kind, r.bytes().await.unwrap().to_vec())
    }

    async fn page(&self, path: &str) -> String {
        let (status, _, body) = self.get(path).await;
        let body = String::from_utf8(body).unwrap();
        assert_eq!(status, 200, "{path}: {body}");
        body
    }

    async fn say(&self, who: &str, text: &str, now: chrono::DateTime<Utc>) {
        let req = on_discord(who, &format!("Person {who}"), text, Locale::En, now);
        let reply = self.engine.handle(&req).await;
        assert_eq!(reply.tone, Tone::Done, "{text} by {who}: {}", convoca::console::render(&reply));
    }
}

/// The table row whose header cell is `name`, its cells' text.
fn row(page: &str, table_id: &str, name: &str) -> Vec<String> {
    let table = &page[page.find(&format!("id=\"{table_id}\"")).unwrap_or_else(|| panic!("{table_id}: {page}"))..];
    let table = &table[..table.find("</table>").unwrap()];
    let at = table.find(&format!("<th scope=\"row\">{name}</th>")).unwrap_or_else(|| panic!("{name} in {table}"));
    let row = &table[at..table[at..].find("</tr>").unwrap() + at];
    row.split("<td class=\"n\">").skip(1).map(|c| c[..c.find("</td>").unwrap()].to_string()).collect()
}

#[tokio::test]
async fn a_campaign_shows_every_state_its_history_and_who_and_the_same_file_as_export() {
    let d = signed_in().await;
    let now = Utc::now();
    let week_ago = now - Duration::days(8);
    for who in ["1", "2", "3", "4"] {
        d.say(who, "/signup jilamito letter", week_ago).await;
    }
    d.say("1", "/done jilamito letter", now).await;
    d.say("2", "/done jilamito letter not yet", now).await;
    d.say("3", "/done jilamito letter couldn't", now).await;
    d.say("5", "/signup jilamito petition", now).await;

    let overview = d.page("/dashboard/").await;
    assert!(overview.contains("<a href=\"/dashboard/campaigns/jilamito\">"), "{overview}");
    let page = d.page("/dashboard/campaigns/jilamito").await;
    // Exact numbers: the dashboard is for organizers, no floor.
    assert_eq!(row(&page, "by-action", "Write to your members of Congress"), ["4", "1", "1", "1", "1", "0"]);
    assert_eq!(row(&page, "by-action", "Sign the petition to Simonds International"), ["1", "0", "0", "0", "1", "0"]);
    assert_eq!(row(&page, "by-action", "All actions"), ["5", "1", "1", "1", "2", "0"]);
    // Week by week: a week ago four had signed up and none had said anything.
    let over_time = &page[page.find("id=\"over-time\"").unwrap()..];
    let first_row: Vec<&str> =
        over_time.split("<td class=\"n\">").skip(1).take(6).map(|c| &c[..c.find("</td>").unwrap()]).collect();
    assert_eq!(first_row, ["4", "0", "0", "0", "4", "0"], "{over_time}");
    assert!(page.contains("<polyline"), "the chart");
    for who in ["Person 1", "Person 2", "Person 3", "Person 4", "Person 5"] {
        assert!(page.contains(&format!("<td>{who}</td>")), "{who} on the roster");
    }
    assert!(page.contains("1–5 of 5"));

    let (status, kind, file) = d.get("/dashboard/campaigns/jilamito/signups.csv").await;
    assert_eq!((status, kind.as_str()), (200, "text/csv; charset=utf-8"));
    let export = organizer(&d.engine, "/export jilamito", Utc::now()).await.attachment.expect("export attaches");
    assert_eq!(file, export.data, "the same bytes as /export");
}

#[tokio::test]
async fn a_long_roster_comes_a_hundred_at_a_time() {
    let d = signed_in().await;
    let now = Utc::now();
    for i in 0..150 {
        let user =
            convoca::chat::User { platform: Platform::Discord, id: format!("{}", 5000 + i), name: format!("M{i:03}") };
        d.engine.store().sign_up(&user, "jilamito", "petition", now - Duration::minutes(150 - i)).await.unwrap();
    }
    let first = d.page("/dashboard/campaigns/jilamito").await;
    assert!(first.contains("1–100 of 150") && first.contains("<td>M000</td>") && !first.contains("<td>M100</td>"));
    assert!(first.contains("href=\"/dashboard/campaigns/jilamito?page=2#roster\""));
    let second = d.page("/dashboard/campaigns/jilamito?page=2").await;
    assert!(second.contains("101–150 of 150") && second.contains("<td>M149</td>") && !second.contains("<td>M099</td>"));
    assert_eq!(row(&second, "by-action", "Sign the petition to Simonds International")[0], "150");
}

#[tokio::test]
async fn a_meeting_shows_who_keeps_coming_who_stopped_and_the_next_dates_list() {
    let d = signed_in().await;
    let now = Utc::now();
    // The first Mondays of the past six months, each answered a week before.
    let content = d.engine.content().current();
    let changes = d.engine.calendar_changes().await.unwrap();
    let agenda = convoca::agenda::Agenda::new(&content, &changes);
    let past: Vec<_> = agenda
        .upcoming(
            convoca::agenda::Which::Only("monthly"),
            now - Duration::days(183),
            12,
            convoca::agenda::Cancelled::Skipped,
        )
        .into_iter()
        .filter(|o| o.start < now)
        .collect();
    assert!(past.len() >= 5, "{past:?}");
    for (i, o) in past.iter().enumerate() {
        let asked = o.start - Duration::days(7);
        let date = o.date.to_string();
        d.say("1", &format!("/going monthly {date}"), asked).await;
        if i < 3 {
            d.say("2", &format!("/going monthly {date}"), asked).await;
        }
    }
    d.say("3", "/going", now).await;

    let page = d.page("/dashboard/meetings/monthly").await;
    let ana = &page[page.find("<th scope=\"row\">Person 1</th>").unwrap()..];
    assert!(ana[..ana.find("</tr>").unwrap()].contains("Keeps coming"), "{page}");
    let bo = &page[page.find("<th scope=\"row\">Person 2</th>").unwrap()..];
    assert!(bo[..bo.find("</tr>").unwrap()].contains("Stopped coming"), "{page}");
    assert!(page.contains("<td>Person 3</td>"), "the next date's list: {page}");

    let next = agenda.upcoming(convoca::agenda::Which::Only("monthly"), now, 1, convoca::agenda::Cancelled::Skipped);
    let date = next[0].date;
    let (status, _, file) = d.get(&format!("/dashboard/meetings/monthly/{date}/attendees.csv")).await;
    assert_eq!(status, 200);
    let export = organizer(&d.engine, &format!("/attendees monthly {date} csv"), now).await.attachment.unwrap();
    assert_eq!(file, export.data, "the same bytes as /attendees … csv");
}

#[tokio::test]
async fn without_a_session_no_page_shows_anything() {
    let d = signed_in().await;
    d.say("1", "/signup jilamito letter", Utc::now()).await;
    d.say("1", "/going", Utc::now()).await;
    for path in [
        "/dashboard/",
        "/dashboard/campaigns/jilamito",
        "/dashboard/campaigns/jilamito/signups.csv",
        "/dashboard/meetings/monthly",
        "/dashboard/campaigns/jilamito?page=1",
    ] {
        for cookie in [None, Some("convoca_dashboard=0000000000000000000000000000000000000000000000000000000000000000")]
        {
            let (status, _, body) = d.fetch(path, cookie).await;
            let body = String::from_utf8_lossy(&body);
            assert!(status == 401 || status == 403, "{path} with {cookie:?}: {status}");
            assert!(!body.contains("Person 1") && !body.contains("Write to your members"), "{path}: {body}");
        }
    }
}

//! The door of the organizers' dashboard (issue 28): a one-time link from `/dashboard` in
//! chat, a session cookie, standing read again while the session lasts. Each refusal is
//! tested from the attacker's side first: a second use of a link, a link past its time, a
//! made-up token, a link fetched by a previewer, a member asking, an organizer of another
//! group, an organizer who lost the role, another site posting the link; then that the
//! rightful organizer does get in.

mod common;

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use common::org::{GroupSpec, write_root};
use common::*;
use convoca::chat::{Platform, Standing, Standings, User};
use convoca::console::render;
use convoca::engine::{Organization, Reply, Settings, Tone, Visibility, Whose};
use convoca::group_id::GroupId;
use convoca::http::dashboard_access::{RECHECK_EVERY, SESSION_LIFETIME, StandingReaders, UNSURE_FOR};
use convoca::http::{AppState, Platforms};
use convoca::locale::Locale;
use convoca::store::{LinkToken, Store};
use futures_util::future::BoxFuture;
use sqlx::Row;

/// One person's standing as a test says it is, for every group: `None` is "the platform
/// cannot tell now".
#[derive(Default)]
struct Told(Mutex<Option<Standing>>);

impl Told {
    fn organizer() -> Arc<Told> {
        Arc::new(Told(Mutex::new(Some(Standing { member: true, organizer: true }))))
    }

    fn set(&self, standing: Option<Standing>) {
        *self.0.lock().unwrap() = standing;
    }
}

impl Standings for Told {
    fn standing<'a>(&'a self, _user: &'a str, _group: &'a GroupId) -> BoxFuture<'a, Option<Standing>> {
        let told = *self.0.lock().unwrap();
        Box::pin(std::future::ready(told))
    }
}

const MEMBER: Standing = Standing { member: true, organizer: false };

/// An organization of two groups, `lacwg` (English) and `sur` (Spanish), on `store`, whose
/// links name `public_url`.
fn two_groups(store: Store, public_url: &str) -> (Organization, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let sur = GroupSpec { language: "es", ..GroupSpec::new("sur", "Grupo Sur") };
    write_root(dir.path(), &[], None, &[], &[GroupSpec::new("lacwg", "Latin America Working Group"), sur]);
    let settings = Settings { public_url: Some(public_url.to_string()), ..Default::default() };
    let org = Organization::open(dir.path(), store, settings).expect("the content loads");
    (org, dir)
}

fn lacwg() -> GroupId {
    GroupId::named("lacwg")
}

fn sur() -> GroupId {
    GroupId::named("sur")
}

/// `text` asked on Discord by `id` in `group`'s home, with the standing its adapter read
/// there.
async fn ask(org: &Organization, group: &GroupId, id: &str, organizer: bool, text: &str) -> Reply {
    let mut req = on_discord(id, "Org", text, Locale::En, Utc::now());
    req.organizer = organizer;
    org.handle(&req, &Whose::Group(group.clone())).await
}

/// The link path (`/dashboard/open/<token>`) in a reply, if it has one.
fn link_in(reply: &Reply) -> Option<String> {
    let text = render(reply);
    let at = text.find("/dashboard/open/")?;
    let token: String = text[at + 16..].chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    (token.len() == 64).then(|| format!("/dashboard/open/{token}"))
}

async fn rows(store: &Store, table: &str) -> i64 {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(store.pool())
        .await
        .unwrap();
    row.get::<i64, _>(0)
}

/// Every text cell of the two dashboard tables.
async fn dashboard_cells(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    for table in ["dashboard_links", "dashboard_sessions"] {
        let sql = format!("SELECT * FROM {table}");
        for row in sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(store.pool()).await.unwrap() {
            for i in 0..row.len() {
                if let Ok(Some(text)) = row.try_get::<Option<String>, _>(i) {
                    out.push(text);
                }
            }
        }
    }
    out
}

fn ana() -> User {
    User { platform: Platform::Discord, id: "900".into(), name: "Ana".into() }
}

// ---- The store: links once, sessions for their lifetime, only hashes kept ----

#[tokio::test]
async fn a_link_opens_one_session_once_and_only_while_it_is_good() {
    for (db, store) in stores().await {
        let store = store.for_group(&lacwg());
        let now = at("2026-12-06T12:00:00Z");
        let token = store.issue_dashboard_link(&ana(), Locale::Es, Duration::minutes(10), now).await.unwrap();
        // A made-up token, and one of another form, open nothing.
        let made_up = LinkToken::parse(&"0".repeat(64)).unwrap();
        assert_eq!(store.redeem_dashboard_link(&made_up, SESSION_LIFETIME, now).await.unwrap(), None, "{db}");
        assert_eq!(LinkToken::parse("../../etc/passwd"), None);
        // Looking does not spend it.
        for _ in 0..3 {
            let pending = store.dashboard_link(&token, now).await.unwrap().expect("still good");
            assert_eq!((pending.group, pending.locale), (lacwg(), Locale::Es), "{db}");
        }
        let opened = store.redeem_dashboard_link(&token, SESSION_LIFETIME, now).await.unwrap().expect("opens");
        assert_eq!((opened.session.group.clone(), opened.session.user_id.as_str()), (lacwg(), "900"), "{db}");
        assert_eq!(opened.session.checked_at, now, "{db}: standing counts as read when the link was made");
        // Spent: a second use, and a look, find nothing.
        assert_eq!(store.redeem_dashboard_link(&token, SESSION_LIFETIME, now).await.unwrap(), None, "{db}");
        assert_eq!(store.dashboard_link(&token, now).await.unwrap(), None, "{db}");
        // The database holds neither secret, only their hashes.
        let cells = dashboard_cells(&store).await;
        assert!(!cells.iter().any(|c| c.contains(token.expose())), "{db}: the link's token is stored");
        assert!(!cells.iter().any(|c| c.contains(opened.key.expose())), "{db}: the session's key is stored");
        // A link past its time opens nothing, looked at or used.
        let old = store.issue_dashboard_link(&ana(), Locale::En, Duration::minutes(10), now).await.unwrap();
        let later = now + Duration::minutes(10);
        assert_eq!(store.dashboard_link(&old, later).await.unwrap(), None, "{db}");
        assert_eq!(store.redeem_dashboard_link(&old, SESSION_LIFETIME, later).await.unwrap(), None, "{db}");
        // A new link stops the person's unused one in the same group.
        let first = store.issue_dashboard_link(&ana(), Locale::En, Duration::minutes(10), now).await.unwrap();
        let second = store.issue_dashboard_link(&ana(), Locale::En, Duration::minutes(10), now).await.unwrap();
        assert_eq!(store.dashboard_link(&first, now).await.unwrap(), None, "{db}: one live link per person");
        assert!(store.dashboard_link(&second, now).await.unwrap().is_some(), "{db}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_redeems_at_once_open_one_session() {
    for (db, one, other) in shared_databases().await {
        let now = Utc::now();
        for round in 0..5 {
            let a = one.for_group(&lacwg());
            let token = a.issue_dashboard_link(&ana(), Locale::En, Duration::minutes(10), now).await.unwrap();
            let tries = (0..8).map(|i| {
                let store = if i % 2 == 0 { one.clone() } else { other.clone() };
                let token = token.clone();
                tokio::spawn(async move { store.redeem_dashboard_link(&token, SESSION_LIFETIME, now).await.unwrap() })
            });
            let opened = futures_util::future::join_all(tries).await;
            let won = opened.into_iter().filter(|r| r.as_ref().unwrap().is_some()).count();
            assert_eq!(won, 1, "{db}, round {round}: {won} sessions from one link");
        }
        assert_eq!(rows(&one, "dashboard_sessions").await, 5, "{db}");
    }
}

#[tokio::test]
async fn a_session_lasts_its_lifetime_and_ends_with_its_person_s_standing_in_its_group_only() {
    for (db, store) in stores().await {
        let now = at("2026-12-06T12:00:00Z");
        let (a, b) = (store.for_group(&lacwg()), store.for_group(&sur()));
        let open = async |store: &Store, who: &User| {
            let token = store.issue_dashboard_link(who, Locale::En, Duration::minutes(10), now).await.unwrap();
            store.redeem_dashboard_link(&token, SESSION_LIFETIME, now).await.unwrap().unwrap().key
        };
        let bea = User { platform: Platform::Matrix, id: "@bea:example.org".into(), name: "Bea".into() };
        let (mine_a, mine_a2, mine_b, beas) =
            (open(&a, &ana()).await, open(&a, &ana()).await, open(&b, &ana()).await, open(&a, &bea).await);
        let pending = a.issue_dashboard_link(&ana(), Locale::En, Duration::minutes(10), now).await.unwrap();
        // Open for its lifetime, and not a moment past it.
        let session = a.dashboard_session(&mine_a, now + SESSION_LIFETIME - Duration::seconds(1)).await.unwrap();
        assert_eq!(session.map(|s| s.group), Some(lacwg()), "{db}");
        assert_eq!(a.dashboard_session(&mine_a, now + SESSION_LIFETIME).await.unwrap(), None, "{db}");
        // A reading of standing is recorded.
        a.dashboard_checked(&mine_a, now + Duration::minutes(3)).await.unwrap();
        let checked = a.dashboard_session(&mine_a, now).await.unwrap().unwrap().checked_at;
        assert_eq!(checked, now + Duration::minutes(3), "{db}");
        // Ana no longer organizes lacwg: both her lacwg sessions end and her unused lacwg
        // link stops; her sur session and Bea's lacwg session stay.
        assert_eq!(a.end_dashboard_access(Platform::Discord, "900").await.unwrap(), 2, "{db}");
        assert_eq!(a.dashboard_session(&mine_a, now).await.unwrap(), None, "{db}");
        assert_eq!(a.dashboard_session(&mine_a2, now).await.unwrap(), None, "{db}");
        assert_eq!(a.dashboard_link(&pending, now).await.unwrap(), None, "{db}");
        assert!(b.dashboard_session(&mine_b, now).await.unwrap().is_some(), "{db}: another group's session");
        assert!(a.dashboard_session(&beas, now).await.unwrap().is_some(), "{db}: another person's session");
        // Signing out ends one session.
        assert!(b.end_dashboard_session(&mine_b).await.unwrap(), "{db}");
        assert_eq!(b.dashboard_session(&mine_b, now).await.unwrap(), None, "{db}");
        assert!(!b.end_dashboard_session(&mine_b).await.unwrap(), "{db}: a second time finds none");
    }
}

#[tokio::test]
async fn dead_links_and_sessions_are_erased_by_the_next_link_and_by_the_daily_erasure() {
    for (db, store) in stores().await {
        let then = at("2026-12-01T12:00:00Z");
        let a = store.for_group(&lacwg());
        let used = a.issue_dashboard_link(&ana(), Locale::En, Duration::minutes(10), then).await.unwrap();
        a.redeem_dashboard_link(&used, SESSION_LIFETIME, then).await.unwrap().unwrap();
        let bea = User { platform: Platform::Matrix, id: "@bea:example.org".into(), name: "Bea".into() };
        // Bea's link to sur takes Ana's used one with it.
        store.for_group(&sur()).issue_dashboard_link(&bea, Locale::Es, Duration::minutes(10), then).await.unwrap();
        assert_eq!((rows(&store, "dashboard_links").await, rows(&store, "dashboard_sessions").await), (1, 1), "{db}");
        // A day later, any group's next link takes every dead one with it.
        let now = then + Duration::days(1);
        a.issue_dashboard_link(&ana(), Locale::En, Duration::minutes(10), now).await.unwrap();
        assert_eq!((rows(&store, "dashboard_links").await, rows(&store, "dashboard_sessions").await), (1, 0), "{db}");
        // The daily erasure takes them too, whatever the group's retention.
        let older = convoca::store::Older { dashboard_at: Some(now + Duration::hours(1)), ..Default::default() };
        let purged = a.erase_older(&[], older).await.unwrap();
        assert_eq!((purged.messages, rows(&store, "dashboard_links").await), (1, 0), "{db}");
    }
}

// ---- `/dashboard` in chat: organizers of the group only, privately ----

#[tokio::test]
async fn only_an_organizer_of_the_group_gets_a_link_and_only_privately() {
    for (db, store) in stores().await {
        let (org, _dir) = two_groups(store.clone(), "https://convoca.example/");
        // A member of lacwg who does not organize it.
        let refused = ask(&org, &lacwg(), "901", false, "/dashboard").await;
        assert_eq!(refused.tone, Tone::Refusal, "{db}: {}", render(&refused));
        assert!(render(&refused).contains("only organizers"), "{db}: {}", render(&refused));
        assert_eq!(link_in(&refused), None);
        // Ana organizes lacwg; in sur's home her standing is sur's, a member's.
        let elsewhere = ask(&org, &sur(), "900", false, "/panel").await;
        assert_eq!((elsewhere.tone, link_in(&elsewhere)), (Tone::Refusal, None), "{db}: {}", render(&elsewhere));
        // Asked in a place no group's home is, whatever the adapter said.
        let mut req = on_discord("900", "Ana", "/dashboard", Locale::En, Utc::now());
        req.organizer = true;
        let foreign = org.handle(&req, &Whose::Elsewhere).await;
        assert_eq!(link_in(&foreign), None, "{db}: {}", render(&foreign));
        assert_eq!(rows(&store, "dashboard_links").await, 0, "{db}: a refusal made a link");
        // In lacwg's home, Ana gets a private link to lacwg's dashboard, said to work once.
        let reply = ask(&org, &lacwg(), "900", true, "/dashboard").await;
        assert_eq!(reply.visibility, Visibility::Private, "{db}");
        let text = render(&reply);
        assert!(text.contains("https://convoca.example/dashboard/open/"), "{db}: {text}");
        assert!(text.contains("works once") && text.contains("10 minutes"), "{db}: {text}");
        let token = LinkToken::parse(&link_in(&reply).unwrap()["/dashboard/open/".len()..]).unwrap();
        let pending = store.dashboard_link(&token, Utc::now()).await.unwrap().unwrap();
        assert_eq!(pending.group, lacwg(), "{db}");
        // In Spanish, by its Spanish name.
        let mut req = on_discord("900", "Ana", "/panel", Locale::Es, Utc::now());
        req.organizer = true;
        let spanish = render(&org.handle(&req, &Whose::Group(lacwg())).await);
        assert!(spanish.contains("funciona una sola vez"), "{db}: {spanish}");
    }
}

#[tokio::test]
async fn without_a_public_address_there_is_no_link() {
    let engine = engine_on(&shipped()).await;
    let reply = organizer(&engine, "/dashboard", Utc::now()).await;
    assert_eq!(reply.tone, Tone::Refusal);
    assert!(render(&reply).contains("CONVOCA_PUBLIC_URL"), "{}", render(&reply));
    assert_eq!(rows(engine.store(), "dashboard_links").await, 0);
}

#[tokio::test]
async fn forgetme_erases_the_person_s_links_and_sessions() {
    for (db, store) in stores().await {
        let (org, _dir) = two_groups(store.clone(), "https://convoca.example");
        let used = link_in(&ask(&org, &lacwg(), "900", true, "/dashboard").await).unwrap();
        let token = LinkToken::parse(&used["/dashboard/open/".len()..]).unwrap();
        let opened = store.redeem_dashboard_link(&token, SESSION_LIFETIME, Utc::now()).await.unwrap().unwrap();
        link_in(&ask(&org, &sur(), "900", true, "/dashboard").await).unwrap();
        let preview = render(&ask(&org, &lacwg(), "900", true, "/forgetme").await);
        assert!(preview.contains("2 dashboard links or sessions"), "{db}: {preview}");
        let done = render(&ask(&org, &lacwg(), "900", true, "/forgetme confirm").await);
        assert!(done.contains("Erased") && done.contains("dashboard"), "{db}: {done}");
        assert_eq!(store.dashboard_session(&opened.key, Utc::now()).await.unwrap(), None, "{db}");
        assert_eq!(rows(&store, "dashboard_links").await + rows(&store, "dashboard_sessions").await, 0, "{db}");
    }
}

// ---- The door over HTTP ----

/// The bot's HTTP server on a free port, with `reader` telling standing on Discord.
struct Door {
    base: String,
    http: reqwest::Client,
    _stop: tokio::sync::watch::Sender<bool>,
}

impl Door {
    /// The door with `reader` telling standing on Discord (where the tests' requests come
    /// from).
    async fn open(org: &Organization, reader: Arc<dyn Standings>) -> Door {
        Door::reading(org, Platform::Discord, reader).await
    }

    async fn reading(org: &Organization, platform: Platform, reader: Arc<dyn Standings>) -> Door {
        let standings = StandingReaders::default().with(platform, reader);
        let platforms = Platforms { standings, ..Default::default() };
        let state = AppState::new(org.clone()).with_platforms(platforms);
        let (stop, rx) = tokio::sync::watch::channel(false);
        let (addr, _) = convoca::http::serve("127.0.0.1:0".parse().unwrap(), state, rx).await.unwrap();
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Door { base: format!("http://{addr}"), http, _stop: stop }
    }

    async fn get(&self, path: &str, cookie: Option<&str>) -> Answer {
        let mut req = self.http.get(format!("{}{path}", self.base)).header("accept-language", "en-US,en;q=0.9");
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        Answer::of(req.send().await.unwrap()).await
    }

    async fn post(&self, path: &str, headers: &[(&str, &str)]) -> Answer {
        let mut req = self.http.post(format!("{}{path}", self.base));
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        Answer::of(req.send().await.unwrap()).await
    }

    /// Opens the link at `path` as a browser does (the button) and returns the cookie to
    /// send back (`name=value`).
    async fn sign_in(&self, path: &str) -> String {
        let opened = self.post(path, &[]).await;
        assert_eq!(opened.status, 303, "{}", opened.body);
        cookie_pair(&opened)
    }
}

/// An HTTP answer, read.
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Answer {
    async fn of(r: reqwest::Response) -> Answer {
        let (status, headers) = (r.status().as_u16(), r.headers().clone());
        Answer { status, headers, body: r.text().await.unwrap() }
    }

    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(|v| v.to_str().unwrap()).unwrap_or_default()
    }

    /// Nothing under `/dashboard` is kept by a cache or sent on as a referrer.
    fn kept_private(&self) -> bool {
        self.header("cache-control") == "no-store" && self.header("referrer-policy") == "no-referrer"
    }
}

/// The `name=value` of the session cookie an answer set.
fn cookie_pair(answer: &Answer) -> String {
    answer.header("set-cookie").split(';').next().unwrap().to_string()
}

/// A link for Ana (Discord 900) to `group`'s dashboard, asked in its home: its path.
async fn link_for(org: &Organization, group: &GroupId) -> String {
    let reply = ask(org, group, "900", true, "/dashboard").await;
    link_in(&reply).unwrap_or_else(|| panic!("no link: {}", render(&reply)))
}

/// Sets every session's last reading of standing to `when`: time passing, for the door.
async fn last_read(store: &Store, when: DateTime<Utc>) {
    sqlx::query("UPDATE dashboard_sessions SET checked_at = $1")
        .bind(when.timestamp_millis())
        .execute(store.pool())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetching_a_link_spends_nothing_and_its_button_opens_the_dashboard_once() {
    for (db, store) in stores().await {
        let (org, _dir) = two_groups(store.clone(), "http://convoca.example");
        let door = Door::open(&org, Told::organizer()).await;
        // Ana asks in Spanish.
        let mut req = on_discord("900", "Ana", "/panel", Locale::Es, Utc::now());
        req.organizer = true;
        let link = link_in(&org.handle(&req, &Whose::Group(sur())).await).unwrap();
        // A previewer, the chat app and the person fetch it: a button, in her Spanish
        // (whatever the browser asks for).
        for _ in 0..3 {
            let page = door.get(&link, None).await;
            assert_eq!(page.status, 200, "{db}");
            assert!(page.kept_private(), "{db}");
            assert!(page.body.contains("<html lang=\"es\">") && page.body.contains("Grupo Sur"), "{db}: {}", page.body);
            assert!(page.body.contains("<form method=\"post\">") && page.body.contains("Abrir el panel"), "{db}");
            assert!(!page.body.contains("<script"), "{db}");
        }
        // The button: a session, and the browser sent to the dashboard.
        let opened = door.post(&link, &[]).await;
        assert_eq!((opened.status, opened.header("location")), (303, "/dashboard/"), "{db}");
        assert!(opened.kept_private(), "{db}");
        let cookie = cookie_pair(&opened);
        let dashboard = door.get("/dashboard/", Some(&cookie)).await;
        assert_eq!(dashboard.status, 200, "{db}: {}", dashboard.body);
        assert!(dashboard.body.contains("Grupo Sur") && dashboard.kept_private(), "{db}: {}", dashboard.body);
        // Used once: the button and the page now say to ask for a new link.
        let again = door.post(&link, &[]).await;
        assert_eq!(again.status, 410, "{db}");
        assert!(!again.header("set-cookie").contains("convoca_dashboard="), "{db}: a second session");
        let gone = door.get(&link, None).await;
        assert_eq!(gone.status, 410, "{db}");
        assert!(gone.body.contains("<code>/dashboard</code>") && gone.body.contains("lang=\"en\""), "{db}");
        // Made-up tokens, well formed or not.
        for path in [format!("/dashboard/open/{}", "ab".repeat(32)), "/dashboard/open/x%27%3B--".into()] {
            assert_eq!(door.get(&path, None).await.status, 410, "{db}: {path}");
            assert_eq!(door.post(&path, &[]).await.status, 410, "{db}: {path}");
        }
        assert_eq!(rows(&store, "dashboard_sessions").await, 1, "{db}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_past_its_time_opens_nothing() {
    for (db, store) in stores().await {
        let (org, _dir) = two_groups(store.clone(), "http://convoca.example");
        let door = Door::open(&org, Told::organizer()).await;
        // Made eleven minutes ago: good for ten.
        let made = Utc::now() - Duration::minutes(11);
        let a = store.for_group(&lacwg());
        let token = a.issue_dashboard_link(&ana(), Locale::En, Duration::minutes(10), made).await.unwrap();
        let path = format!("/dashboard/open/{}", token.expose());
        assert_eq!(door.get(&path, None).await.status, 410, "{db}");
        let tried = door.post(&path, &[]).await;
        assert_eq!(tried.status, 410, "{db}");
        assert_eq!(tried.header("set-cookie"), "", "{db}");
        assert_eq!(rows(&store, "dashboard_sessions").await, 0, "{db}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_site_posting_a_link_opens_nothing_and_spends_nothing() {
    let store = sqlite_store().await;
    let (org, _dir) = two_groups(store.clone(), "http://convoca.example");
    let door = Door::open(&org, Told::organizer()).await;
    let link = link_for(&org, &lacwg()).await;
    let forged = door.post(&link, &[("sec-fetch-site", "cross-site")]).await;
    assert_eq!(forged.status, 403);
    assert_eq!(forged.header("set-cookie"), "");
    assert_eq!(door.get(&link, None).await.status, 200, "the link is still good for its person");
    let own = door.post(&link, &[("sec-fetch-site", "same-origin")]).await;
    assert_eq!(own.status, 303);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cookie_is_for_the_dashboard_only_never_for_scripts_or_other_sites_and_secure_behind_https() {
    let attributes = |set: &str| -> Vec<String> { set.split(';').skip(1).map(|a| a.trim().to_string()).collect() };
    // Plain HTTP (a trial on one's own machine): not Secure, or the browser would drop it.
    let store = sqlite_store().await;
    let (org, _dir) = two_groups(store.clone(), "http://127.0.0.1:8080");
    let door = Door::open(&org, Told::organizer()).await;
    let plain = door.post(&link_for(&org, &lacwg()).await, &[]).await;
    let set = attributes(plain.header("set-cookie"));
    for wanted in ["HttpOnly", "SameSite=Strict", "Path=/dashboard", "Max-Age=43200"] {
        assert!(set.iter().any(|a| a == wanted), "{wanted} in {set:?}");
    }
    assert!(!set.iter().any(|a| a == "Secure"), "{set:?}");
    assert!(plain.header("set-cookie").starts_with("convoca_dashboard="));
    // Behind a TLS proxy that says so.
    let proxied = door.post(&link_for(&org, &lacwg()).await, &[("x-forwarded-proto", "https")]).await;
    assert!(
        attributes(proxied.header("set-cookie")).iter().any(|a| a == "Secure"),
        "{:?}",
        proxied.header("set-cookie")
    );
    // A public address that is HTTPS.
    let store = sqlite_store().await;
    let (org, _dir) = two_groups(store.clone(), "https://convoca.example");
    let door = Door::open(&org, Told::organizer()).await;
    let secure = door.post(&link_for(&org, &lacwg()).await, &[]).await;
    assert!(attributes(secure.header("set-cookie")).iter().any(|a| a == "Secure"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_opens_its_own_group_s_dashboard_and_nothing_else() {
    let store = sqlite_store().await;
    let (org, _dir) = two_groups(store.clone(), "http://convoca.example");
    let door = Door::open(&org, Told::organizer()).await;
    // No cookie, a made-up one, a malformed one: no dashboard, and nothing of any group.
    for cookie in
        [None, Some(format!("convoca_dashboard={}", "ab".repeat(32))), Some("convoca_dashboard=1 OR 1=1".into())]
    {
        let page = door.get("/dashboard/", cookie.as_deref()).await;
        assert_eq!(page.status, 403, "{cookie:?}");
        assert!(page.kept_private());
        assert!(!page.body.contains("Latin America") && !page.body.contains("Grupo Sur"), "{}", page.body);
    }
    // Ana organizes lacwg: her session is lacwg's, whatever the address says.
    let cookie = door.sign_in(&link_for(&org, &lacwg()).await).await;
    for path in ["/dashboard/", "/dashboard/?group=sur", "/dashboard"] {
        let page = door.get(path, Some(&cookie)).await;
        if path == "/dashboard" {
            assert_eq!((page.status, page.header("location")), (308, "/dashboard/"));
            continue;
        }
        assert_eq!(page.status, 200, "{path}");
        assert!(page.body.contains("Latin America Working Group") && !page.body.contains("Grupo Sur"), "{path}");
    }
    // Opening sur's link in the same browser switches it to sur: the lacwg session ends.
    let sur_link = link_for(&org, &sur()).await;
    let switched = door.http.post(format!("{}{sur_link}", door.base)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(switched.status().as_u16(), 303);
    assert_eq!(door.get("/dashboard/", Some(&cookie)).await.status, 403, "the replaced session still opens");
    // Signing out closes it for good.
    let page = door.post("/dashboard/signout", &[("cookie", cookie.as_str())]).await;
    assert!(page.header("set-cookie").contains("Max-Age=0"));
    assert_eq!(rows(&store, "dashboard_sessions").await, 1, "sur's session only");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ends_at_the_next_reading_after_its_person_stops_organizing() {
    for (db, store) in stores().await {
        let (org, _dir) = two_groups(store.clone(), "http://convoca.example");
        let told = Told::organizer();
        let door = Door::open(&org, Arc::clone(&told) as Arc<dyn Standings>).await;
        let cookie = door.sign_in(&link_for(&org, &lacwg()).await).await;
        let sur_cookie = door.sign_in(&link_for(&org, &sur()).await).await;
        assert_eq!(door.get("/dashboard/", Some(&cookie)).await.status, 200, "{db}");
        // Still an organizer at the next reading: open, the reading recorded.
        last_read(&store, Utc::now() - RECHECK_EVERY - Duration::seconds(5)).await;
        assert_eq!(door.get("/dashboard/", Some(&cookie)).await.status, 200, "{db}");
        let row = sqlx::query("SELECT MAX(checked_at) FROM dashboard_sessions").fetch_one(store.pool()).await.unwrap();
        assert!(row.get::<i64, _>(0) > (Utc::now() - Duration::seconds(30)).timestamp_millis(), "{db}: not recorded");
        // The platform cannot tell for a while: open while the last reading is recent...
        told.set(None);
        last_read(&store, Utc::now() - RECHECK_EVERY - Duration::seconds(5)).await;
        assert_eq!(door.get("/dashboard/", Some(&cookie)).await.status, 200, "{db}");
        // ...closed, not ended, once it is not; open again when it can tell.
        last_read(&store, Utc::now() - UNSURE_FOR - Duration::seconds(5)).await;
        let unsure = door.get("/dashboard/", Some(&cookie)).await;
        assert_eq!(unsure.status, 503, "{db}");
        assert!(!unsure.body.contains("signed in"), "{db}");
        told.set(Some(Standing { member: true, organizer: true }));
        assert_eq!(door.get("/dashboard/", Some(&cookie)).await.status, 200, "{db}");
        // Her role is taken away: within a reading, the dashboard closes, her sessions of
        // lacwg end, and her sur session is not lacwg's to end.
        told.set(Some(MEMBER));
        assert_eq!(door.get("/dashboard/", Some(&cookie)).await.status, 200, "{db}: read less often than every page");
        last_read(&store, Utc::now() - RECHECK_EVERY - Duration::seconds(5)).await;
        let closed = door.get("/dashboard/", Some(&cookie)).await;
        assert_eq!(closed.status, 403, "{db}");
        assert!(!closed.body.contains("Latin America Working Group"), "{db}");
        let left: Vec<String> = sqlx::query("SELECT grp FROM dashboard_sessions")
            .fetch_all(store.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(left, vec!["sur".to_string()], "{db}");
        // Given the role back, the ended session stays ended: a new link is needed.
        told.set(Some(Standing { member: true, organizer: true }));
        assert_eq!(door.get("/dashboard/", Some(&cookie)).await.status, 403, "{db}");
        let _ = sur_cookie;
    }
}

// ---- On Discord, end to end: the adapter's own reading of standing ----

/// Server 100 as `tests/discord_groups.rs` has it: lacwg in a category (role "LACWG
/// organizers"), sur in a channel (role "Sur organizers").
const S100: &str = "100";
const LACWG_CATEGORY: &str = "1100";
const LACWG_CHANNEL: &str = "1101";
const SUR_CHANNEL: &str = "1200";
const LACWG_ROLE: &str = "1001";
const SUR_ROLE: &str = "1002";
/// lacwg's organizer.
const LUCIA: (&str, &str) = ("511", "Lucía");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_discord_a_role_taken_away_closes_the_dashboard_and_another_group_s_role_never_opens_it() {
    use common::fake_discord::{FakeDiscord, embed_text, ephemeral, interact};
    use convoca::config::{DiscordConfig, Secret};
    use serde_json::json;

    let fake = FakeDiscord::start().await;
    fake.add_guild(S100, "State Peace Action", "599");
    fake.add_role(S100, LACWG_ROLE, "LACWG organizers", "0");
    fake.add_role(S100, SUR_ROLE, "Sur organizers", "0");
    fake.add_channel(S100, LACWG_CATEGORY, 4, None);
    fake.add_channel(S100, LACWG_CHANNEL, 0, Some(LACWG_CATEGORY));
    fake.add_channel(S100, SUR_CHANNEL, 0, None);
    fake.add_member(S100, LUCIA.0, &[LACWG_ROLE]);
    let dir = tempfile::tempdir().unwrap();
    let lacwg_spec = GroupSpec {
        discord: vec![format!("{S100}/{LACWG_CATEGORY}")],
        organizer_role: Some("LACWG organizers"),
        ..GroupSpec::new("lacwg", "Latin America Working Group")
    };
    let sur_spec = GroupSpec {
        discord: vec![format!("{S100}/{SUR_CHANNEL}")],
        organizer_role: Some("Sur organizers"),
        ..GroupSpec::new("sur", "Grupo Sur")
    };
    write_root(dir.path(), &[], None, &[], &[lacwg_spec, sur_spec]);
    let store = sqlite_store().await;
    let settings = Settings { public_url: Some("http://convoca.example".into()), ..Default::default() };
    let org = Organization::open(dir.path(), store.clone(), settings).unwrap();
    let config = DiscordConfig {
        token: Some("fake-token".parse::<Secret>().unwrap()),
        api_base: Some(fake.base.clone()),
        ..Default::default()
    };
    let gateway = convoca::discord::Gateway::start(&config, org.clone()).await.unwrap();
    fake.wait_identified(1).await;
    let door = Door::open(&org, Arc::clone(&gateway.bot) as Arc<dyn Standings>).await;
    // The adapter's reading, group by group: in sur's home she is a member, not an organizer;
    // someone outside the server is nobody there.
    let bot: &dyn Standings = &*gateway.bot;
    assert_eq!(bot.standing(LUCIA.0, &sur()).await, Some(MEMBER));
    assert_eq!(bot.standing("777", &lacwg()).await, Some(Standing::default()));
    assert_eq!(bot.standing("not-an-id", &lacwg()).await, Some(Standing::default()));

    // Lucía, lacwg's organizer, in sur's channel: sur reads its own role there.
    let asked = fake.command_in((S100, SUR_CHANNEL), "dashboard", json!([]), LUCIA, "en-US", ("0", &[LACWG_ROLE]));
    let refused = interact(&fake, asked).await;
    assert!(embed_text(&refused).contains("only organizers"), "{}", embed_text(&refused));
    assert_eq!(rows(&store, "dashboard_links").await, 0, "a link for sur");
    // In lacwg's channel: a link, seen by her alone.
    let asked = fake.command_in((S100, LACWG_CHANNEL), "dashboard", json!([]), LUCIA, "en-US", ("0", &[LACWG_ROLE]));
    let answer = interact(&fake, asked).await;
    assert!(ephemeral(&answer), "the link is for her alone");
    let text = embed_text(&answer);
    let at = text.find("/dashboard/open/").unwrap_or_else(|| panic!("no link: {text}"));
    let link: String = text[at..].chars().take("/dashboard/open/".len() + 64).collect();
    let cookie = door.sign_in(&link).await;
    let page = door.get("/dashboard/", Some(&cookie)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Latin America Working Group"));
    // The role is taken from her in the server: the next reading (here, time having passed)
    // asks Discord, closes the dashboard and ends the session.
    fake.add_member(S100, LUCIA.0, &[]);
    last_read(&store, Utc::now() - RECHECK_EVERY - Duration::seconds(5)).await;
    let closed = door.get("/dashboard/", Some(&cookie)).await;
    assert_eq!(closed.status, 403, "{}", closed.body);
    assert_eq!(rows(&store, "dashboard_sessions").await, 0);
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discord_out_of_reach_is_cannot_tell_not_no_standing() {
    use convoca::config::{DiscordConfig, Secret};
    let dir = tempfile::tempdir().unwrap();
    let lacwg_spec = GroupSpec {
        discord: vec![format!("{S100}/{LACWG_CATEGORY}")],
        organizer_role: Some("LACWG organizers"),
        ..GroupSpec::new("lacwg", "Latin America Working Group")
    };
    write_root(dir.path(), &[], None, &[], &[lacwg_spec]);
    let org = Organization::open(dir.path(), sqlite_store().await, Settings::default()).unwrap();
    // Nothing listens there: every call fails to connect.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let config = DiscordConfig {
        token: Some("fake-token".parse::<Secret>().unwrap()),
        api_base: Some(format!("http://{closed}")),
        ..Default::default()
    };
    let http = Arc::new(convoca::discord::http_client(&config, "fake-token"));
    let bot = convoca::discord::Bot::new(org, http, &config);
    assert_eq!(Standings::standing(&bot, LUCIA.0, &lacwg()).await, None);
}

// ---- On Matrix, end to end against a real Synapse ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_matrix_a_power_level_lowered_closes_the_dashboard() {
    use common::member::Member;
    use common::synapse::Synapse;
    use matrix_sdk::ruma::{Int, UserId};

    let Some(hs) = Synapse::start().await else { return };
    for (user, password) in [("convoca", "bot-password"), ("boss", "boss-pw"), ("olga", "olga-pw")] {
        hs.register(user, password, false);
    }
    // Boss makes lacwg's room; Olga organizes there (power 50).
    let boss = Member::login(&hs, "boss", "boss-pw").await;
    let olga = Member::login(&hs, "olga", "olga-pw").await;
    let bot = UserId::parse(hs.user_id("convoca")).unwrap();
    let o = olga.user_id();
    let room = boss.create_room_as(&[&*bot, &*o], None, &[(&o, 50)], false, false).await;
    let room_id = room.room_id().to_owned();
    boss.wait_joined(&room_id, &o).await;
    let dir = tempfile::tempdir().unwrap();
    let lacwg_spec = GroupSpec {
        matrix: vec![room_id.to_string()],
        organizer_power: Some(50),
        ..GroupSpec::new("lacwg", "Latin America Working Group")
    };
    write_root(dir.path(), &[], None, &[], &[lacwg_spec, GroupSpec::new("sur", "Grupo Sur")]);
    let store = sqlite_store().await;
    let settings = Settings { public_url: Some("http://convoca.example".into()), ..Default::default() };
    let org = Organization::open(dir.path(), store.clone(), settings).unwrap();
    let config = convoca::config::MatrixConfig {
        homeserver: Some(hs.url.clone()),
        user: Some("convoca".into()),
        password: Some("bot-password".parse().unwrap()),
        access_token: None,
        store_path: tempfile::tempdir().unwrap().keep(),
        home: Vec::new(),
        organizer_power: 50,
        store_passphrase: None,
    };
    let running = convoca::matrix::Matrix::start(&config, org.clone()).await.unwrap();
    boss.wait_joined(&room_id, &bot).await;
    let reader = Arc::new(running.standings());
    let door = Door::reading(&org, Platform::Matrix, Arc::clone(&reader) as Arc<dyn Standings>).await;
    let olga_id = o.to_string();
    assert_eq!(reader.standing(&olga_id, &lacwg()).await, Some(Standing { member: true, organizer: true }));
    assert_eq!(reader.standing(&olga_id, &sur()).await, Some(Standing::default()), "sur has no Matrix home");

    // She asks in lacwg's room; the link comes privately, in her direct room.
    olga.say(&room_id, "!dashboard").await;
    let private = olga
        .wait("the dashboard link", |m| m.sender == bot && m.room != room_id && m.body.contains("/dashboard/open/"))
        .await;
    let at = private.body.find("/dashboard/open/").unwrap();
    let link: String = private.body[at..].chars().take("/dashboard/open/".len() + 64).collect();
    assert_eq!(olga.count(|m| m.room == room_id && m.body.contains("/dashboard/open/")), 0, "the link in the room");
    let cookie = door.sign_in(&link).await;
    assert_eq!(door.get("/dashboard/", Some(&cookie)).await.status, 200);

    // Boss lowers her power: once the bot has synced it, the next reading ends her session.
    boss.client.get_room(&room_id).unwrap().update_power_levels(vec![(&o, Int::from(0))]).await.unwrap();
    until("the bot sees Olga's power lowered", PATIENCE, async || {
        reader.standing(&olga_id, &lacwg()).await == Some(MEMBER)
    })
    .await;
    last_read(&store, Utc::now() - RECHECK_EVERY - Duration::seconds(5)).await;
    assert_eq!(door.get("/dashboard/", Some(&cookie)).await.status, 403);
    assert_eq!(rows(&store, "dashboard_sessions").await, 0);
    running.stop().await;
}

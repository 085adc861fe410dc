//! The public page and its JSON feed under load: 1,000 requests a second for 20 seconds
//! through the real HTTP server on loopback (keep-alive connections, as a browser or a proxy
//! in front keeps them), half the page, half the feed, in both languages. Targets: every
//! request answered, p99 under 5 ms. The time is measured at the client, on the same two
//! cores as the server, so it is an upper bound of the server's own time; the server's time
//! alone (the page from the cache, and rendered afresh) is measured in-process too.
//!
//! Then an organizer's dashboard page of a campaign with 5,000 sign-ups (target p99 under
//! 20 ms): the store's reads, the numbers week by week, the roster and the template.
//!
//! Run: `cargo bench --bench web` (SQLite in a temporary folder, the shipped content; 300
//! members signed up for the public page, 5,000 for the dashboard).

#[path = "../tests/common/copy.rs"]
mod copy;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use convoca::chat::{Platform, User};
use convoca::content::ContentHandle;
use convoca::engine::{Engine, Settings};
use convoca::locale::Locale;
use convoca::store::Store;
use convoca::web::{Form, Site, Whose};

const RATE: u64 = 1_000;
const SECONDS: u64 = 20;
const CONNECTIONS: usize = 32;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn line(label: &str, mut times: Vec<Duration>) -> String {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "{label}: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms ({} requests)",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(*times.last().unwrap()),
        times.len()
    )
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    copy::copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("commands"), dir.path());
    let db = dir.path().join("bench.db");
    let store = Store::open(Some(&format!("sqlite://{}", db.display()))).await.unwrap();
    let now = chrono::Utc::now();
    for i in 0..300 {
        let user = User { platform: Platform::Discord, id: format!("{}", 1000 + i), name: format!("Member {i}") };
        let action = ["petition", "letter", "rally"][i % 3];
        store.sign_up(&user, "jilamito", action, now).await.unwrap();
    }
    let content = ContentHandle::open(dir.path()).unwrap();
    let engine = Engine::new(content, store, Settings::default());
    let org: convoca::engine::Organization = engine.clone().into();

    // The server's own time: from the cache, and rendered afresh each time.
    let site = Site::new(org.clone());
    let mut cached = Vec::new();
    for i in 0..20_000 {
        let lang = if i % 2 == 0 { Locale::En } else { Locale::Es };
        let t = Instant::now();
        let page = site.get(&Whose::Front, Form::Page, lang).await.unwrap();
        cached.push(t.elapsed());
        std::hint::black_box(page);
    }
    println!("{}", line("page from the cache, in the server", cached));
    let fresh_site = Site::new(org.clone()).fresh_for(Duration::ZERO);
    let mut fresh = Vec::new();
    let mut size = 0;
    for i in 0..2_000 {
        let lang = if i % 2 == 0 { Locale::En } else { Locale::Es };
        let t = Instant::now();
        let page = fresh_site.get(&Whose::Front, Form::Page, lang).await.unwrap();
        fresh.push(t.elapsed());
        size = page.body.len();
    }
    println!("{}", line("page rendered afresh (content, changes, counts, template)", fresh));
    println!("page size: {size} bytes, style included");

    let state = convoca::http::AppState::new(org);
    let (_stop, rx) = tokio::sync::watch::channel(false);
    let (addr, _) = convoca::http::serve("127.0.0.1:0".parse().unwrap(), state, rx).await.unwrap();
    let paths = ["/en/", "/es/feed.json", "/es/", "/en/feed.json"];
    let client = reqwest::Client::builder().pool_max_idle_per_host(CONNECTIONS).build().unwrap();
    // Warm the cache and the connections.
    for path in paths {
        assert_eq!(client.get(format!("http://{addr}{path}")).send().await.unwrap().status(), 200);
    }

    let total = RATE * SECONDS;
    let gap = Duration::from_nanos(1_000_000_000 / RATE);
    let start = tokio::time::Instant::now();
    let limit = Arc::new(tokio::sync::Semaphore::new(CONNECTIONS));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..total {
        tokio::time::sleep_until(start + gap * i as u32).await;
        let permit = Arc::clone(&limit).acquire_owned().await.unwrap();
        let url = format!("http://{addr}{}", paths[i as usize % paths.len()]);
        let client = client.clone();
        tasks.spawn(async move {
            let t = Instant::now();
            let r = client.get(url).send().await;
            let ok = matches!(&r, Ok(r) if r.status() == 200);
            if let Ok(r) = r {
                let _ = r.bytes().await;
            }
            drop(permit);
            (t.elapsed(), ok)
        });
    }
    let mut times = Vec::new();
    let mut failed = 0;
    while let Some(done) = tasks.join_next().await {
        let (t, ok) = done.unwrap();
        times.push(t);
        failed += usize::from(!ok);
    }
    let took = start.elapsed().as_secs_f64();
    println!("{} requests in {took:.2} s ({:.0}/s), {failed} not answered 200", times.len(), times.len() as f64 / took);
    println!("{}", line("page and feed at 1,000/s over HTTP, at the client", times));

    dashboard(&engine).await;
}

/// A campaign's dashboard page with 5,000 sign-ups, some done, some not yet, some waiting.
async fn dashboard(engine: &Engine) {
    let store = engine.store();
    let start = chrono::Utc::now() - chrono::Duration::days(90);
    for i in 300..5_000usize {
        let user = User { platform: Platform::Discord, id: format!("{}", 1000 + i), name: format!("Member {i}") };
        let action = ["petition", "letter", "rally"][i % 3];
        let at = start + chrono::Duration::minutes(i as i64 * 25);
        store.sign_up(&user, "jilamito", action, at).await.unwrap();
        if i % 4 == 0 {
            let seen = convoca::store::Seen { locale: Locale::En, member: true };
            store.report(&user, "jilamito", action, convoca::store::Outcome::Done, false, seen, at).await.unwrap();
        }
    }
    let now = chrono::Utc::now();
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..200 {
        let t = Instant::now();
        let page = convoca::web::dashboard::pages::campaign(engine, "/dashboard", "jilamito", 1, Locale::En, now)
            .await
            .unwrap()
            .unwrap();
        times.push(t.elapsed());
        size = page.len();
    }
    println!("{}", line("dashboard page of a campaign with 5,000 sign-ups, in the server", times));
    println!("dashboard page size: {size} bytes");
}

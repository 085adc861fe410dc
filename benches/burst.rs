//! A sign-up burst through the signed HTTP interactions endpoint: 5,000 distinct members
//! clicking "Sign up", 200 connections at once. Every answer must come inside Discord's
//! 3-second deadline, at least 1,000 sign-ups/s, and exactly 5,000 rows after. Then the same
//! burst on an action with a capacity of 1,000 places: exactly 1,000 confirmed, 4,000
//! waitlisted, each place in line once.
//!
//! Run: `cargo bench --bench burst` (SQLite; and PostgreSQL too when
//! `CONVOCA_TEST_POSTGRES_URL` names a server whose user may create databases, as
//! `scripts/test` sets up).

#[path = "../tests/common/copy.rs"]
mod copy;
#[path = "../tests/common/fake_discord.rs"]
mod fake_discord;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use convoca::config::DiscordConfig;
use convoca::content::ContentHandle;
use convoca::engine::{Engine, Settings};
use convoca::store::Store;
use ed25519_dalek::{Signer, SigningKey};
use futures_util::StreamExt;
use serde_json::json;

const MEMBERS: usize = 5_000;
const CONNECTIONS: usize = 200;

/// Places on the rally in the capacity run.
const PLACES: u32 = 1_000;

async fn burst(label: &str, url: &str, capacity: Option<u32>) {
    let store = Store::open(Some(url)).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    copy::copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("commands"), dir.path());
    let action = match capacity {
        Some(n) => {
            let path = dir.path().join("campaigns/jilamito.toml");
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, text.replace("slug = \"rally\"", &format!("slug = \"rally\"\ncapacity = {n}")))
                .unwrap();
            "rally"
        }
        None => "petition",
    };
    let content = ContentHandle::open(dir.path()).unwrap();
    let engine = Engine::new(content, store, Settings::default());
    let fake = fake_discord::FakeDiscord::start().await;
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let config = DiscordConfig {
        api_base: Some(fake.base.clone()),
        home: vec![fake_discord::GUILD_ID.into()],
        ..Default::default()
    };
    let bot = Arc::new(convoca::discord::Bot::new(
        engine.clone(),
        Arc::new(convoca::discord::http_client(&config, "")),
        &config,
    ));
    let verifier = Arc::new(
        convoca::discord::verify::InteractionVerifier::new(&hex::encode(key.verifying_key().to_bytes())).unwrap(),
    );
    let state = convoca::http::AppState::new(engine.clone().into()).with_discord(Some((bot, verifier)));
    let (_stop, rx) = tokio::sync::watch::channel(false);
    let (addr, _) = convoca::http::serve("127.0.0.1:0".parse().unwrap(), state, rx).await.unwrap();
    let endpoint = format!("http://{addr}/discord/interactions");

    let message = fake_discord::message_json("555", fake_discord::CHANNEL_ID, &json!({}));
    let bodies: Vec<String> = (0..MEMBERS)
        .map(|i| {
            fake.click(
                &format!("cv:signup:en:jilamito:{action}"),
                message.clone(),
                (&(100_000 + i).to_string(), "Member"),
                "en-US",
            )
            .to_string()
        })
        .collect();
    let client = reqwest::Client::builder().pool_max_idle_per_host(CONNECTIONS).build().unwrap();
    let started = Instant::now();
    let results: Vec<(u16, Duration)> = futures_util::stream::iter(bodies)
        .map(|body| {
            let client = client.clone();
            let endpoint = endpoint.clone();
            let key = key.clone();
            async move {
                let ts = chrono::Utc::now().timestamp().to_string();
                let signature = hex::encode(key.sign(format!("{ts}{body}").as_bytes()).to_bytes());
                let t = Instant::now();
                let r = client
                    .post(&endpoint)
                    .header("X-Signature-Ed25519", signature)
                    .header("X-Signature-Timestamp", ts)
                    .header("Content-Type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                let status = r.status().as_u16();
                let _ = r.bytes().await;
                (status, t.elapsed())
            }
        })
        .buffer_unordered(CONNECTIONS)
        .collect()
        .await;
    let elapsed = started.elapsed();
    let mut times: Vec<Duration> = results.iter().map(|r| r.1).collect();
    times.sort();
    let ok = results.iter().filter(|r| r.0 == 200).count();
    let over = times.iter().filter(|t| **t > Duration::from_secs(3)).count();
    let rows: i64 = sqlx::Row::get(
        &sqlx::query("SELECT COUNT(*) FROM signups WHERE campaign = 'jilamito' AND withdrawn_at IS NULL")
            .fetch_one(engine.store().pool())
            .await
            .unwrap(),
        0,
    );
    let p = |q: f64| times[((times.len() - 1) as f64 * q) as usize].as_secs_f64() * 1000.0;
    let label = match capacity {
        Some(n) => format!("{label} ({n} places)"),
        None => label.to_string(),
    };
    println!(
        "{label:<10} {MEMBERS} clicks, {CONNECTIONS} at once: {:.0} sign-ups/s ({:.2} s); answers p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; over 3 s: {over}; HTTP 200: {ok}; rows after: {rows}",
        MEMBERS as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64(),
        p(0.5),
        p(0.99),
        times.last().unwrap().as_secs_f64() * 1000.0,
    );
    assert_eq!(rows, MEMBERS as i64, "exactly one row per member");
    if let Some(n) = capacity {
        let count = engine.store().counts("jilamito").await.unwrap();
        let rally = count.iter().find(|c| c.action == "rally").unwrap();
        let positions: i64 = sqlx::Row::get(
            &sqlx::query(
                "SELECT COUNT(DISTINCT arrival) FROM signups WHERE campaign = 'jilamito' AND action = 'rally' AND waitlisted = 1",
            )
            .fetch_one(engine.store().pool())
            .await
            .unwrap(),
            0,
        );
        println!(
            "{label:<10} confirmed {} of {n} places; waitlisted {} (distinct places in line: {positions})",
            rally.people, rally.waiting
        );
        assert_eq!((rally.people, rally.waiting), (i64::from(n), MEMBERS as i64 - i64::from(n)));
    }
    engine.store().close().await;
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap().keep();
        burst("SQLite", &format!("sqlite://{}", dir.join("burst.db").display()), None).await;
        burst("SQLite", &format!("sqlite://{}", dir.join("places.db").display()), Some(PLACES)).await;
        if let Ok(admin) = std::env::var("CONVOCA_TEST_POSTGRES_URL") {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let mut conn = sqlx::AnyConnection::connect(&admin).await.unwrap();
            let base = admin.rsplit_once('/').unwrap().0;
            for (run, capacity) in [("burst", None), ("places", Some(PLACES))] {
                let name = format!("convoca_t_{run}_{}", std::process::id());
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.unwrap();
                burst("PostgreSQL", &format!("{base}/{name}"), capacity).await;
            }
        } else {
            println!("PostgreSQL: skipped (set CONVOCA_TEST_POSTGRES_URL, as scripts/test does)");
        }
    });
}

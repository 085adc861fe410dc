//! A fan-out of personal reminders against Discord's rate limit, with the built binary:
//! 5,000 members going to the same meeting, every one-hour reminder due in the same minute,
//! sent by direct message through a fake Discord on loopback that enforces 50 requests a
//! second (opening each DM channel counts). Reports whether each was delivered exactly once
//! and none early, the total time against the limit's floor (5,000 DMs plus 5,000 DM-channel
//! opens at 50 a second: 200 s), the share of requests answered 429, and the bot's resident
//! memory during the fan-out.
//!
//! With `FANOUT_KIND=followup`, the same fan-out of "did you do it?": 5,000 members signed up
//! for an action whose follow-up falls an hour after their sign-up, all in the same minute.
//!
//! Run: `cargo bench --bench fanout` (about five minutes). `FANOUT_PEOPLE` sets how many.

#[path = "../tests/common/bot_process.rs"]
mod bot_process;
#[path = "../tests/common/copy.rs"]
mod copy;
#[path = "../tests/common/fake_discord.rs"]
mod fake_discord;

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use chrono::{DurationRound, Utc};

fn main() {
    let people: usize = std::env::var("FANOUT_PEOPLE").ok().and_then(|v| v.parse().ok()).unwrap_or(5000);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let fake = fake_discord::FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("commands");
        copy::copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("commands"), &content);
        // A one-off meeting whose one-hour personal reminder falls on a minute boundary at
        // least a minute and a half away (set-up and start-up come first).
        let due = (Utc::now() + chrono::Duration::seconds(90)).duration_trunc(chrono::Duration::minutes(1)).unwrap()
            + chrono::Duration::minutes(1);
        let start = due + chrono::Duration::hours(1);
        std::fs::write(
            content.join("meetings/fanout.toml"),
            format!(
                "title = {{ en = \"Fan-out\", es = \"Fan-out\" }}\ndate = \"{}\"\nstart = \"{}\"\nend = \"{}\"\ntime_zone = \"UTC\"\n[place]\nname = \"Zoom\"\n",
                start.format("%Y-%m-%d"),
                start.format("%H:%M"),
                (start + chrono::Duration::hours(1)).format("%H:%M"),
            ),
        )
        .unwrap();
        let follow_ups = std::env::var("FANOUT_KIND").is_ok_and(|k| k == "followup");
        if follow_ups {
            std::fs::write(
                content.join("campaigns/fanout.toml"),
                "title = { en = \"Fan-out\", es = \"Fan-out\" }\nsummary = { en = \"x\", es = \"x\" }\n[[actions]]\nslug = \"act\"\ntitle = { en = \"Act\", es = \"Actúa\" }\nfollow_up = \"1h\"\n",
            )
            .unwrap();
        }
        let signed_up = (due - chrono::Duration::hours(1)).timestamp_millis();
        let url = format!("sqlite://{}", dir.path().join("bot.db").display());
        let store = convoca::store::Store::open(Some(&url)).await.unwrap();
        let ids: Vec<String> = (0..people).map(|i| (710_000_000_000_000_000u64 + i as u64).to_string()).collect();
        for chunk in ids.chunks(400) {
            let mut users = String::from(
                "INSERT INTO users (platform, user_id, display_name, created_at, updated_at, locale, member) VALUES ",
            );
            let mut rsvps =
                String::from("INSERT INTO rsvps (platform, user_id, meeting, occurrence_date, going, updated_at) VALUES ");
            for (i, id) in chunk.iter().enumerate() {
                let sep = if i == 0 { "" } else { ", " };
                users.push_str(&format!("{sep}('discord', '{id}', 'Member {id}', 0, 0, 'en', 1)"));
                if follow_ups {
                    rsvps.push_str(&format!("{sep}('discord', '{id}', 'fanout', 'act', {signed_up})"));
                } else {
                    rsvps.push_str(&format!("{sep}('discord', '{id}', 'fanout', '{}', 1, 0)", start.format("%Y-%m-%d")));
                }
            }
            if follow_ups {
                rsvps = rsvps.replace(
                    "INSERT INTO rsvps (platform, user_id, meeting, occurrence_date, going, updated_at)",
                    "INSERT INTO signups (platform, user_id, campaign, action, signed_up_at)",
                );
            }
            sqlx::query(sqlx::AssertSqlSafe(users)).execute(store.pool()).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(rsvps)).execute(store.pool()).await.unwrap();
        }
        store.close().await;

        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_convoca"));
        cmd
            .arg("run")
            .arg("--content")
            .arg(&content)
            .env("DATABASE_URL", &url)
            .env("DISCORD_TOKEN", "fake-token")
            .env("DISCORD_API_BASE", &fake.base)
            .env("DISCORD_HOME_GUILDS", fake_discord::GUILD_ID)
            .env("CONVOCA_LOG", std::env::var("BENCH_BOT_LOG").unwrap_or_else(|_| "error".into()));
        let bot = bot_process::BotProcess::start(cmd, true).await;
        let before = bot.status_kib("VmRSS:");
        let due_at: SystemTime = due.into();
        let what = if follow_ups { "people signed up; follow-ups" } else { "people going; reminders" };
        println!("{people} {what} due at {due}; bot resident before: {:.1} MiB", before as f64 / 1024.0);

        // Resident memory every 200 ms until every DM is in.
        let mut samples = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(120 + people as u64 / 10);
        let dm_posts = |calls: &[fake_discord::Call]| {
            calls.iter().filter(|c| c.method == "POST" && c.path.contains("/channels/") && c.status == 200).count()
        };
        loop {
            if SystemTime::now() >= due_at {
                samples.push(bot.status_kib("VmRSS:"));
            }
            let calls = fake.calls().await;
            if dm_posts(&calls) >= people || Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let calls = fake.calls().await;
        let opens: Vec<&fake_discord::Call> =
            calls.iter().filter(|c| c.path.ends_with("/users/@me/channels") && c.status == 200).collect();
        let posts: Vec<&fake_discord::Call> =
            calls.iter().filter(|c| c.method == "POST" && c.path.contains("/channels/") && c.status == 200).collect();
        let sent_requests = calls.iter().filter(|c| c.method == "POST" && !c.path.contains("/interactions/")).count();
        let limited = calls.iter().filter(|c| c.status == 429).count();
        let created = fake.created().await;
        let mut per_channel: HashMap<&str, usize> = HashMap::new();
        for m in created.iter() {
            *per_channel.entry(m["channel_id"].as_str().unwrap()).or_default() += 1;
        }
        let dms: Vec<String> = {
            let mut v = Vec::new();
            for id in &ids {
                v.push(fake.dm_channel(id).await.unwrap_or_default());
            }
            v
        };
        let once = dms.iter().filter(|d| per_channel.get(d.as_str()) == Some(&1)).count();
        let twice = dms.iter().filter(|d| per_channel.get(d.as_str()).is_some_and(|n| *n > 1)).count();
        let earliest = calls.iter().filter(|c| c.method == "POST").map(|c| c.at).min().unwrap();
        let last = posts.iter().map(|c| c.at).max().unwrap();
        let total = last.duration_since(due_at).unwrap_or_default().as_secs_f64();
        let floor = (people * 2) as f64 / 50.0;
        samples.sort_unstable();
        let mib = |k: u64| k as f64 / 1024.0;
        println!("delivered exactly once: {once} of {people}; more than once: {twice}");
        println!(
            "earliest request {:+.3} s from the due instant (negative would be early)",
            match earliest.duration_since(due_at) {
                Ok(d) => d.as_secs_f64(),
                Err(e) => -e.duration().as_secs_f64(),
            }
        );
        println!("DM channels opened: {}; DMs posted: {}", opens.len(), posts.len());
        println!(
            "total time, due to last DM: {total:.1} s; floor at 50 requests/s: {floor:.1} s; {:+.1} % over the floor",
            (total / floor - 1.0) * 100.0
        );
        println!(
            "requests answered 429: {limited} of {sent_requests} ({:.2} %); sent into a limit after its 429: {}",
            limited as f64 * 100.0 / sent_requests.max(1) as f64,
            fake.violations()
        );
        if !samples.is_empty() {
            println!(
                "bot resident during the fan-out: median {:.1} MiB, max {:.1} MiB ({} samples)",
                mib(samples[samples.len() / 2]),
                mib(*samples.last().unwrap()),
                samples.len()
            );
        }
        bot.stop().await;
    });
}

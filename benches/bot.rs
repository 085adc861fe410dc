//! The running bot with Discord (a fake on loopback) and Matrix (a local Synapse) connected:
//! start-up to ready, resident memory, and the `!meeting` round trip on Matrix asked back
//! to back, measured from the homeserver's own timestamps (question → answer).
//!
//! Run: `cargo bench --bench bot` (needs Synapse in target/synapse-venv: `scripts/test`
//! installs it).

#[path = "../tests/common/bot_process.rs"]
mod bot_process;
#[path = "../tests/common/fake_discord.rs"]
mod fake_discord;
#[path = "../tests/common/member.rs"]
mod member;
#[path = "../tests/common/smtp.rs"]
mod smtp;
#[path = "../tests/common/synapse.rs"]
mod synapse;

use std::path::Path;
use std::time::Instant;

const ASKS: usize = 200;
const ECHOES: usize = 100;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let Some(hs) = synapse::Synapse::start().await else {
            println!("Synapse is not installed: run scripts/test once, then this benchmark");
            return;
        };
        hs.register("convoca", "bot-password", false);
        hs.register("alice", "alice-password", false);
        let fake = fake_discord::FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        // The group's home room, made before the bot starts: the bot joins it at start.
        let alice = member::Member::login(&hs, "alice", "alice-password").await;
        let bot = matrix_sdk::ruma::UserId::parse(hs.user_id("convoca")).unwrap();
        let room = alice.create_room_with(&[&bot], false, Some("lacwg"), false).await;

        // Email on too, as a group with mailing lists runs it (the SMTP server is tests/'s).
        let mail = smtp::Smtp::start(smtp::Mode::Normal);
        let started = Instant::now();
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_convoca"));
        if let Some(mail) = &mail {
            cmd.env("CONVOCA_SMTP_HOST", "localhost")
                .env("CONVOCA_SMTP_PORT", mail.port.to_string())
                .env("CONVOCA_SMTP_USER", smtp::USER)
                .env("CONVOCA_SMTP_PASSWORD", smtp::PASSWORD)
                .env("CONVOCA_SMTP_FROM", "LA/CWG <convoca@example.org>")
                .env("CONVOCA_SMTP_CA_FILE", mail.dir.path().join("ca.pem"))
                .env("CONVOCA_REMINDER_CHANNELS", "mail:action-list@example.org");
        }
        cmd
            .arg("run")
            .arg("--content")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("commands"))
            .env("DATABASE_URL", format!("sqlite://{}", dir.path().join("bot.db").display()))
            // Back-to-back questions from one person are the measurement here, not a flood.
            .env("CONVOCA_COMMAND_BURST", "0")
            .env("DISCORD_TOKEN", "fake-token")
            .env("DISCORD_API_BASE", &fake.base)
            .env("DISCORD_HOME_GUILDS", fake_discord::GUILD_ID)
            .env("MATRIX_HOME_ROOMS", "#lacwg:localhost")
            .env("MATRIX_HOMESERVER", &hs.url)
            .env("MATRIX_USER", "convoca")
            .env("MATRIX_PASSWORD", "bot-password")
            .env("MATRIX_STORE_PATH", dir.path().join("matrix"))
            .env("CONVOCA_LOG", std::env::var("BENCH_BOT_LOG").unwrap_or_else(|_| "warn".into()));
        let bot_process = bot_process::BotProcess::start(cmd, std::env::var_os("BENCH_BOT_LOG").is_some()).await;
        let pid = bot_process.pid;
        let ready = started.elapsed();
        fake.wait_call(0, "command registration", |c| c.method == "PUT" && c.path.ends_with("/commands")).await;
        let discord_ready = started.elapsed();

        alice.wait_joined(room.room_id(), &bot).await;
        // Warm up once.
        let q = alice.say(room.room_id(), "!help").await;
        alice.wait("warm-up", |m| m.in_reply_to.as_ref() == Some(&q)).await;
        let mut rtt = Vec::with_capacity(ASKS);
        for _ in 0..ASKS {
            let q = alice.say(room.room_id(), "!meeting").await;
            let asked = alice.wait("question echo", |m| m.event_id == q).await.ts;
            let answer = alice.wait("answer", |m| m.in_reply_to.as_ref() == Some(&q)).await.ts;
            rtt.push(answer.saturating_sub(asked));
        }
        rtt.sort_unstable();
        let p = |q: f64| rtt[((rtt.len() - 1) as f64 * q) as usize];

        // For comparison: a plain matrix-sdk client (the usual `sync` loop, default settings)
        // that does nothing but echo, on the same homeserver and room, measured the same way.
        // It shows what the homeserver and a stock SDK client cost before any bot work.
        hs.register("echo", "echo-password", false);
        let echo = member::Member::login(&hs, "echo", "echo-password").await;
        let echo_id = echo.user_id();
        room.invite_user_by_id(&echo_id).await.unwrap();
        alice.wait_joined(room.room_id(), &echo_id).await;
        let echoing = {
            let echo_room = room.room_id().to_owned();
            let alice_id = alice.user_id();
            tokio::spawn(async move {
                for i in 0..ECHOES {
                    let body = format!("ping {i}");
                    echo.wait("a ping", |m| m.sender == alice_id && m.body == body).await;
                    echo.say(&echo_room, &format!("pong {i}")).await;
                }
            })
        };
        let mut floor = Vec::with_capacity(ECHOES);
        for i in 0..ECHOES {
            let q = alice.say(room.room_id(), &format!("ping {i}")).await;
            let asked = alice.wait("ping echo", |m| m.event_id == q).await.ts;
            let pong = format!("pong {i}");
            let answer = alice.wait("pong", |m| m.body == pong).await.ts;
            floor.push(answer.saturating_sub(asked));
        }
        echoing.await.unwrap();
        floor.sort_unstable();
        let f = |q: f64| floor[((floor.len() - 1) as f64 * q) as usize];
        // Exercise Discord too before reading memory.
        for _ in 0..20 {
            let i = fake.command("meeting", serde_json::json!([]), ("111", "Ana"), "en-US", "0");
            fake.dispatch("INTERACTION_CREATE", i).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        println!(
            "start-up to ready: {:.2} s (Discord commands registered at {:.2} s)",
            ready.as_secs_f64(),
            discord_ready.as_secs_f64()
        );
        println!(
            "!meeting round trip on Matrix, {ASKS} asked back to back (homeserver timestamps): p50 {} ms, p99 {} ms, max {} ms",
            p(0.5),
            p(0.99),
            rtt.last().unwrap()
        );
        println!(
            "for comparison, a stock matrix-sdk client that only echoes, {ECHOES} back to back: p50 {} ms, p99 {} ms, max {} ms",
            f(0.5),
            f(0.99),
            floor.last().unwrap()
        );
        println!("email: {}", if mail.is_some() { "on (SMTP server on loopback)" } else { "off (no SMTP server)" });
        println!(
            "resident memory: {:.1} MiB now, {:.1} MiB peak",
            bot_process.status_kib("VmRSS:") as f64 / 1024.0,
            bot_process.status_kib("VmHWM:") as f64 / 1024.0
        );
        if std::env::var_os("BENCH_BOT_SMAPS").is_some() {
            println!("{}", std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default());
        }
        println!("stopped on SIGTERM: {}", bot_process.stop().await);
    });
}

//! `convoca doctor`, the built binary, against the fake Discord and a real Synapse: a working
//! setup passes (warnings aside), and each thing broken on purpose is named with its fix.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::fake_discord::{BOT_ROLE, CHANNEL_ID, FakeDiscord, GUILD_ID, VERIFY_KEY};
use common::*;
use convoca::config::{DiscordConfig, Secret};
use serde_json::json;

/// A deployment: content with a Discord reminder channel, a database made by the bot, and
/// the settings a volunteer would put in the environment.
#[derive(Clone)]
struct Setup {
    content: Arc<tempfile::TempDir>,
    env: Vec<(String, String)>,
}

impl Setup {
    async fn new(channels: &[&str]) -> Setup {
        let content = content_with(channels, "");
        let db: PathBuf = tempfile::tempdir().unwrap().keep().join("convoca.db");
        let store = convoca::store::Store::open(Some(&format!("sqlite://{}", db.display()))).await.unwrap();
        store.close().await;
        let env = vec![
            ("CONVOCA_CONTENT".to_string(), content.path().display().to_string()),
            ("DATABASE_URL".to_string(), format!("sqlite://{}", db.display())),
        ];
        Setup { content: Arc::new(content), env }
    }

    fn with(&self, key: &str, value: &str) -> Setup {
        let mut changed = self.clone();
        changed.env.retain(|(k, _)| k != key);
        changed.env.push((key.to_string(), value.to_string()));
        changed
    }

    async fn doctor(&self) -> (i32, String) {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_convoca"));
        for key in ["DATABASE_URL", "CONVOCA_CONTENT", "DISCORD_TOKEN", "MATRIX_HOMESERVER", "CONVOCA_HTTP_BIND"] {
            cmd.env_remove(key);
        }
        cmd.arg("doctor").envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let out = cmd.output().await.expect("convoca runs");
        (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

fn content_with(channels: &[&str], extra: &str) -> tempfile::TempDir {
    common::scheduler::content_with(channels, extra)
}

fn discord_env(setup: Setup, fake: &FakeDiscord) -> Setup {
    let setup = setup;
    setup
        .with("DISCORD_TOKEN", "fake-token")
        .with("DISCORD_API_BASE", &fake.base)
        .with("DISCORD_HOME_GUILDS", GUILD_ID)
        .with("DISCORD_PUBLIC_KEY", VERIFY_KEY)
}

/// The commands registered, as the bot does at start.
async fn register_commands(fake: &FakeDiscord, content: &Path) {
    let engine = engine_on(content).await;
    let config = DiscordConfig {
        token: Some("fake-token".parse::<Secret>().unwrap()),
        home: vec![GUILD_ID.into()],
        api_base: Some(fake.base.clone()),
        ..Default::default()
    };
    let gateway = convoca::discord::Gateway::start(&config, engine).await.unwrap();
    fake.wait_call(0, "command registration", |c| c.method == "PUT" && c.path.contains("/guilds/")).await;
    gateway.stop().await;
}

/// A running convoca's HTTP server, on a free port.
async fn http_server() -> (String, tokio::sync::watch::Sender<bool>) {
    let engine = engine_on(&shipped()).await;
    let (stop, rx) = tokio::sync::watch::channel(false);
    let state = convoca::http::AppState::new(engine.into());
    let (addr, _) = convoca::http::serve("127.0.0.1:0".parse().unwrap(), state, rx).await.unwrap();
    (addr.to_string(), stop)
}

fn line<'a>(out: &'a str, start: &str) -> &'a str {
    out.lines().find(|l| l.starts_with(start)).unwrap_or_else(|| panic!("no line {start:?} in:\n{out}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_working_setup_passes_and_each_thing_broken_on_purpose_is_named_with_its_fix() {
    let fake = FakeDiscord::start().await;
    let setup = Setup::new(&[&format!("discord:{CHANNEL_ID}")]).await;
    register_commands(&fake, setup.content.path()).await;
    let (bind, _server) = http_server().await;
    let setup = discord_env(setup, &fake)
        .with("CONVOCA_HTTP_BIND", &bind)
        .with("CONVOCA_PUBLIC_URL", &format!("http://{bind}"));

    let (code, out) = setup.doctor().await;
    assert_eq!(code, 0, "{out}");
    for expected in [
        "✓ content:",
        "✓ database: ",
        "✓ database schema: every migration applied",
        "✓ database files:",
        "✓ discord public key: 64 hexadecimal digits",
        "✓ http bind: ",
        "✓ public url: ",
        "✓ discord token: valid",
        "✓ discord public key: matches",
        "✓ discord public bot: off",
        &format!("✓ discord home {GUILD_ID}: the bot is in"),
        &format!("✓ discord channel {CHANNEL_ID}: #general"),
        &format!("✓ discord commands {GUILD_ID}: all"),
    ] {
        line(&out, expected);
    }
    let invite = line(&out, "✓ discord invite url:");
    assert!(invite.ends_with("&scope=bot%20applications.commands&permissions=84992"), "{invite}");
    assert!(out.contains("all checks passed"), "{out}");

    // A warning is not a failure.
    fake.set_bot_public(true);
    let (code, out) = setup.doctor().await;
    assert_eq!(code, 0, "{out}");
    assert!(line(&out, "! discord public bot:").contains("Public Bot"), "{out}");
    fake.set_bot_public(false);

    // 1. A wrong token.
    let (code, out) = setup.with("DISCORD_TOKEN", "not-the-token").doctor().await;
    assert_eq!(code, 1, "{out}");
    assert!(line(&out, "✗ discord token:").contains("Reset Token"), "{out}");

    // 2. The bot may not embed in its reminder channel.
    fake.set_overwrites(
        CHANNEL_ID,
        json!([{"id": BOT_ROLE, "type": 0, "allow": "0", "deny": (1u64 << 14).to_string()}]),
    )
    .await;
    let (code, out) = setup.doctor().await;
    assert_eq!(code, 1, "{out}");
    assert!(line(&out, &format!("✗ discord channel {CHANNEL_ID}:")).contains("lacks Embed Links"), "{out}");
    fake.set_overwrites(CHANNEL_ID, json!([])).await;

    // 3. The commands were never registered (a new application).
    let fresh = FakeDiscord::start().await;
    let (code, out) = discord_env(setup.clone(), &fresh).doctor().await;
    assert_eq!(code, 1, "{out}");
    assert!(line(&out, &format!("✗ discord commands {GUILD_ID}:")).contains("not registered: /meeting"), "{out}");

    // 4. The database file readable by everyone.
    let db = setup.env.iter().find(|(k, _)| k == "DATABASE_URL").unwrap().1.trim_start_matches("sqlite://").to_string();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, out) = setup.doctor().await;
    assert_eq!(code, 1, "{out}");
    assert!(line(&out, "✗ database files:").contains("chmod 600"), "{out}");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o600)).unwrap();

    // 5. A content file with a mistake: named with file and line.
    let broken = content_with(&[], "");
    let meeting = broken.path().join("meetings/monthly.toml");
    let text = std::fs::read_to_string(&meeting).unwrap().replace("start = \"17:00\"", "start = \"5pm\"");
    std::fs::write(&meeting, text).unwrap();
    let (code, out) = setup.with("CONVOCA_CONTENT", &broken.path().display().to_string()).doctor().await;
    assert_eq!(code, 1, "{out}");
    assert!(line(&out, "✗ content:").contains("monthly.toml:"), "{out}");

    // 6. Another application's public key.
    let other = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
    let (code, out) = setup.with("DISCORD_PUBLIC_KEY", other).doctor().await;
    assert_eq!(code, 1, "{out}");
    assert!(line(&out, "✗ discord public key:").contains("not this application's"), "{out}");

    // 7. The public URL reaches another convoca than the one on the bind; 8. the bind is
    // held by another program.
    let (elsewhere, _other_server) = http_server().await;
    let (code, out) = setup.with("CONVOCA_PUBLIC_URL", &format!("http://{elsewhere}")).doctor().await;
    assert_eq!(code, 1, "{out}");
    assert!(line(&out, "✗ public url:").contains("another convoca"), "{out}");
    let squatter = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = squatter.local_addr().unwrap().to_string();
    let (code, out) = setup.with("CONVOCA_HTTP_BIND", &taken).doctor().await;
    assert_eq!(code, 1, "{out}");
    assert!(line(&out, "✗ http bind:").contains("another program"), "{out}");

    // 9. A migration not applied (a database from an older version).
    let url = format!("sqlite://{db}");
    let store = convoca::store::Store::open(Some(&url)).await.unwrap();
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)")
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;
    let (code, out) = setup.doctor().await;
    assert_eq!(code, 1, "{out}");
    // The newest migration, whichever it is.
    let newest = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations")).unwrap().count();
    assert!(line(&out, "✗ database schema:").contains(&format!("not applied: {newest}")), "{out}");
    drop(squatter);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrix_a_session_home_rooms_and_what_is_lost_without_a_key_backup() {
    use common::member::Member;
    let Some(hs) = common::synapse::Synapse::start().await else { return };
    hs.register("convoca", "bot-password", false);
    hs.register("alice", "alice-password", false);
    let alice = Member::login(&hs, "alice", "alice-password").await;
    let bot = matrix_sdk::ruma::UserId::parse(hs.user_id("convoca")).unwrap();
    let home = alice.create_room_with(&[&bot], false, Some("lacwg"), false).await;
    let store_path = tempfile::tempdir().unwrap().keep();
    // The bot ran once: its session is saved and it joined the home room.
    let config = convoca::config::MatrixConfig {
        homeserver: Some(hs.url.clone()),
        user: Some("convoca".into()),
        password: Some("bot-password".parse().unwrap()),
        access_token: None,
        store_path: store_path.clone(),
        home: vec!["#lacwg:localhost".into()],
        organizer_power: 50,
        store_passphrase: Some("a passphrase for the test store".parse().unwrap()),
    };
    let running = convoca::matrix::Matrix::start(&config, engine_on(&shipped()).await).await.unwrap();
    alice.wait_joined(home.room_id(), &bot).await;
    running.stop().await;

    let setup = Setup::new(&[]).await;
    let setup = setup
        .with("MATRIX_HOMESERVER", &hs.url)
        .with("MATRIX_USER", "convoca")
        .with("MATRIX_PASSWORD", "bot-password")
        .with("MATRIX_STORE_PATH", &store_path.display().to_string())
        .with("MATRIX_HOME_ROOMS", "#lacwg:localhost");
    let (code, out) = setup.doctor().await;
    assert_eq!(code, 0, "{out}");
    assert!(line(&out, "✓ matrix session:").contains("@convoca:localhost"), "{out}");
    line(&out, "✓ matrix home #lacwg:localhost: joined");
    line(&out, "✓ matrix room #lacwg:localhost: the bot may post");
    // At power 0 it cannot remove what members type to sign up in the room: a warning.
    let cannot = line(&out, "! matrix home #lacwg:localhost: the bot's power is 0");
    assert!(cannot.contains("cannot remove") && cannot.contains("Moderator"), "{out}");
    assert!(line(&out, "! matrix device:").contains("not verified"), "{out}");
    assert!(line(&out, "! matrix store:").contains("not encrypted"), "no MATRIX_STORE_PASSPHRASE: {out}");
    assert!(line(&out, "! matrix key backup:").contains(&store_path.display().to_string()), "{out}");

    // Made a moderator, no warning.
    home.update_power_levels(vec![(&bot, 50.into())]).await.unwrap();
    let (_, out) = setup.doctor().await;
    assert!(!out.contains("cannot remove"), "{out}");

    // A home room the bot was never invited to.
    let other = alice.create_room_with(&[], false, Some("other"), false).await;
    let (code, out) = setup.with("MATRIX_HOME_ROOMS", "#lacwg:localhost,#other:localhost").doctor().await;
    assert_eq!(code, 1, "{out}");
    assert!(line(&out, "✗ matrix home #other:localhost:").contains("invite @convoca:localhost"), "{out}");
    let _ = other;

    // A refused access token.
    let (code, out) = setup.with("MATRIX_ACCESS_TOKEN", "syt_bogus").doctor().await;
    assert_eq!(code, 1, "{out}");
    assert!(line(&out, "✗ matrix session:").contains("refused"), "{out}");
}

//! The deploy path itself, as a new organizer walks it: the shipped example env file,
//! `convoca setup` without a terminal (every answer a flag), the built binary started on that
//! file, the first reminder posted where setup said, `doctor` failing before the bot ever ran
//! and passing once it runs, and `backup`/`migrate` working from the service's settings in
//! any folder. Discord only (the fake Discord), Matrix only (Synapse), and both.

mod common;

#[path = "common/bot_process.rs"]
mod bot_process;

#[path = "common/pty.rs"]
mod pty;

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{Duration, Timelike, Utc};
use common::fake_discord::{FakeDiscord, GUILD_ID};
use common::member::Member;
use common::synapse::Synapse;
use common::*;

/// A Discord channel of the fake's home server that is not the default one.
const REMINDER_CHANNEL: &str = "700000000000000078";

/// A folder laid out as a server would be: the content (shipped, plus a meeting a few
/// minutes from now whose one-hour reminder is therefore already due), and the shipped env
/// file with the service's folders pointed here and the HTTP binds on free ports.
struct Server {
    dir: tempfile::TempDir,
    env: PathBuf,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Server {
    fn new() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("commands");
        copy_dir(&shipped(), &content);
        let start = (Utc::now() + Duration::minutes(4)).with_second(0).unwrap().with_nanosecond(0).unwrap();
        let end = start + Duration::minutes(30);
        std::fs::write(
            content.join("meetings/soon.toml"),
            format!(
                "title = \"Rapid response call\"\ndate = \"{}\"\nstart = \"{}\"\nend = \"{}\"\ntime_zone = \"UTC\"\n\
                 [place]\nname = \"Zoom\"\n[reminders]\nbefore = [\"1h\"]\n",
                start.format("%Y-%m-%d"),
                start.format("%H:%M"),
                end.format("%H:%M")
            ),
        )
        .unwrap();
        let example = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/convoca.env.example"))
            .unwrap()
            .replace("/etc/convoca/commands", &content.display().to_string())
            .replace("/var/lib/convoca", &dir.path().display().to_string())
            .replace("127.0.0.1:8080", &format!("127.0.0.1:{}", free_port()))
            .replace("127.0.0.1:9090", &format!("127.0.0.1:{}", free_port()));
        let env = dir.path().join("convoca.env");
        std::fs::write(&env, example).unwrap();
        Server { dir, env }
    }

    /// `convoca --env-file ENV …`, run from an unrelated folder (as an organizer's shell).
    fn convoca(&self, args: &[&str]) -> (i32, String, String) {
        let elsewhere = tempfile::tempdir().unwrap();
        let out = self.command(elsewhere.path()).args(args).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn command(&self, cwd: &Path) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_convoca"));
        cmd.current_dir(cwd).arg("--env-file").arg(&self.env);
        for var in ["DATABASE_URL", "CONVOCA_CONTENT", "DISCORD_TOKEN", "MATRIX_HOMESERVER", "CONVOCA_ENV_FILE"] {
            cmd.env_remove(var);
        }
        cmd
    }

    async fn start(&self) -> bot_process::BotProcess {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_convoca"));
        cmd.current_dir(self.dir.path()).arg("--env-file").arg(&self.env).arg("run");
        for var in ["DATABASE_URL", "CONVOCA_CONTENT", "DISCORD_TOKEN", "MATRIX_HOMESERVER", "CONVOCA_ENV_FILE"] {
            cmd.env_remove(var);
        }
        bot_process::BotProcess::start(cmd, true).await
    }

    /// What the service's folder holds after `backup` and `migrate` from elsewhere.
    fn maintenance_works(&self) {
        let copy = self.dir.path().join("backup.db");
        let (code, out, err) = self.convoca(&["backup", copy.to_str().unwrap()]);
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.contains("on which a bot is running"), "{out}");
        let to = format!("sqlite://{}", self.dir.path().join("moved.db").display());
        let (code, _, err) = self.convoca(&["migrate", "--to", &to]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("a bot is running on"), "{err}");
    }
}

/// Waits until `found` says the reminder is there.
async fn within_a_minute(what: &str, found: impl AsyncFnMut() -> bool) {
    until(what, std::time::Duration::from_secs(60), found).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discord_only_from_the_example_env_file_to_the_first_reminder() {
    let fake = FakeDiscord::start().await;
    let server = Server::new();
    // The shipped file alone starts nothing and doctor says why.
    let (code, out, _) = server.convoca(&["doctor"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("✗ chat platforms: none is configured"), "{out}");
    let channel = format!("discord:{REMINDER_CHANNEL}");
    let (code, out, err) = server.convoca(&[
        "setup",
        "--no-input",
        "--force",
        "--platforms",
        "discord",
        "--discord-token",
        "fake-token",
        "--discord-api-base",
        &fake.base,
        "--reminder-channel",
        &channel,
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("✓ Discord home: LA/CWG (the only server the bot is in)"), "{err}");
    assert!(err.contains("✓ Discord organizer role: `Organizers` exists"), "{err}");
    assert!(out.contains("Discord invite link") && out.contains("client_id="), "{out}");
    let env = std::fs::read_to_string(&server.env).unwrap();
    assert!(
        env.contains(&format!("DISCORD_HOME_GUILDS={GUILD_ID}"))
            && env.contains(&format!("CONVOCA_REMINDER_CHANNELS={channel}"))
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&server.env).unwrap().permissions().mode() & 0o777, 0o600, "owner-only");
    // Before the bot ever ran: no database, no commands registered.
    let (code, out, _) = server.convoca(&["doctor"]);
    assert_eq!(code, 1, "{out}");
    let bot = server.start().await;
    within_a_minute("the reminder never reached the channel setup chose", async || {
        fake.created()
            .await
            .iter()
            .any(|m| m["channel_id"] == REMINDER_CHANNEL && m.to_string().contains("Rapid response call"))
    })
    .await;
    within_a_minute("the commands were never registered", async || server.convoca(&["doctor"]).0 == 0).await;
    server.maintenance_works();
    assert!(bot.stop().await.success());
}

/// Synapse with the bot's account, Alice, and the group's room (`#lacwg`) the bot is invited to.
async fn synapse_with_a_home() -> Option<(Synapse, Member, matrix_sdk::ruma::OwnedRoomId)> {
    let hs = Synapse::start().await?;
    hs.register("convoca", "bot-password", false);
    hs.register("alice", "alice-password", false);
    let alice = Member::login(&hs, "alice", "alice-password").await;
    let bot = matrix_sdk::ruma::UserId::parse(hs.user_id("convoca")).unwrap();
    let room = alice.create_room_with(&[&bot], false, Some("lacwg"), false).await.room_id().to_owned();
    Some((hs, alice, room))
}

/// setup's flags for the bot's account on `hs` and the home room `#lacwg`.
fn matrix_answers(hs: &Synapse) -> [&str; 8] {
    [
        "--matrix-homeserver",
        &hs.url,
        "--matrix-user",
        "convoca",
        "--matrix-password",
        "bot-password",
        "--matrix-home",
        "#lacwg:localhost",
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrix_only_from_the_example_env_file_to_the_first_reminder() {
    let Some((hs, alice, room)) = synapse_with_a_home().await else { return };
    let server = Server::new();
    let mut args = vec!["setup", "--no-input", "--force", "--reminder-channel", "home"];
    args.extend(matrix_answers(&hs));
    let (code, out, err) = server.convoca(&args);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("✓ Matrix account: logged in as @convoca:localhost"), "{err}");
    assert!(err.contains("is invited to #lacwg:localhost and joins at its first start"), "{err}");
    let env = std::fs::read_to_string(&server.env).unwrap();
    assert!(env.contains(&format!("CONVOCA_REMINDER_CHANNELS=matrix:{room}")), "{env}");
    assert!(env.lines().any(|l| l.starts_with("MATRIX_STORE_PASSPHRASE=") && l.len() > 40), "a new store is encrypted");
    let bot = server.start().await;
    let bot_id = matrix_sdk::ruma::UserId::parse(hs.user_id("convoca")).unwrap();
    alice
        .wait("the first reminder in the home room", |m| {
            m.sender == bot_id && m.room == room && m.body.contains("Rapid response call")
        })
        .await;
    let (code, out, _) = server.convoca(&["doctor"]);
    assert_eq!(code, 0, "{out}");
    server.maintenance_works();
    assert!(bot.stop().await.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_platforms_and_an_organizers_remind_here() {
    let Some((hs, alice, room)) = synapse_with_a_home().await else { return };
    let fake = FakeDiscord::start().await;
    let server = Server::new();
    let mut args = vec!["setup", "--no-input", "--force", "--platforms", "both", "--reminder-channel", "none"];
    args.extend(["--discord-token", "fake-token", "--discord-api-base", &fake.base]);
    args.extend(matrix_answers(&hs));
    let (code, out, err) = server.convoca(&args);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("an organizer sends /remind here"), "{out}");
    let bot = server.start().await;
    let bot_id = matrix_sdk::ruma::UserId::parse(hs.user_id("convoca")).unwrap();
    alice.wait_joined(&room, &bot_id).await;
    // The room's creator organizes there: her !remind here takes the reminders.
    alice.say(&room, "!remind here").await;
    alice
        .wait("the meeting's reminder after !remind here", |m| {
            m.sender == bot_id && m.body.contains("Rapid response call")
        })
        .await;
    let (_, out, _) = server.convoca(&["doctor"]);
    assert!(out.contains("✓ discord token") && out.contains("✓ matrix session"), "{out}");
    server.maintenance_works();
    assert!(bot.stop().await.success());
}

/// The same first run asked on a terminal: each question answered as a person would, the
/// token typed without echo, the reminder channel picked by its number.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_on_a_terminal_asks_each_question_and_writes_the_answers() {
    use std::io::Write;
    let fake = FakeDiscord::start().await;
    let server = Server::new();
    let elsewhere = tempfile::tempdir().unwrap();
    let (master, mut child) =
        pty::spawn(server.command(elsewhere.path()).args(["setup", "--force", "--discord-api-base", &fake.base]));
    let mut shown = String::new();
    let answer = |question: &str, typed: &str, shown: &mut String| {
        assert!(pty::read_until(&master, shown, |s| s.contains(question)), "never asked {question:?}: {shown}");
        shown.clear();
        (&master).write_all(format!("{typed}\r").as_bytes()).unwrap();
    };
    answer("Which chat platforms", "discord", &mut shown);
    answer("(not shown): ", "fake-token", &mut shown);
    assert!(pty::read_until(&master, &mut shown, |s| s.contains("mailing list by email too")), "{shown}");
    let discord_part = shown.clone();
    answer("mailing list by email too", "", &mut shown);
    assert!(pty::read_until(&master, &mut shown, |s| s.contains("#reminders (Discord)")), "{shown}");
    let listed = format!("{discord_part}{shown}");
    let number = listed
        .lines()
        .find(|l| l.contains("#reminders (Discord)"))
        .and_then(|l| l.trim().split('.').next().map(str::to_string))
        .unwrap();
    answer("Number", &number, &mut shown);
    answer("public address", "", &mut shown);
    let _ = pty::read_until(&master, &mut shown, |_| false);
    let status = child.wait().unwrap();
    assert!(status.success(), "{listed}{shown}");
    assert!(!listed.contains("fake-token"), "the token is not shown as typed: {listed}");
    assert!(listed.contains("✓ Discord organizer role: `Organizers` exists"), "the env file's role, checked: {listed}");
    let env = std::fs::read_to_string(&server.env).unwrap();
    assert!(env.contains(&format!("CONVOCA_REMINDER_CHANNELS=discord:{REMINDER_CHANNEL}")), "{env}");
    assert!(env.contains("DISCORD_TOKEN=fake-token") && env.contains("DISCORD_ORGANIZER_ROLE=Organizers"), "{env}");
}

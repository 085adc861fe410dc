//! The built binary on a content root of several groups: `check` covers every group, `ask`
//! speaks for `--group` or for the organization, `export` needs a group, and `migrate
//! --into-group` moves a one-group deployment's rows into a group of its new organization.

mod common;

use std::process::Command;

use common::org::{GroupSpec, write_root};

fn convoca(content: &std::path::Path, db: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_convoca"));
    cmd.env_remove("CONVOCA_CONTENT")
        .env_remove("DISCORD_TOKEN")
        .env_remove("MATRIX_HOMESERVER")
        .env("DATABASE_URL", db)
        .arg("--content")
        .arg(content);
    cmd
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("convoca runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn organization() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut sur = GroupSpec::new("sur", "Grupo Sur");
    sur.language = "es";
    write_root(dir.path(), &[], None, &[], &[GroupSpec::new("lacwg", "Latin America Group"), sur]);
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    (dir, db)
}

#[test]
fn the_terminal_speaks_for_a_group_or_for_the_organization() {
    let (dir, db) = organization();
    let (code, out, err) = run(convoca(dir.path(), &db).args(["check"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("lacwg") && out.contains("sur"), "{out}");

    let (code, out, _) = run(convoca(dir.path(), &db).args(["ask", "--group", "sur", "--locale", "es", "/reunion"]));
    assert_eq!(code, 0);
    assert!(out.contains("Reunión mensual de Grupo Sur"), "{out}");
    let (code, out, _) = run(convoca(dir.path(), &db).args(["ask", "/groups"]));
    assert_eq!(code, 0);
    assert!(out.contains("Latin America Group") && out.contains("Grupo Sur"), "{out}");
    let (_, out, _) = run(convoca(dir.path(), &db).args(["ask", "/campaign jilamito"]));
    assert!(out.contains("--group") && out.contains("`sur`"), "how the terminal names a group: {out}");
    let (code, _, err) = run(convoca(dir.path(), &db).args(["ask", "--group", "sr", "/meeting"]));
    assert_eq!(code, 2);
    assert!(err.contains("lacwg, sur"), "the groups there are: {err}");

    let (code, _, _) =
        run(convoca(dir.path(), &db).args(["ask", "--group", "lacwg", "--user", "ana", "/signup jilamito petition"]));
    assert_eq!(code, 0);
    let (code, _, err) = run(convoca(dir.path(), &db).args(["export", "jilamito"]));
    assert_eq!(code, 2, "which group's roster? {err}");
    assert!(err.contains("--group"), "{err}");
    let (code, out, _) = run(convoca(dir.path(), &db).args(["export", "--group", "lacwg", "jilamito"]));
    assert_eq!(code, 0);
    assert!(out.contains("ana"), "{out}");
    let (_, out, _) = run(convoca(dir.path(), &db).args(["export", "--group", "sur", "jilamito"]));
    assert!(!out.contains("ana"), "another group's roster: {out}");
}

#[test]
fn a_one_group_deployment_moves_its_rows_into_a_group_of_its_organization() {
    let single = tempfile::tempdir().unwrap();
    let shipped = common::shipped();
    common::copy::copy_dir(&shipped, single.path());
    let db = format!("sqlite://{}", single.path().join("t.db").display());
    let (code, _, _) = run(convoca(single.path(), &db).args(["ask", "--user", "ana", "/signup jilamito petition"]));
    assert_eq!(code, 0);

    let (org, _) = organization();
    // Only into a group the content has.
    let (code, _, err) = run(convoca(org.path(), &db).args(["migrate", "--into-group", "youth"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("lacwg, sur"), "{err}");
    let (code, out, err) = run(convoca(org.path(), &db).args(["migrate", "--into-group", "lacwg"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("signups"), "{out}");
    let (_, out, _) = run(convoca(org.path(), &db).args(["export", "--group", "lacwg", "jilamito"]));
    assert!(out.contains("ana"), "the sign-up is the group's now: {out}");
    // Nothing is merged into a group that has rows.
    let (code, _, _) = run(convoca(org.path(), &db).args(["migrate", "--into-group", "lacwg"]));
    assert_eq!(code, 2);
}

/// An organization whose groups say where they live on Discord needs no
/// `DISCORD_HOME_GUILDS`; without either, `run` refuses and says both ways.
#[test]
fn homes_in_the_content_stand_for_the_env_files_home_settings() {
    let dir = tempfile::tempdir().unwrap();
    let mut lacwg = GroupSpec::new("lacwg", "Latin America Group");
    lacwg.discord = vec!["100".into()];
    write_root(dir.path(), &[], None, &[], &[lacwg]);
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let discord = |cmd: &mut Command| {
        // Nothing listens there: Discord cannot start, which is a later, other failure.
        cmd.env("DISCORD_TOKEN", "fake")
            .env("DISCORD_API_BASE", "http://127.0.0.1:9")
            .env_remove("DISCORD_HOME_GUILDS");
    };
    let mut cmd = convoca(dir.path(), &db);
    discord(&mut cmd);
    let (_, out, err) = run(cmd.arg("doctor"));
    assert!(!out.contains("no home server is set") && !err.contains("no home server is set"), "{out}{err}");

    let bare = tempfile::tempdir().unwrap();
    write_root(bare.path(), &[], None, &[], &[GroupSpec::new("lacwg", "Latin America Group")]);
    let mut cmd = convoca(bare.path(), &db);
    discord(&mut cmd);
    let (code, _, err) = run(cmd.arg("run").stdin(std::process::Stdio::null()));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("DISCORD_HOME_GUILDS") && err.contains("[home]"), "{err}");
    let mut cmd = convoca(bare.path(), &db);
    discord(&mut cmd);
    let (_, out, err) = run(cmd.arg("doctor"));
    assert!(out.contains("no home server is set") || err.contains("no home server is set"), "{out}{err}");
}

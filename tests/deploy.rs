//! The files in `deploy/`: the systemd unit passes `systemd-analyze verify` with the built
//! binary where its `ExecStart` points, without a single warning.

use std::path::Path;
use std::process::Command;

fn deploy(file: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy").join(file)).unwrap()
}

#[test]
fn the_systemd_unit_verifies_cleanly_with_the_built_binary() {
    if Command::new("systemd-analyze").arg("--version").output().is_err() {
        // CI runs with the servers required; there the check must run too.
        assert!(
            std::env::var("CONVOCA_REQUIRE_POSTGRES").as_deref() != Ok("1"),
            "systemd-analyze is missing: install systemd"
        );
        eprintln!("notice: systemd-analyze is not installed; the unit is not verified");
        return;
    }
    let unit = deploy("convoca.service");
    let exec = "ExecStart=/usr/local/bin/convoca run";
    assert!(unit.contains(exec), "the unit runs the installed binary");
    // The built binary where ExecStart expects one (verify checks it is executable).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("convoca.service");
    std::fs::write(&path, unit.replace(exec, &format!("ExecStart={} run", env!("CARGO_BIN_EXE_convoca")))).unwrap();
    let out = Command::new("systemd-analyze").arg("verify").arg(&path).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    let ours: Vec<&str> = said.lines().filter(|l| l.contains("convoca.service")).collect();
    assert!(ours.is_empty(), "warnings about the unit: {ours:#?}");
    // And the sandboxing the README promises is there.
    for key in [
        "DynamicUser=yes",
        "StateDirectory=convoca",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "RestrictAddressFamilies=",
    ] {
        assert!(unit.contains(key), "{key}");
    }
}

#[test]
fn the_example_environment_names_only_variables_convoca_reads() {
    let example = deploy("convoca.env.example");
    let documented = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".env.example")).unwrap();
    for line in example.lines().map(|l| l.trim_start_matches("# ")).filter(|l| !l.starts_with('#')) {
        if let Some((name, _)) = line.split_once('=')
            && name.chars().all(|c| c.is_ascii_uppercase() || c == '_')
            && !name.is_empty()
        {
            assert!(documented.contains(&format!("{name}=")), "{name} is not a variable convoca documents");
        }
    }
}

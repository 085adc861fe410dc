//! The files in `deploy/`: the systemd unit passes `systemd-analyze verify` with the built
//! binary where its `ExecStart` points, without a single warning; the nginx site passes
//! `nginx -t` as shipped; every variable the documents name is one the binary reads.

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

/// The environment variables a text names: `CONVOCA_…`, `DISCORD_…`, `MATRIX_…`,
/// `DATABASE_URL`, `RUST_LOG`.
fn variables_in(text: &str) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    let bytes: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == '_');
        if starts_word && bytes[i].is_ascii_uppercase() {
            let mut j = i;
            while j < bytes.len() && (bytes[j].is_ascii_uppercase() || bytes[j].is_ascii_digit() || bytes[j] == '_') {
                j += 1;
            }
            let word: String = bytes[i..j].iter().collect();
            let ours = ["CONVOCA_", "DISCORD_", "MATRIX_"].iter().any(|p| word.starts_with(p) && word.len() > p.len());
            if ours || word == "DATABASE_URL" || word == "RUST_LOG" {
                out.insert(word.trim_end_matches('_').to_string());
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// Variables the tests and scripts read, never the binary: documents may name them.
const FOR_TESTS: &[&str] = &[
    "CONVOCA_TEST_POSTGRES_URL",
    "CONVOCA_REQUIRE_POSTGRES",
    "CONVOCA_REQUIRE_SYNAPSE",
    "CONVOCA_REQUIRE_AUDIT",
    "CONVOCA_SYNAPSE_VENV",
    "CONVOCA_ADVISORY_DB",
    "CONVOCA_NGINX",
    "CONVOCA_BENCH",
];

fn read_repo(file: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap()
}

#[test]
fn every_variable_the_documents_name_is_read_by_the_binary_and_the_reverse() {
    let known: std::collections::BTreeSet<String> = convoca::config::env_names().into_iter().collect();
    for file in ["deploy/convoca.env.example", ".env.example", "README.md", "deploy/convoca.service"] {
        for name in variables_in(&read_repo(file)) {
            if FOR_TESTS.contains(&name.as_str()) {
                continue;
            }
            assert!(known.contains(&name), "{file} names {name}, which the binary does not read");
        }
    }
    // Every variable the binary reads is described in .env.example.
    let described = read_repo(".env.example");
    for name in &known {
        assert!(described.contains(&format!("{name}=")), "{name} is read by the binary but not in .env.example");
    }
    // Nothing in the docs names a variable only the tests read as if convoca did.
    assert!(variables_in("CONVOCA_HTTP_BIND=1 and `MATRIX_` prefix").contains("CONVOCA_HTTP_BIND"));
}

#[test]
fn the_shipped_env_file_turns_no_platform_on_and_points_members_nowhere_made_up() {
    let example = deploy("convoca.env.example");
    let set: Vec<(&str, &str)> =
        example.lines().filter(|l| !l.trim_start().starts_with('#')).filter_map(|l| l.split_once('=')).collect();
    for (name, value) in &set {
        assert!(!value.contains("example.org"), "{name}={value}: a made-up address members would be sent to");
    }
    let value = |name: &str| set.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    assert_eq!(value("DISCORD_TOKEN"), Some(""), "empty: Discord off until a token is written");
    assert_eq!(value("MATRIX_HOMESERVER"), Some(""), "empty: Matrix off until a homeserver is written");
    // The service's folders are in the file, where every command run as root reads them.
    assert_eq!(value("DATABASE_URL"), Some("sqlite:///var/lib/convoca/convoca.db"));
    assert_eq!(value("CONVOCA_CONTENT"), Some("/etc/convoca/commands"));
    assert!(!deploy("convoca.service").contains("Environment=DATABASE_URL"), "one place for settings");
}

#[test]
fn the_units_documentation_link_is_installed_by_the_steps_that_install_the_unit() {
    let unit = deploy("convoca.service");
    let doc = unit.lines().find_map(|l| l.strip_prefix("Documentation=file://")).expect("a file:// Documentation=");
    assert!(unit.contains(&format!("README.md {doc}")), "the unit's install steps put the README at {doc}");
    assert!(read_repo("README.md").contains(&format!("README.md {doc}")), "and so do the README's Deploying steps");
}

/// nginx: from PATH, or unpacked from Debian's package by scripts/test into target/nginx.
fn nginx() -> Option<std::path::PathBuf> {
    if let Ok(path) = std::env::var("CONVOCA_NGINX") {
        return Some(path.into());
    }
    let unpacked = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/nginx/root/usr/sbin/nginx");
    if unpacked.exists() {
        return Some(unpacked);
    }
    Command::new("nginx").arg("-v").output().is_ok().then(|| "nginx".into())
}

#[test]
fn the_nginx_site_passes_nginx_t_before_any_certificate_exists() {
    let Some(nginx) = nginx() else {
        assert!(std::env::var("CONVOCA_REQUIRE_POSTGRES").as_deref() != Ok("1"), "nginx is missing");
        eprintln!("notice: nginx is not installed; deploy/nginx.conf is not checked");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/nginx.conf");
    let prefix = dir.path().display();
    // What Debian's nginx.conf wraps a site in, writing only inside the temporary folder.
    let conf = format!(
        "pid {prefix}/nginx.pid;\nerror_log {prefix}/error.log;\nevents {{}}\nhttp {{\n  access_log off;\n  \
         client_body_temp_path {prefix}/body;\n  proxy_temp_path {prefix}/proxy;\n  fastcgi_temp_path {prefix}/fcgi;\n  \
         uwsgi_temp_path {prefix}/uwsgi;\n  scgi_temp_path {prefix}/scgi;\n  include {};\n}}\n",
        site.display()
    );
    let path = dir.path().join("nginx.conf");
    std::fs::write(&path, conf).unwrap();
    let out = Command::new(&nginx).arg("-t").arg("-p").arg(dir.path()).arg("-c").arg(&path).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "nginx -t refused the shipped site: {said}");
    assert!(!deploy("nginx.conf").lines().any(|l| l.trim_start().starts_with("ssl_certificate")), "no certificate yet");
}

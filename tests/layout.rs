//! The crate's shape, checked: the engine speaks intents and never asks which platform it
//! serves, so a new platform is a folder of its own and nothing in `engine/` changes.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// A file's code before its unit tests, without comments.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let before_tests = text.split("#[cfg(test)]").next().unwrap_or_default();
    before_tests.lines().map(|line| line.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

#[test]
fn the_engine_never_compares_platforms() {
    let engine = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine");
    let mut found = Vec::new();
    for path in sources(&engine) {
        for (n, line) in code(&path).lines().enumerate() {
            let names_one =
                ["Console", "Discord", "Matrix", "Email"].iter().any(|p| line.contains(&format!("Platform::{p}")));
            // A platform's stored name in the engine is a comparison by another name.
            let by_name = ["\"discord", "\"matrix", "\"console", "\"mail:"].iter().any(|n| line.contains(n));
            let compares = by_name
                || line.contains("platform() ==")
                || line.contains("platform() !=")
                || line.contains("platform ==")
                || line.contains("platform !=")
                || line.contains("match req.platform()")
                || line.contains("match to.platform");
            if names_one || compares {
                found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "the engine must read what a platform can do (chat::Abilities), not which it is:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_layout_check_sees_a_comparison() {
    // The check above would pass on an empty folder: make sure it reads what it should.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.rs"), "fn f(p: Platform) -> bool { p == Platform::Discord }\n").unwrap();
    let lines: Vec<String> = sources(dir.path()).iter().map(|p| code(p)).collect();
    assert!(lines[0].contains("Platform::Discord"));
    assert!(code(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine/mod.rs")).contains("fn handle"));
}

/// Every command a member uses has been placed on one side: whether it commits the asker to
/// something (only members of the group's home may then use it, checked against the home each
/// time) or not. A new member command fails here until someone has decided which.
#[test]
fn every_member_command_is_decided_to_engage_or_not() {
    use convoca::engine::{Audience, catalog};
    // Commit: sign up, say done, take a place, say going, get a calendar link.
    const ENGAGE: &[&str] = &["signup", "done", "place", "going", "mycalendar"];
    // Never commit: withdraw, list one's own, say not going, stop messages, erase oneself.
    // Choosing which group the direct chat answers for commits to nothing either.
    const NEVER: &[&str] = &["withdraw", "mysignups", "notgoing", "myreminders", "forgetme", "group"];
    for spec in catalog::ALL.iter().filter(|s| s.audience == Audience::Member) {
        let name = spec.name.0;
        assert!(
            ENGAGE.contains(&name) || NEVER.contains(&name),
            "/{name} is a member command: decide in Command::engages whether it commits the asker, then list it here"
        );
    }
}

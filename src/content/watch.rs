//! Noticing edits to `commands/` while the bot runs.

use std::path::Path;
use std::time::{Duration, SystemTime};

/// How often the folder is looked at. Cheap (a directory listing); organizers see their edit
/// within this long.
pub const EVERY: Duration = Duration::from_secs(2);

/// A summary of the folder that changes whenever a file is added, removed or edited: a
/// one-group folder's files, or an organization's and each of its groups'.
pub fn fingerprint(dir: &Path) -> Vec<(String, Option<SystemTime>, u64)> {
    let mut out = Vec::new();
    let mut visit = |path: &Path| {
        if let Ok(meta) = std::fs::metadata(path) {
            out.push((path.display().to_string(), meta.modified().ok(), meta.len()));
        }
    };
    group_files(dir, &mut visit);
    visit(&dir.join("organization.toml"));
    if let Ok(groups) = std::fs::read_dir(dir.join("groups")) {
        for group in groups.flatten() {
            visit(&group.path());
            group_files(&group.path(), &mut visit);
        }
    }
    out.sort();
    out
}

/// The files of one group's folder, each given to `visit`.
fn group_files(dir: &Path, visit: &mut impl FnMut(&Path)) {
    visit(&dir.join("group.toml"));
    for sub in ["meetings", "campaigns", "briefings"] {
        if let Ok(entries) = std::fs::read_dir(dir.join(sub)) {
            for e in entries.flatten() {
                visit(&e.path());
            }
        }
    }
}

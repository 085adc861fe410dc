//! Noticing edits to `commands/` while the bot runs.

use std::path::Path;
use std::time::{Duration, SystemTime};

/// How often the folder is looked at. Cheap (a directory listing); organizers see their edit
/// within this long.
pub const EVERY: Duration = Duration::from_secs(2);

/// A summary of the folder that changes whenever a file is added, removed or edited.
pub fn fingerprint(dir: &Path) -> Vec<(String, Option<SystemTime>, u64)> {
    let mut out = Vec::new();
    let mut visit = |path: &Path| {
        if let Ok(meta) = std::fs::metadata(path) {
            out.push((path.display().to_string(), meta.modified().ok(), meta.len()));
        }
    };
    visit(&dir.join("group.toml"));
    for sub in ["meetings", "campaigns", "briefings"] {
        if let Ok(entries) = std::fs::read_dir(dir.join(sub)) {
            for e in entries.flatten() {
                visit(&e.path());
            }
        }
    }
    out.sort();
    out
}

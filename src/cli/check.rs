//! `convoca check`: validate the content folder and nothing else.

use std::process::ExitCode;

use crate::config::Global;
use crate::content::{Content, Root};

/// Prints every error (file:line: what) and exits 1, or a summary and exits 0. An
/// organization is checked whole: the organization and every group.
pub fn check(global: &Global) -> ExitCode {
    match crate::content::load_root(&global.content, chrono::Utc::now()) {
        Ok(root) => {
            println!("{}", summary(&global.content.display().to_string(), &root));
            ExitCode::SUCCESS
        }
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("error: {e}");
            }
            eprintln!("{} in {}", counted(errors.0.len(), "error"), global.content.display());
            ExitCode::from(super::CANNOT_START)
        }
    }
}

/// What a good root holds: for one group, its counts on one line; for an organization, how
/// many groups were checked and their names, then each group's counts on a line of its own.
fn summary(dir: &str, root: &Root) -> String {
    match (&root.organization, root.groups.as_slice()) {
        (None, [group]) => format!("{dir}: ok — {}", counts(group)),
        (organization, groups) => {
            let names: Vec<&str> = groups.iter().map(|c| c.group.id.as_str()).collect();
            let who = organization.as_ref().map_or_else(String::new, |o| format!("{}, ", o.short_name));
            let mut out = format!("{dir}: ok — {who}{}: {}", counted(groups.len(), "group"), names.join(", "));
            for group in groups {
                out.push_str(&format!("\n  {}: {}", group.group.id.as_str(), counts(group)));
            }
            out
        }
    }
}

/// "2 meetings, 5 campaigns, 1 briefing".
fn counts(content: &Content) -> String {
    format!(
        "{}, {}, {}",
        counted(content.meetings.len(), "meeting"),
        counted(content.campaigns.len(), "campaign"),
        counted(content.briefings.len(), "briefing")
    )
}

/// "1 meeting", "5 campaigns".
fn counted(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn write(root: &Path, file: &str, text: &str) {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().expect("a file in a folder")).unwrap();
        std::fs::write(path, text).unwrap();
    }

    const GROUP: &str = "name = \"Working Group\"\ntime_zone = \"America/New_York\"\nmission = \"Peace.\"\n";

    #[test]
    fn one_group_keeps_its_line_and_an_organization_names_its_groups() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "group.toml", GROUP);
        let root = crate::content::load_root(dir.path(), chrono::Utc::now()).expect("one group");
        assert_eq!(summary("commands", &root), "commands: ok — 0 meetings, 0 campaigns, 0 briefings");

        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "organization.toml", "name = \"Peace Action\"\nshort_name = \"PA\"\n");
        write(dir.path(), "groups/lacwg/group.toml", &format!("{GROUP}short_name = \"LA/CWG\"\n"));
        write(dir.path(), "groups/youth/group.toml", &format!("{GROUP}short_name = \"Youth\"\n"));
        let root = crate::content::load_root(dir.path(), chrono::Utc::now()).expect("an organization");
        assert_eq!(
            summary("commands", &root),
            "commands: ok — PA, 2 groups: lacwg, youth\n  \
             lacwg: 0 meetings, 0 campaigns, 0 briefings\n  \
             youth: 0 meetings, 0 campaigns, 0 briefings"
        );
    }
}

//! Reading the whole `commands/` folder, all or nothing.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::error::{ContentError, ContentErrors};
use super::files::{BriefingFile, CampaignFile, GroupFile, MeetingFile, Source};
use super::model::{Content, Group};

/// Files larger than this are refused: content is prose, not data dumps.
const MAX_FILE_BYTES: u64 = 1 << 20;

/// Loads and checks every file under `dir`. Any error anywhere rejects the whole folder, so
/// a running bot never switches to half of an edit.
pub fn load(dir: &Path, now: DateTime<Utc>) -> Result<Content, ContentErrors> {
    let mut errors = Vec::new();
    if !dir.is_dir() {
        return Err(ContentErrors(vec![ContentError::file(
            dir,
            "this content folder does not exist (set --content or CONVOCA_CONTENT)",
        )]));
    }
    let group_path = dir.join("group.toml");
    let group = read(&group_path, &mut errors).and_then(|text| {
        let mut src = Source { path: &group_path, text: &text, errors: &mut errors };
        let file: GroupFile = src.parse()?;
        Some(file.check(&mut src))
    });
    let Some(group) = group else {
        if errors.is_empty() {
            errors.push(ContentError::file(&group_path, "group.toml is missing: it names the group and its mission"));
        }
        return Err(ContentErrors(errors));
    };

    let mut meetings = Vec::new();
    let mut meeting_refs = Vec::new();
    for (path, stem, text) in files_in(&dir.join("meetings"), &mut errors) {
        let mut src = Source { path: &path, text: &text, errors: &mut errors };
        let Some(file) = src.parse::<MeetingFile>() else { continue };
        let refs = file.campaign_refs();
        if let Some(m) = file.check(&mut src, &stem, &group, now) {
            meeting_refs.push((path.clone(), text.clone(), refs));
            meetings.push((path, m));
        }
    }

    let mut campaigns = Vec::new();
    // A campaign file that does not parse would make every meeting naming it look wrong too;
    // its own error is the one worth reading.
    let mut unreadable_campaigns = Vec::new();
    let mut next_refs = Vec::new();
    for (path, stem, text) in files_in(&dir.join("campaigns"), &mut errors) {
        let mut src = Source { path: &path, text: &text, errors: &mut errors };
        let Some(file) = src.parse::<CampaignFile>() else {
            unreadable_campaigns.push(stem);
            continue;
        };
        next_refs.push((path.clone(), text.clone(), file.next_refs(&stem)));
        campaigns.push((path.clone(), file.check(&mut src, &stem, &group)));
    }

    let mut briefings = Vec::new();
    for (path, stem, text) in files_in(&dir.join("briefings"), &mut errors) {
        let mut src = Source { path: &path, text: &text, errors: &mut errors };
        let Some(file) = src.parse::<BriefingFile>() else { continue };
        if let Some(b) = file.check(&mut src, &stem, &group) {
            briefings.push((path, b));
        }
    }

    duplicates(meetings.iter().map(|(p, m)| (p, m.slug.as_str())), "meeting", &mut errors);
    duplicates(campaigns.iter().map(|(p, c)| (p, c.slug.as_str())), "campaign", &mut errors);
    duplicates(briefings.iter().map(|(p, b)| (p, b.slug.as_str())), "briefing", &mut errors);
    for (path, text, refs) in meeting_refs {
        for (span, slug) in refs {
            if !campaigns.iter().any(|(_, c)| c.slug == slug) && !unreadable_campaigns.contains(&slug) {
                errors.push(ContentError::at(&path, &text, span.start, format!("no campaign is named `{slug}`")));
            }
        }
    }

    for (path, text, refs) in next_refs {
        for (span, next) in refs {
            let message = match campaigns.iter().find(|(_, c)| c.slug == next.campaign) {
                Some((_, c)) if c.action(&next.action).is_some() => continue,
                Some((_, c)) => {
                    let list: Vec<&str> = c.actions.iter().map(|a| a.slug.as_str()).collect();
                    format!(
                        "`next` names `{}`, but the campaign `{}` has no such action (it has: {})",
                        next.action,
                        c.slug,
                        if list.is_empty() { "none".to_string() } else { list.join(", ") }
                    )
                }
                None if unreadable_campaigns.contains(&next.campaign) => continue,
                None => format!(
                    "`next` names the campaign `{}`, which does not exist (write `campaign/action`)",
                    next.campaign
                ),
            };
            errors.push(ContentError::at(&path, &text, span.start, message));
        }
    }

    if !errors.is_empty() {
        // File by file, line by line, as an organizer fixes them.
        errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        return Err(ContentErrors(errors));
    }
    let mut briefings: Vec<_> = briefings.into_iter().map(|(_, b)| b).collect();
    briefings.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
    Ok(Content {
        group: Group { ..group },
        meetings: meetings.into_iter().map(|(_, m)| m).collect(),
        campaigns: campaigns.into_iter().map(|(_, c)| c).collect(),
        briefings,
    })
}

fn read(path: &Path, errors: &mut Vec<ContentError>) -> Option<String> {
    let meta = fs::metadata(path).ok()?;
    if meta.len() > MAX_FILE_BYTES {
        errors.push(ContentError::file(path, "this file is larger than 1 MB"));
        return None;
    }
    match fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
                errors.push(ContentError::at(path, &valid, offset, "this file is not UTF-8 text"));
                None
            }
        },
        Err(e) => {
            errors.push(ContentError::file(path, format!("cannot be read: {e}")));
            None
        }
    }
}

/// The `.toml` files of a folder, sorted by name, with their stems. Files starting with `_`
/// or `.` are templates and notes, not content. A missing folder is an empty one.
fn files_in(dir: &Path, errors: &mut Vec<ContentError>) -> Vec<(PathBuf, String, String)> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect();
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if name.starts_with(['_', '.']) || name.ends_with(".md") || editors_own(name) {
            continue;
        }
        let Some(stem) = name.strip_suffix(".toml") else {
            errors
                .push(ContentError::file(&path, "only .toml files belong here (start the name with _ to keep a note)"));
            continue;
        };
        let stem = stem.to_string();
        if let Some(text) = read(&path, errors) {
            files.push((path, stem, text));
        }
    }
    files
}

/// Files editors leave beside the ones being edited: Emacs's `#name#` and `name~`, Vim's
/// swap files and its `4913` probe, Kate's swap, `.bak`, `.orig`, `.tmp`. Never content.
fn editors_own(name: &str) -> bool {
    const ENDINGS: &[&str] = &["~", "#", ".swp", ".swo", ".swx", ".bak", ".orig", ".tmp", ".kate-swp", ".rej"];
    name.starts_with('#') || ENDINGS.iter().any(|e| name.ends_with(e)) || name.chars().all(|c| c.is_ascii_digit())
}

fn duplicates<'a>(items: impl Iterator<Item = (&'a PathBuf, &'a str)>, what: &str, errors: &mut Vec<ContentError>) {
    let mut seen: HashMap<&str, &PathBuf> = HashMap::new();
    for (path, slug) in items {
        if let Some(first) = seen.get(slug) {
            // Both files, each where the name is set: either may be the one to change.
            for (here, there) in [(*first, path), (path, *first)] {
                errors.push(named_at(here, format!("the {what} name `{slug}` is also used by {}", there.display())));
            }
        } else {
            seen.insert(slug, path);
        }
    }
}

/// An error about the name a file gives: at its `slug = …` line, or, named by the file's
/// own name, about the file.
fn named_at(path: &Path, message: String) -> ContentError {
    let text = fs::read_to_string(path).unwrap_or_default();
    // The file's own keys come before its first table (`[[actions]]` have slugs of their own).
    let top = text.lines().take_while(|l| !l.trim_start().starts_with('['));
    let sets_slug = |l: &str| l.trim_start().strip_prefix("slug").is_some_and(|r| r.trim_start().starts_with('='));
    match top.clone().position(sets_slug) {
        Some(n) => {
            let offset: usize = text.split_inclusive('\n').take(n).map(str::len).sum();
            ContentError::at(path, &text, offset, message)
        }
        None => ContentError::file(path, format!("{message} (the name comes from the file's name)")),
    }
}

//! Reading one group's folder (`commands/`, or `groups/<slug>/` of an organization), all or
//! nothing.

use std::collections::HashMap;
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::briefing_file::BriefingFile;
use super::campaign_file::CampaignFile;
use super::error::{ContentError, ContentErrors, in_reading_order};
use super::files::Source;
use super::group_file::GroupFile;
use super::meeting_file::MeetingFile;
use super::model::{Briefing, Campaign, Content, Group, Home, Meeting, NextStep};
use crate::group_id::GroupId;

/// Files larger than this are refused: content is prose, not data dumps.
const MAX_FILE_BYTES: u64 = 1 << 20;

/// What is said of a content folder that is not there.
pub(super) const MISSING_FOLDER: &str = "this content folder does not exist (set --content or CONVOCA_CONTENT)";

/// Loads and checks every file under `dir`, a folder that is one group (the *single* group).
/// Any error anywhere rejects the whole folder, so a running bot never switches to half of
/// an edit.
pub fn load(dir: &Path, now: DateTime<Utc>) -> Result<Content, ContentErrors> {
    load_group(dir, GroupId::single(), now)
}

/// Loads and checks one group's folder (`group.toml`, `meetings/`, `campaigns/`,
/// `briefings/`), all or nothing, as the group `id`.
pub fn load_group(dir: &Path, id: GroupId, now: DateTime<Utc>) -> Result<Content, ContentErrors> {
    read_group(dir, id, now).content
}

/// One group's folder, read.
pub(super) struct GroupRead {
    /// Where `group.toml` says the group lives, whenever it parsed (even with mistakes in it
    /// or in the group's other files): homes are checked across groups, and a group whose
    /// meeting broke still claims its channels.
    pub home: Option<Home>,
    /// The group's content, or every error in its folder.
    pub content: Result<Content, ContentErrors>,
}

/// Reads one group's folder as the group `id`: its content or its errors, and its home.
pub(super) fn read_group(dir: &Path, id: GroupId, now: DateTime<Utc>) -> GroupRead {
    if !dir.is_dir() {
        let missing = ContentError::file(dir, MISSING_FOLDER);
        return GroupRead { home: None, content: Err(ContentErrors(vec![missing])) };
    }
    let mut errors = Vec::new();
    let Some(group) = group_toml(dir, &mut errors) else {
        return GroupRead { home: None, content: Err(ContentErrors(errors)) };
    };
    let home = Some(group.home.clone());
    GroupRead { home, content: group_content(dir, Group { id, ..group }, now, errors) }
}

/// The rest of a group's folder, checked against its `group.toml`; `errors` holds what
/// `group.toml` already had.
fn group_content(
    dir: &Path,
    group: Group,
    now: DateTime<Utc>,
    mut errors: Vec<ContentError>,
) -> Result<Content, ContentErrors> {
    let meetings = load_meetings(dir, &group, now, &mut errors);
    let campaigns = load_campaigns(dir, &group, &mut errors);
    let briefings = load_briefings(dir, &group, &mut errors);

    duplicates(meetings.checked.iter().map(|(p, m)| (p, m.slug.as_str())), "meeting", &mut errors);
    duplicates(campaigns.checked.iter().map(|(p, c)| (p, c.slug.as_str())), "campaign", &mut errors);
    duplicates(briefings.iter().map(|(p, b)| (p, b.slug.as_str())), "briefing", &mut errors);
    check_campaign_refs(meetings.campaign_refs, &campaigns, &mut errors);
    check_next_refs(&campaigns, &mut errors);

    if !errors.is_empty() {
        in_reading_order(&mut errors);
        return Err(ContentErrors(errors));
    }
    let mut briefings: Vec<_> = briefings.into_iter().map(|(_, b)| b).collect();
    briefings.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
    Ok(Content {
        group,
        meetings: meetings.checked.into_iter().map(|(_, m)| m).collect(),
        campaigns: campaigns.checked.into_iter().map(|(_, c)| c).collect(),
        briefings,
    })
}

/// Names a file gives that point into other files (a meeting's campaigns, an action's next
/// step), kept with the file's text: they can only be checked once every file is read, and
/// their errors must still name the line.
struct Refs<T> {
    path: PathBuf,
    text: String,
    refs: Vec<(Range<usize>, T)>,
}

/// The meetings read, each with its file, and the campaigns each names.
struct Meetings {
    checked: Vec<(PathBuf, Meeting)>,
    campaign_refs: Vec<Refs<String>>,
}

/// The campaigns read, each with its file, and what the other checks need to know of them.
struct Campaigns {
    checked: Vec<(PathBuf, Campaign)>,
    /// Stems of campaign files that do not parse. A meeting or a next step naming one would
    /// look wrong too; the campaign's own error is the one worth reading.
    unreadable: Vec<String>,
    /// The next steps their actions name.
    next_refs: Vec<Refs<NextStep>>,
}

/// `group.toml`, which every other file is checked against: without it there is nothing
/// more to check. `None` when it is missing or does not parse, with the errors saying why;
/// a group with mistakes in its values (reported) when it parses.
fn group_toml(dir: &Path, errors: &mut Vec<ContentError>) -> Option<Group> {
    let path = dir.join("group.toml");
    let group = read(&path, errors).and_then(|text| {
        let mut src = Source { path: &path, text: &text, errors: &mut *errors };
        let file: GroupFile = src.parse()?;
        Some(file.check(&mut src))
    });
    if group.is_none() && errors.is_empty() {
        errors.push(ContentError::file(&path, "group.toml is missing: it names the group and its mission"));
    }
    group
}

/// `meetings/`: a meeting that cannot be scheduled is left out (its errors reject the folder
/// anyway), and so are the campaigns it names.
fn load_meetings(dir: &Path, group: &Group, now: DateTime<Utc>, errors: &mut Vec<ContentError>) -> Meetings {
    let mut meetings = Meetings { checked: Vec::new(), campaign_refs: Vec::new() };
    for (path, stem, text) in files_in(&dir.join("meetings"), errors) {
        let mut src = Source { path: &path, text: &text, errors: &mut *errors };
        let Some(file) = src.parse::<MeetingFile>() else { continue };
        let refs = file.campaign_refs();
        if let Some(m) = file.check(&mut src, &stem, group, now) {
            meetings.campaign_refs.push(Refs { path: path.clone(), text: text.clone(), refs });
            meetings.checked.push((path, m));
        }
    }
    meetings
}

/// `campaigns/`: every campaign that parses is checked and kept; the stems of those that do
/// not are remembered, so that names pointing at them are not reported a second time.
fn load_campaigns(dir: &Path, group: &Group, errors: &mut Vec<ContentError>) -> Campaigns {
    let mut campaigns = Campaigns { checked: Vec::new(), unreadable: Vec::new(), next_refs: Vec::new() };
    for (path, stem, text) in files_in(&dir.join("campaigns"), errors) {
        let mut src = Source { path: &path, text: &text, errors: &mut *errors };
        let Some(file) = src.parse::<CampaignFile>() else {
            campaigns.unreadable.push(stem);
            continue;
        };
        campaigns.next_refs.push(Refs { path: path.clone(), text: text.clone(), refs: file.next_refs(&stem) });
        campaigns.checked.push((path.clone(), file.check(&mut src, &stem, group)));
    }
    campaigns
}

/// `briefings/`: each checked against the group; one without a valid date is left out.
fn load_briefings(dir: &Path, group: &Group, errors: &mut Vec<ContentError>) -> Vec<(PathBuf, Briefing)> {
    let mut briefings = Vec::new();
    for (path, stem, text) in files_in(&dir.join("briefings"), errors) {
        let mut src = Source { path: &path, text: &text, errors: &mut *errors };
        let Some(file) = src.parse::<BriefingFile>() else { continue };
        if let Some(b) = file.check(&mut src, &stem, group) {
            briefings.push((path, b));
        }
    }
    briefings
}

/// Every campaign a meeting names must exist, once all campaigns are read.
fn check_campaign_refs(meeting_refs: Vec<Refs<String>>, campaigns: &Campaigns, errors: &mut Vec<ContentError>) {
    for Refs { path, text, refs } in meeting_refs {
        for (span, slug) in refs {
            if !campaigns.checked.iter().any(|(_, c)| c.slug == slug) && !campaigns.unreadable.contains(&slug) {
                errors.push(ContentError::at(&path, &text, span.start, format!("no campaign is named `{slug}`")));
            }
        }
    }
}

/// Every `next` step must name an action that exists, in a campaign that exists; the message
/// lists the actions there are, so a misspelt one is easy to fix.
fn check_next_refs(campaigns: &Campaigns, errors: &mut Vec<ContentError>) {
    for Refs { path, text, refs } in &campaigns.next_refs {
        for (span, next) in refs {
            let message = match campaigns.checked.iter().find(|(_, c)| c.slug == next.campaign) {
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
                None if campaigns.unreadable.contains(&next.campaign) => continue,
                None => format!(
                    "`next` names the campaign `{}`, which does not exist (write `campaign/action`)",
                    next.campaign
                ),
            };
            errors.push(ContentError::at(path, text, span.start, message));
        }
    }
}

/// A content file's text; `None` when it is missing (nothing said) or cannot be read as
/// text (the error said).
pub(super) fn read(path: &Path, errors: &mut Vec<ContentError>) -> Option<String> {
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
pub(super) fn editors_own(name: &str) -> bool {
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

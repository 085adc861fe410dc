//! A content root, the folder `--content` names: one group (`group.toml` at its top, as
//! every deployment before organizations had) or an organization (`organization.toml` at
//! its top, and one folder per group under `groups/`, each laid out as a one-group folder).
//!
//! Each group's folder is checked on its own, then what no single folder can see: two groups
//! claiming the same place as their home.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::error::{ContentError, ContentErrors, in_reading_order};
use super::files::{Source, valid_slug};
use super::load::{GroupRead, MISSING_FOLDER, editors_own, read, read_group};
use super::model::{Content, DiscordPlace, Home, Organization};
use super::organization_file::OrganizationFile;
use crate::group_id::GroupId;

/// Everything under a content root: the organization (when it is one) and its groups.
#[derive(Clone, Debug)]
pub struct Root {
    /// The organization; `None` for a folder that is one group.
    pub organization: Option<Organization>,
    /// The groups, sorted by id: the single group alone, or one for each folder of `groups/`.
    pub groups: Vec<Content>,
}

impl Root {
    /// Which platforms its `[home]` tables (a group's or the organization's) give homes on:
    /// the env's home settings are not needed for those.
    pub fn declared(&self) -> super::model::Declared {
        let homes: Vec<&Home> =
            self.groups.iter().map(|g| &g.group.home).chain(self.organization.iter().map(|o| &o.home)).collect();
        super::model::Declared {
            discord: homes.iter().any(|h| !h.discord.is_empty()),
            matrix: homes.iter().any(|h| !h.matrix.is_empty()),
        }
    }
}

/// Each part of a root read on its own, so that a running bot can keep the last good content
/// of a group whose files broke while the others change.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// `organization.toml`, read, when the root is an organization.
    pub organization: Option<Result<Organization, ContentErrors>>,
    /// Each group, sorted by id, with its content or every error in its folder (a home
    /// another group claims too among them).
    pub groups: Vec<(GroupId, Result<Content, ContentErrors>)>,
    /// Mistakes of the root itself, no group's: a missing folder, both `organization.toml`
    /// and `group.toml`, an organization without a group, a folder in `groups/` that cannot
    /// be one.
    pub errors: Vec<ContentError>,
}

/// Reads every part of the root under `dir`, each on its own: an error in one group's files
/// leaves the other groups (and the organization) as they are.
pub fn load_each(dir: &Path, now: DateTime<Utc>) -> Loaded {
    let mut loaded = Loaded { organization: None, groups: Vec::new(), errors: Vec::new() };
    if !dir.is_dir() {
        loaded.errors.push(ContentError::file(dir, MISSING_FOLDER));
        return loaded;
    }
    let organization_toml = dir.join("organization.toml");
    if !organization_toml.exists() {
        let single = read_group(dir, GroupId::single(), now);
        loaded.groups.push((GroupId::single(), single.content));
        return loaded;
    }
    if dir.join("group.toml").exists() {
        // Which of the two the folder is meant to be, only the organizer knows.
        loaded.errors.push(ContentError::file(
            &organization_toml,
            "this folder has both organization.toml and group.toml: a content folder is one group (group.toml) \
             or an organization (organization.toml, and each group's files in groups/<name>/). Move group.toml \
             into a folder of groups/, or remove organization.toml",
        ));
        return loaded;
    }
    loaded.organization = Some(load_organization(&organization_toml));
    let (folders, errors) = group_folders(&dir.join("groups"));
    loaded.errors = errors;
    loaded.errors.extend(stray_folders(dir));
    let mut groups: Vec<(GroupId, PathBuf, GroupRead)> = folders
        .into_iter()
        .map(|(id, folder)| {
            let group = read_group(&folder, id.clone(), now);
            (id, folder, group)
        })
        .collect();
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    home_conflicts(dir, &mut groups);
    calendar_clashes(dir, &mut groups);
    loaded.groups = groups.into_iter().map(|(id, _, group)| (id, group.content)).collect();
    loaded
}

/// Reads the root under `dir`, all or nothing (start-up and `convoca check`): every error of
/// every file, sorted by file and line.
pub fn load_root(dir: &Path, now: DateTime<Utc>) -> Result<Root, ContentErrors> {
    let Loaded { organization, groups, mut errors } = load_each(dir, now);
    let organization = match organization {
        Some(Ok(organization)) => Some(organization),
        Some(Err(wrong)) => {
            errors.extend(wrong.0);
            None
        }
        None => None,
    };
    let mut contents = Vec::new();
    for (_, content) in groups {
        match content {
            Ok(content) => contents.push(content),
            Err(wrong) => errors.extend(wrong.0),
        }
    }
    if !errors.is_empty() {
        in_reading_order(&mut errors);
        return Err(ContentErrors(errors));
    }
    Ok(Root { organization, groups: contents })
}

/// `organization.toml`, read and checked.
fn load_organization(path: &Path) -> Result<Organization, ContentErrors> {
    let mut errors = Vec::new();
    let organization = read(path, &mut errors).and_then(|text| {
        let mut src = Source { path, text: &text, errors: &mut errors };
        let file: OrganizationFile = src.parse()?;
        Some(file.check(&mut src))
    });
    match organization {
        Some(organization) if errors.is_empty() => Ok(organization),
        _ => {
            if errors.is_empty() {
                errors.push(ContentError::file(path, "organization.toml cannot be read"));
            }
            in_reading_order(&mut errors);
            Err(ContentErrors(errors))
        }
    }
}

/// The folders of `groups/`, sorted, each with the id its name gives, and what is wrong
/// there. Names starting with `_` or `.` are templates and notes, as files are; Markdown
/// files and editors' leftovers are let be.
fn group_folders(groups: &Path) -> (Vec<(GroupId, PathBuf)>, Vec<ContentError>) {
    let mut paths: Vec<PathBuf> = match fs::read_dir(groups) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(_) => Vec::new(),
    };
    paths.sort();
    let mut folders = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        if name.starts_with(['_', '.']) {
            continue;
        }
        if !path.is_dir() {
            if !name.ends_with(".md") && !editors_own(&name) {
                errors.push(ContentError::file(
                    &path,
                    "only group folders belong in groups/ (groups/<name>/group.toml); start a note's name with _",
                ));
            }
            continue;
        }
        // The name is stored with the group's rows and prefixes its reminders' identities.
        if !valid_slug(&name) {
            errors.push(ContentError::file(
                &path,
                format!(
                    "`{name}` cannot name a group: the folder's name is the group's id, so rename it with lowercase \
                     letters, digits and dashes (or start it with _ to leave it out)"
                ),
            ));
            continue;
        }
        folders.push((GroupId::named(&name), path));
    }
    if folders.is_empty() && errors.is_empty() {
        errors.push(ContentError::file(
            groups,
            "an organization needs at least one group: a folder in groups/ with the group's files \
             (groups/<name>/group.toml)",
        ));
    }
    (folders, errors)
}

/// A group's folders left at the top of an organization (as they were in the one-group
/// folder it was): no group reads them, so their meetings would silently be gone.
fn stray_folders(dir: &Path) -> Vec<ContentError> {
    ["meetings", "campaigns", "briefings"]
        .into_iter()
        .filter(|sub| dir.join(sub).is_dir())
        .map(|sub| {
            ContentError::file(
                &dir.join(sub),
                format!(
                    "`{sub}/` at the top of an organization belongs to no group: move it into the folder of the group \
                     it is for (groups/<name>/{sub}/)"
                ),
            )
        })
        .collect()
}

/// Two groups whose short names give one calendar domain would give their meetings the
/// same event ids (`monthly-20270104@sur.convoca`): a calendar subscribed to both would
/// show one group's meeting in place of the other's.
fn calendar_clashes(root: &Path, groups: &mut [(GroupId, PathBuf, GroupRead)]) {
    let mut by_domain: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, (_, _, group)) in groups.iter().enumerate() {
        if let Ok(content) = &group.content {
            let domain = super::model::calendar_domain(&content.group.short_name);
            by_domain.entry(domain).or_default().push(i);
        }
    }
    for owners in by_domain.into_values().filter(|o| o.len() > 1) {
        for &i in &owners {
            let others: Vec<String> =
                owners.iter().filter(|&&j| j != i).map(|&j| shown(root, &groups[j].1.join("group.toml"))).collect();
            let file = groups[i].1.join("group.toml");
            let message = format!(
                "this group's short_name is too close to that of {}: their calendars' events would share ids; give \
                 each group a short_name of its own",
                others.join(", ")
            );
            add_error(&mut groups[i].2.content, entry_error(&file, "short_name", message));
        }
    }
}

/// A place one group claims as its home, compared across groups.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Claim {
    Discord(DiscordPlace),
    Matrix(String),
}

impl Claim {
    /// Every place a home claims.
    fn all(home: &Home) -> impl Iterator<Item = Claim> + '_ {
        let discord = home.discord.iter().map(|place| Claim::Discord(*place));
        discord.chain(home.matrix.iter().map(|room| Claim::Matrix(room.clone())))
    }

    /// As written in `[home]`, to find its line.
    fn written(&self) -> String {
        match self {
            Claim::Discord(place) => place.to_string(),
            Claim::Matrix(room) => room.clone(),
        }
    }

    /// What to say in one group's file when `others` claim it too.
    fn conflict(&self, others: &str) -> String {
        match self {
            Claim::Discord(place @ DiscordPlace { within: Some(_), .. }) => {
                format!("the Discord home `{place}` is also claimed by {others}: a channel belongs to one group")
            }
            Claim::Discord(place) => format!(
                "the Discord home `{place}` is also claimed by {others}: a server belongs to one group \
                 (another may claim a channel or category in it)"
            ),
            Claim::Matrix(room) => {
                format!("the Matrix home `{room}` is also claimed by {others}: a room belongs to one group")
            }
        }
    }
}

/// A place two groups both claim (the same server, the same channel or category, the same
/// room) is an error in each one's `group.toml`, at the line of the entry, naming the other
/// file: either may be the one to change. A group whose `group.toml` did not parse claims
/// nothing; one with mistakes elsewhere still claims its home.
fn home_conflicts(root: &Path, groups: &mut [(GroupId, PathBuf, GroupRead)]) {
    let mut claimed: BTreeMap<Claim, Vec<usize>> = BTreeMap::new();
    for (i, (_, _, group)) in groups.iter().enumerate() {
        let Some(home) = &group.home else { continue };
        for claim in Claim::all(home) {
            claimed.entry(claim).or_default().push(i);
        }
    }
    for (claim, owners) in claimed {
        if owners.len() < 2 {
            continue;
        }
        for &i in &owners {
            let others: Vec<String> =
                owners.iter().filter(|&&j| j != i).map(|&j| shown(root, &groups[j].1.join("group.toml"))).collect();
            let file = groups[i].1.join("group.toml");
            let error = entry_error(&file, &claim.written(), claim.conflict(&others.join(", ")));
            add_error(&mut groups[i].2.content, error);
        }
    }
}

/// A path as the organizer sees it from the content root: `groups/youth/group.toml`.
fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

/// One more error for a group: content that was good until now is refused too.
fn add_error(content: &mut Result<Content, ContentErrors>, error: ContentError) {
    if let Err(errors) = content {
        errors.0.push(error);
        in_reading_order(&mut errors.0);
    } else {
        *content = Err(ContentErrors(vec![error]));
    }
}

/// An error at the line `entry` is written on in `file`, or about the whole file when it
/// cannot be found there (written another way, such as with leading zeros).
fn entry_error(file: &Path, entry: &str, message: String) -> ContentError {
    let text = fs::read_to_string(file).unwrap_or_default();
    match written_at(&text, entry) {
        Some(offset) => ContentError::at(file, &text, offset, message),
        None => ContentError::file(file, message),
    }
}

/// Where `entry` is written in `text` as a whole value (not `111` inside `111/333` or
/// `1111`): from the `[home]` table on when the file has one, else anywhere.
fn written_at(text: &str, entry: &str) -> Option<usize> {
    let home = text
        .split_inclusive('\n')
        .scan(0, |offset, line| {
            let start = *offset;
            *offset += line.len();
            Some((start, line))
        })
        .find(|(_, line)| line.trim_start().starts_with("[home]"))
        .map_or(0, |(start, _)| start);
    whole_value_at(text, entry, home).or_else(|| whole_value_at(text, entry, 0))
}

/// The first place from `from` on where `entry` stands alone: between quotes, brackets,
/// commas, `=` or spaces.
fn whole_value_at(text: &str, entry: &str, from: usize) -> Option<usize> {
    let bounded = |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || "\"'[],=".contains(c));
    text[from..]
        .match_indices(entry)
        .map(|(i, _)| from + i)
        .find(|&at| bounded(text[..at].chars().next_back()) && bounded(text[at + entry.len()..].chars().next()))
}

#[cfg(test)]
mod tests;

//! `group.toml`: the group's name, zone, language, prose and home, checked into a [`Group`].

use std::collections::{BTreeMap, HashMap};

use chrono_tz::Tz;
use serde::Deserialize;
use toml::Spanned;

use super::channels::{canonical_channel, not_a_channel, valid_channel};
use super::files::Source;
use super::home_file::HomeFile;
use super::model::*;
use super::text::RawText;
use super::web_file::WebFile;
use crate::group_id::GroupId;
use crate::locale::Locale;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GroupFile {
    name: Option<RawText>,
    short_name: Option<String>,
    time_zone: Option<Spanned<String>>,
    language: Option<Spanned<String>>,
    website: Option<Spanned<String>>,
    contact: Option<ContactFile>,
    mission: Option<RawText>,
    history: Option<RawText>,
    get_involved: Option<RawText>,
    retention: Option<RetentionFile>,
    public_floor: Option<Spanned<i64>>,
    /// Channels written to in another language than the group's: `"mail:lista@…" = "es"`.
    #[serde(default)]
    channel_languages: BTreeMap<String, Spanned<String>>,
    /// Where the group lives on Discord and Matrix, and who organizes it there.
    home: Option<HomeFile>,
    /// Its public page.
    web: Option<WebFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RetentionFile {
    signups_days: Option<Spanned<i64>>,
    rsvps_days: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactFile {
    name: String,
    email: Option<String>,
}

impl GroupFile {
    /// The group, with every mistake in `group.toml` reported to `src`. A wrong value gives
    /// way to its default (English, UTC), so the other files are still checked against it.
    pub fn check(self, src: &mut Source<'_>) -> Group {
        let language = src.language(self.language.as_ref());
        let name = src.required(self.name, "the group's name", language);
        if self.time_zone.is_none() {
            src.whole("the group's `time_zone` is missing (for example America/New_York)");
        }
        let zone = src.zone(self.time_zone, Tz::UTC);
        let short_name = self
            .short_name
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| name.get(language).to_string());
        let retention = retention(self.retention, src);
        let public_floor = match self.public_floor {
            Some(f) if !(1..=1000).contains(f.get_ref()) => {
                src.at(f.span(), format!("`public_floor = {}` must be a number from 1 to 1000", f.get_ref()));
                PUBLIC_FLOOR
            }
            Some(f) => *f.get_ref() as u32,
            None => PUBLIC_FLOOR,
        };
        let channel_languages = channel_languages(self.channel_languages, src);
        let home = self.home.map(|h| h.check(src)).unwrap_or_default();
        let web = self.web.map(|w| w.check(src, language)).unwrap_or_default();
        Group {
            web,
            // The loader names the group: this file does not know which folder it is in.
            id: GroupId::single(),
            home,
            channel_languages,
            public_floor,
            short_name,
            zone,
            language,
            retention,
            website: src.link(self.website),
            contact: self.contact.map(|c| Contact { name: c.name, email: c.email }),
            mission: src.required(self.mission, "the group's mission", language),
            history: self.history.map(|t| t.resolve(language)),
            get_involved: self.get_involved.map(|t| t.resolve(language)),
            name,
        }
    }
}

/// `[retention]`: each period a number of days from one to a century; anything else is a
/// typo, reported at its line. Unset, data is kept until people erase it themselves.
fn retention(written: Option<RetentionFile>, src: &mut Source<'_>) -> Retention {
    let mut days = |key: &str, value: Option<Spanned<i64>>| {
        value.and_then(|d| {
            let days = *d.get_ref();
            if (1..=36_500).contains(&days) {
                Some(chrono::Duration::days(days))
            } else {
                src.at(d.span(), format!("`{key} = {days}` must be a number of days from 1 to 36500"));
                None
            }
        })
    };
    let (signups, rsvps) = written.map(|r| (r.signups_days, r.rsvps_days)).unwrap_or_default();
    Retention { signups_after: days("signups_days", signups), rsvps_after: days("rsvps_days", rsvps) }
}

/// `[channel_languages]`: a channel written to in the other language must be a channel
/// reference and the language one convoca speaks, or its reminders would go out wrong.
fn channel_languages(written: BTreeMap<String, Spanned<String>>, src: &mut Source<'_>) -> HashMap<String, Locale> {
    written
        .into_iter()
        .filter_map(|(channel, l)| {
            let channel = canonical_channel(&channel);
            if !valid_channel(&channel) {
                src.at(l.span(), not_a_channel(&channel));
                return None;
            }
            match l.get_ref().trim() {
                "en" | "es" => Some((channel, Locale::from_tag(l.get_ref()))),
                other => {
                    src.at(l.span(), format!("`{other}` is not a language convoca speaks: use en or es"));
                    None
                }
            }
        })
        .collect()
}

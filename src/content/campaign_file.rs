//! `campaigns/*.toml`: a campaign and its calls to action (deadlines, places, the step
//! offered next), checked into a [`Campaign`].

use std::ops::Range;

use chrono::{DateTime, Duration};
use chrono_tz::Tz;
use serde::Deserialize;
use toml::{Spanned, Value};

use super::files::{Source, parse_date, parse_duration, parse_local_datetime, valid_slug, value_text};
use super::model::*;
use super::text::{RawText, Text};
use crate::calendar::resolve_local;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CampaignFile {
    slug: Option<Spanned<String>>,
    title: Option<RawText>,
    summary: Option<RawText>,
    #[serde(default)]
    partners: Vec<String>,
    learn_more: Option<Spanned<String>>,
    ends: Option<Spanned<Value>>,
    #[serde(default)]
    public_reactions: bool,
    #[serde(default)]
    actions: Vec<ActionFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionFile {
    slug: Spanned<String>,
    title: Option<RawText>,
    description: Option<RawText>,
    link: Option<Spanned<String>>,
    deadline: Option<Spanned<Value>>,
    time_zone: Option<Spanned<String>>,
    follow_up: Option<Spanned<String>>,
    capacity: Option<Spanned<i64>>,
    offer_valid: Option<Spanned<String>>,
    next: Option<Spanned<String>>,
}

/// `next = "rally"` (this campaign) or `"campaign/action"`.
fn next_step(written: &str, campaign: &str) -> NextStep {
    match written.trim().split_once('/') {
        Some((c, a)) => NextStep { campaign: c.trim().to_string(), action: a.trim().to_string() },
        None => NextStep { campaign: campaign.to_string(), action: written.trim().to_string() },
    }
}

impl CampaignFile {
    /// The next steps its actions name, with where, for checking once every campaign is read.
    pub fn next_refs(&self, stem: &str) -> Vec<(Range<usize>, NextStep)> {
        let slug = self.slug.as_ref().map_or(stem, |s| s.get_ref().trim());
        self.actions.iter().filter_map(|a| a.next.as_ref().map(|n| (n.span(), next_step(n.get_ref(), slug)))).collect()
    }

    /// The campaign, with every mistake in it reported to `src`. It is kept even with mistakes,
    /// so the meetings and next steps naming it are not reported as naming nothing.
    pub fn check(self, src: &mut Source<'_>, stem: &str, group: &Group) -> Campaign {
        let slug = src.slug(self.slug, stem);
        let title = src.required(self.title, "the campaign's title", group.language);
        let summary = src.required(self.summary, "the campaign's summary", group.language);
        let mut actions: Vec<Action> = Vec::new();
        for a in self.actions {
            let action = a.check(src, &slug, &actions, group);
            actions.push(action);
        }
        // The campaign ends at the end of that day, in the group's zone.
        let ends = self.ends.as_ref().and_then(|e| {
            let day = src.parsed(e, "a date like 2027-06-30 (years 2000–2100)", parse_date)?;
            resolve_local(group.zone, day.succ_opt()?.and_hms_opt(0, 0, 0)?)
        });
        Campaign {
            slug,
            title,
            summary,
            partners: self.partners,
            learn_more: src.link(self.learn_more),
            actions,
            ends,
            public_reactions: self.public_reactions,
        }
    }
}

impl ActionFile {
    /// One action of the campaign `campaign`, read after the `earlier` ones (to catch a name
    /// used twice). A mistake in one field is reported and the others are still checked, so
    /// one `check` names every mistake in the action.
    fn check(self, src: &mut Source<'_>, campaign: &str, earlier: &[Action], group: &Group) -> Action {
        let slug = action_slug(&self.slug, earlier, src);
        let zone = src.zone(self.time_zone, group.zone);
        let deadline = self.deadline.as_ref().and_then(|d| read_deadline(d, zone, src));
        let title = match self.title.map(|t| t.resolve(group.language)) {
            Some(t) if !t.is_blank() => t,
            _ => {
                src.at(self.slug.span(), format!("the action `{slug}` needs a `title`"));
                Text::default()
            }
        };
        let follow_up =
            self.follow_up.as_ref().and_then(|f| src.spelled(f, "a delay like 7d, 2d12h or 30m", parse_duration));
        let capacity = self.capacity.as_ref().and_then(|c| read_capacity(c, src));
        let offer_valid = read_offer_valid(self.offer_valid.as_ref(), self.capacity.is_some(), src);
        let next = self.next.as_ref().map(|n| next_step(n.get_ref(), campaign));
        if next.as_ref().is_some_and(|n| n.campaign == campaign && n.action == slug) {
            src.at(
                self.next.as_ref().map_or(0..0, |n| n.span()),
                format!("the action `{slug}` names itself as its next step"),
            );
        }
        Action {
            slug,
            title,
            description: self.description.map(|t| t.resolve(group.language)),
            link: src.link(self.link),
            deadline,
            follow_up,
            capacity,
            offer_valid,
            next,
        }
    }
}

/// An action's name, as written: `signup <campaign> <action>` must be able to type it, and
/// must not find two actions under it.
fn action_slug(written: &Spanned<String>, earlier: &[Action], src: &mut Source<'_>) -> String {
    let slug = written.get_ref().trim().to_string();
    if !valid_slug(&slug) {
        src.at(
            written.span(),
            format!("`{slug}` is not a valid action name: use lowercase letters, digits and dashes"),
        );
    }
    if earlier.iter().any(|x| x.slug == slug) {
        src.at(written.span(), format!("the action `{slug}` appears twice in this campaign"));
    }
    slug
}

/// `deadline`: an instant with its offset (`2027-01-15T17:00:00Z`), or a local time read in
/// the action's zone, which is kept to show the deadline back as it was written.
fn read_deadline(written: &Spanned<Value>, zone: Tz, src: &mut Source<'_>) -> Option<Deadline> {
    let text = value_text(written.get_ref()).unwrap_or_default();
    let at = DateTime::parse_from_rfc3339(&text)
        .map(|t| t.to_utc())
        .ok()
        .or_else(|| parse_local_datetime(&text).and_then(|l| resolve_local(zone, l)));
    if at.is_none() {
        src.at(written.span(), format!("`{text}` is not a deadline like 2027-01-15T17:00"));
    }
    at.map(|at| Deadline { at, zone })
}

/// `capacity`: how many places the action has. Zero or fewer would leave everyone waiting.
fn read_capacity(written: &Spanned<i64>, src: &mut Source<'_>) -> Option<u32> {
    match u32::try_from(*written.get_ref()) {
        Ok(n) if n >= 1 => Some(n),
        _ => {
            src.at(
                written.span(),
                format!("capacity must be a whole number of places, 1 or more (not {})", written.get_ref()),
            );
            None
        }
    }
}

/// `offer_valid`: how long a place offered to the next person waiting stays theirs. Without
/// a `capacity` (`has_capacity`: one is written, valid or not) nobody waits, so setting it
/// is a mistake worth pointing out.
fn read_offer_valid(written: Option<&Spanned<String>>, has_capacity: bool, src: &mut Source<'_>) -> Duration {
    let Some(v) = written else { return OFFER_VALID };
    if !has_capacity {
        src.at(v.span(), "`offer_valid` only means something with a `capacity`");
    }
    src.spelled(v, "a duration like 24h, 2d or 90m", parse_duration).unwrap_or(OFFER_VALID)
}

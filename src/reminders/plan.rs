//! What is to be reminded, where and when: meetings' occurrences and campaigns' deadlines,
//! times their lead times, times the channels that get them.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::agenda::{Agenda, Cancelled, Which};
use crate::calendar::{Lead, Occurrence};
use crate::chat::Platform;
use crate::content::{Audience, Content};
use crate::locale::Locale;
use crate::store::{ALL, Subscription};

/// Lead times for campaign deadlines.
pub const DEADLINE_LEADS: [Lead; 1] = [Lead::DAY];

/// Length of an idempotency key: Discord accepts nonces of up to 25 characters.
pub const KEY_LEN: usize = 25;

/// What a reminder is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// One occurrence of a meeting.
    Meeting {
        /// The meeting's slug.
        slug: Arc<str>,
        /// The occurrence (regular date, current start and end).
        occurrence: Occurrence,
    },
    /// A campaign's call to action with a deadline.
    Deadline {
        /// The campaign's slug.
        campaign: Arc<str>,
        /// The action's slug.
        action: Arc<str>,
        /// The deadline.
        at: DateTime<Utc>,
    },
}

impl Subject {
    /// The moment after which a reminder is useless: the meeting's start, the deadline.
    pub fn starts(&self) -> DateTime<Utc> {
        match self {
            Subject::Meeting { occurrence, .. } => occurrence.start,
            Subject::Deadline { at, .. } => *at,
        }
    }

    /// Readable, stable identity of the subject. A moved occurrence keeps its regular date
    /// but its start changes, so its reminders are new ones, at the new time.
    pub fn identity(&self) -> String {
        match self {
            Subject::Meeting { slug, occurrence } => {
                format!("meeting:{slug}:{}:{}", occurrence.date, occurrence.start.format("%Y-%m-%dT%H:%MZ"))
            }
            Subject::Deadline { campaign, action, at } => {
                format!("deadline:{campaign}:{action}:{}", at.format("%Y-%m-%dT%H:%MZ"))
            }
        }
    }

    /// The meeting's slug or `campaign/action`, for listings.
    pub fn name(&self) -> String {
        match self {
            Subject::Meeting { slug, occurrence } => format!("{slug} ({})", occurrence.date),
            Subject::Deadline { campaign, action, .. } => format!("{campaign}/{action} deadline"),
        }
    }

    /// The meeting slug, if it is one.
    pub fn meeting(&self) -> Option<&str> {
        match self {
            Subject::Meeting { slug, .. } => Some(slug),
            Subject::Deadline { .. } => None,
        }
    }
}

/// A channel that gets reminders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// `discord:<id>`, `matrix:<room>`, `console:<name>`.
    pub channel: Arc<str>,
    /// The language posts are written in there.
    pub locale: Locale,
    /// Whether a members-only link may be posted there.
    pub audience: Audience,
}

impl Target {
    /// The platform the channel is on; `None` for a reference naming no platform convoca
    /// speaks (nothing can post there).
    pub fn platform(&self) -> Option<Platform> {
        self.channel.split_once(':').and_then(|(p, _)| Platform::from_name(p))
    }

    /// The channel id within its platform.
    pub fn local_id(&self) -> &str {
        self.channel.split_once(':').map_or(&self.channel, |(_, id)| id)
    }
}

/// One reminder: a subject, a lead time, a channel. Indexes into its [`Plan`], so that a plan
/// of a hundred thousand reminders stays a few megabytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item {
    /// When it is due.
    pub due: DateTime<Utc>,
    /// Index into [`Plan::subjects`].
    pub subject: u32,
    /// How long before.
    pub lead: Lead,
    /// Index into [`Plan::targets`]; `u32::MAX` for a reminder nobody gets (listed only).
    pub target: u32,
}

/// Every reminder due within a window, in order of due instant.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// What reminders are about.
    pub subjects: Vec<Subject>,
    /// Where they go.
    pub targets: Vec<Target>,
    /// The reminders, ordered by due instant.
    pub items: Vec<Item>,
}

/// No channel: the reminder is planned but nobody subscribed.
pub const NOWHERE: u32 = u32::MAX;

impl Plan {
    /// The item's subject.
    pub fn subject(&self, item: &Item) -> &Subject {
        &self.subjects[item.subject as usize]
    }

    /// The item's target, if it has one.
    pub fn target(&self, item: &Item) -> Option<&Target> {
        self.targets.get(item.target as usize)
    }

    /// The reminder's readable identity: what, which occurrence, lead time, channel.
    pub fn identity(&self, item: &Item) -> String {
        let channel = self.target(item).map_or("-", |t| &t.channel);
        format!("{}:{}:{channel}", self.subject(item).identity(), item.lead)
    }

    /// The idempotency key derived from the identity, passed to platforms as a Matrix
    /// transaction id or a Discord nonce: the same reminder always has the same key.
    pub fn key(&self, item: &Item) -> String {
        key_of(&self.identity(item))
    }
}

/// The idempotency key of an identity.
pub fn key_of(identity: &str) -> String {
    let digest = Sha256::digest(identity.as_bytes());
    let mut key = hex::encode(digest);
    key.truncate(KEY_LEN);
    key
}

/// Plans every reminder due in `[from, to)`. With `with_nowhere`, reminders that have no
/// channel are kept (for listings); the scheduler leaves them out.
pub fn plan(
    content: &Content,
    agenda: &Agenda<'_>,
    subscriptions: &[Subscription],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    with_nowhere: bool,
) -> Plan {
    let mut out = Plan::default();
    let mut target_index: HashMap<(Arc<str>, Locale, bool), u32> = HashMap::new();
    let mut intern = |out: &mut Plan, channel: &str, locale: Locale, audience: Audience| -> u32 {
        let channel: Arc<str> = Arc::from(channel);
        let k = (Arc::clone(&channel), locale, audience == Audience::Members);
        *target_index.entry(k).or_insert_with(|| {
            out.targets.push(Target { channel, locale, audience });
            (out.targets.len() - 1) as u32
        })
    };
    let group_locale = content.group.language;

    for meeting in agenda.meetings() {
        let mut targets: Vec<u32> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        let members = if meeting.reminders.members_channels { Audience::Members } else { Audience::Everyone };
        for ch in &meeting.reminders.channels {
            if seen.insert(ch) {
                targets.push(intern(&mut out, ch, group_locale, members));
            }
        }
        for sub in subscriptions.iter().filter(|s| s.meeting == meeting.slug || s.meeting == ALL) {
            if seen.insert(&sub.channel) {
                targets.push(intern(&mut out, &sub.channel, sub.locale, Audience::Everyone));
            }
        }
        if targets.is_empty() && !with_nowhere {
            continue;
        }
        let leads = &meeting.reminders.before;
        let longest = leads.iter().map(|l| lead_span(*l)).max().unwrap_or_default();
        let slug: Arc<str> = Arc::from(meeting.slug.as_str());
        for occ in occurrences_until(agenda, &meeting.slug, from, to + longest) {
            let mut subject = None;
            for lead in leads {
                let due = lead.before(occ.start, occ.zone);
                if due < from || due >= to {
                    continue;
                }
                let s = *subject.get_or_insert_with(|| {
                    out.subjects.push(Subject::Meeting { slug: Arc::clone(&slug), occurrence: occ.clone() });
                    (out.subjects.len() - 1) as u32
                });
                push_items(&mut out, due, s, *lead, &targets);
            }
        }
    }

    for campaign in &content.campaigns {
        let mut targets: Vec<u32> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for meeting in agenda.meetings().filter(|m| m.campaigns.contains(&campaign.slug)) {
            for ch in &meeting.reminders.channels {
                if seen.insert(ch) {
                    targets.push(intern(&mut out, ch, group_locale, Audience::Everyone));
                }
            }
        }
        for sub in subscriptions.iter().filter(|s| s.meeting == ALL) {
            if seen.insert(&sub.channel) {
                targets.push(intern(&mut out, &sub.channel, sub.locale, Audience::Everyone));
            }
        }
        if targets.is_empty() && !with_nowhere {
            continue;
        }
        for action in &campaign.actions {
            let Some(deadline) = action.deadline else { continue };
            let subject = Subject::Deadline {
                campaign: Arc::from(campaign.slug.as_str()),
                action: Arc::from(action.slug.as_str()),
                at: deadline.at,
            };
            let mut index = None;
            for lead in DEADLINE_LEADS {
                let due = lead.before(deadline.at, deadline.zone);
                if due < from || due >= to {
                    continue;
                }
                let s = *index.get_or_insert_with(|| {
                    out.subjects.push(subject.clone());
                    (out.subjects.len() - 1) as u32
                });
                push_items(&mut out, due, s, lead, &targets);
            }
        }
    }
    out.items.sort_by_key(|i| (i.due, i.subject, i.target));
    out
}

fn push_items(out: &mut Plan, due: DateTime<Utc>, subject: u32, lead: Lead, targets: &[u32]) {
    if targets.is_empty() {
        out.items.push(Item { due, subject, lead, target: NOWHERE });
    }
    for &target in targets {
        out.items.push(Item { due, subject, lead, target });
    }
}

/// An upper bound of how long before its event a lead time can fall (a day can be 25 hours).
fn lead_span(lead: Lead) -> Duration {
    Duration::days(i64::from(lead.days)) + Duration::hours(1) + Duration::minutes(i64::from(lead.minutes))
}

/// The meeting's occurrences (not cancelled) that end after `from` and start before `until`.
fn occurrences_until(agenda: &Agenda<'_>, slug: &str, from: DateTime<Utc>, until: DateTime<Utc>) -> Vec<Occurrence> {
    let mut limit = 16;
    loop {
        let found = agenda.upcoming(Which::Only(slug), from, limit, Cancelled::Skipped);
        let complete = found.len() < limit || found.last().is_some_and(|o| o.start >= until);
        if complete || limit >= 100_000 {
            return found.into_iter().filter(|o| o.start < until).collect();
        }
        limit *= 4;
    }
}

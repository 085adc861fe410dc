//! What is to be reminded, where and when: meetings' occurrences and campaigns' deadlines,
//! times their lead times, times the channels that get them.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::agenda::{Agenda, Cancelled, Which};
use crate::calendar::{Lead, Occurrence, Status};
use crate::chat::{Platform, direct_target};
use crate::content::{Audience, Content};
use crate::locale::Locale;
use crate::store::{ALL, Committed, Going, Offer, Recipient, Subscription};

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
    /// An organizer cancelled or moved an occurrence: told to the people going, once.
    Changed {
        /// The meeting's slug.
        slug: Arc<str>,
        /// The occurrence as it now stands (cancelled, or moved with where from).
        occurrence: Occurrence,
    },
    /// "Did you do it?" about one action, to the people signed up for it, once each.
    FollowUp {
        /// The campaign's slug.
        campaign: Arc<str>,
        /// The action's slug.
        action: Arc<str>,
        /// When it is asked (after the deadline, or a set time after a sign-up).
        due: DateTime<Utc>,
    },
    /// A place freed on a waitlist, offered to the first person waiting.
    Offer {
        /// The campaign's slug.
        campaign: Arc<str>,
        /// The action's slug.
        action: Arc<str>,
        /// When it was offered (with the person, the offer's identity).
        offered_at: DateTime<Utc>,
        /// Until when it may be accepted.
        expires_at: DateTime<Utc>,
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
    /// The moment after which a message is useless, and catch-up after downtime gives up on
    /// it: a meeting's start, a deadline, an offer's expiry, a follow-up's days of use.
    pub fn starts(&self) -> DateTime<Utc> {
        match self {
            Subject::FollowUp { due, .. } => *due + FOLLOW_UP_USEFUL,
            Subject::Offer { expires_at, .. } => *expires_at,
            Subject::Meeting { occurrence, .. } => occurrence.start,
            // Worth telling until the earlier of the old and the new start.
            Subject::Changed { occurrence, .. } => match occurrence.status {
                Status::Moved { from } => from.min(occurrence.start),
                _ => occurrence.start,
            },
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
            Subject::Changed { slug, occurrence } => match occurrence.status {
                Status::Moved { .. } => {
                    format!("moved:{slug}:{}:{}", occurrence.date, occurrence.start.format("%Y-%m-%dT%H:%MZ"))
                }
                _ => format!("cancelled:{slug}:{}", occurrence.date),
            },
            Subject::Deadline { campaign, action, at } => {
                format!("deadline:{campaign}:{action}:{}", at.format("%Y-%m-%dT%H:%MZ"))
            }
            // Asked once per person and action, whenever it falls due.
            Subject::FollowUp { campaign, action, .. } => format!("followup:{campaign}:{action}"),
            Subject::Offer { campaign, action, offered_at, .. } => {
                format!("offer:{campaign}:{action}:{}", offered_at.timestamp_millis())
            }
        }
    }

    /// The meeting's slug or `campaign/action`, for listings.
    pub fn name(&self) -> String {
        match self {
            Subject::Meeting { slug, occurrence } => format!("{slug} ({})", occurrence.date),
            Subject::Changed { slug, occurrence } => format!("{slug} ({}) changed", occurrence.date),
            Subject::Deadline { campaign, action, .. } => format!("{campaign}/{action} deadline"),
            Subject::FollowUp { campaign, action, .. } => format!("{campaign}/{action} follow-up"),
            Subject::Offer { campaign, action, .. } => format!("{campaign}/{action} place offered"),
        }
    }

    /// The meeting slug, if it is one.
    pub fn meeting(&self) -> Option<&str> {
        match self {
            Subject::Meeting { slug, .. } | Subject::Changed { slug, .. } => Some(slug),
            Subject::Deadline { .. } | Subject::FollowUp { .. } | Subject::Offer { .. } => None,
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

    /// The channel id within its platform (`@<user id>` for a person).
    pub fn local_id(&self) -> &str {
        self.channel.split_once(':').map_or(&self.channel, |(_, id)| id)
    }

    /// The person this target is, for personal messages: their id on the platform (Matrix
    /// ids keep their `@`); `None` for a channel.
    pub fn person(&self) -> Option<&str> {
        let id = self.local_id();
        if !id.starts_with('@') {
            return None;
        }
        Some(if self.platform() == Some(Platform::Matrix) { id } else { &id[1..] })
    }
}

/// How long "did you do it?" stays worth asking after its moment: catch-up after downtime
/// still asks within it, and records it missed after (inside the scheduler's week of
/// look-back, so the miss is on record).
pub const FOLLOW_UP_USEFUL: Duration = Duration::days(3);

/// The feature whose start [`People::asking_since`] reads: follow-ups.
pub const FOLLOW_UPS: &str = "follow_ups";

/// The people personal messages may go to, read from the store once per pass.
#[derive(Clone, Debug, Default)]
pub struct People {
    /// Who is going to which occurrence.
    pub going: Vec<Going>,
    /// Who signed up for which action (with a place).
    pub committed: Vec<Committed>,
    /// Places offered and not yet answered.
    pub offers: Vec<Offer>,
    /// Follow-ups due from this instant on are asked: when this database first ran them, so
    /// deploying them asks nobody about deadlines already past. `None`: none are asked.
    pub asking_since: Option<DateTime<Utc>>,
}

impl People {
    /// Everyone a personal message planned from `from` on may go to, as a listing sees them:
    /// nothing is written, and follow-ups count from when this database began them (from now,
    /// if it has not). RSVPs are read from a month before, for occurrences moved from their
    /// regular date to a later one.
    pub async fn load(store: &crate::store::Store, from: DateTime<Utc>) -> crate::store::Result<People> {
        let since = store.feature_started(FOLLOW_UPS).await?.unwrap_or_else(Utc::now);
        People::load_since(store, from, since).await
    }

    /// [`People::load`], with follow-ups asked from `asking_since` (the scheduler's record of
    /// when this database began them, read once per process).
    pub async fn load_since(
        store: &crate::store::Store,
        from: DateTime<Utc>,
        asking_since: DateTime<Utc>,
    ) -> crate::store::Result<People> {
        let since = (from - Duration::days(31)).date_naive();
        Ok(People {
            going: store.going_from(since).await?,
            committed: store.committed().await?,
            offers: store.open_offers().await?,
            asking_since: Some(asking_since),
        })
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

    /// The identity as logs show it: a personal message's person is not named (`…:discord:@`).
    pub fn logged(&self, item: &Item) -> String {
        match self.target(item) {
            Some(t) if t.person().is_some() => {
                let platform = t.platform().map_or("?", |p| p.as_str());
                format!("{}:{}:{platform}:@", self.subject(item).identity(), item.lead)
            }
            _ => self.identity(item),
        }
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

/// An occurrence as RSVPs name it: the meeting's slug and the regular date.
type Occ<'a> = (&'a str, chrono::NaiveDate);

/// Plans every reminder due in `[from, to)`. With `with_nowhere`, reminders that have no
/// channel are kept (for listings); the scheduler leaves them out.
pub fn plan(
    content: &Content,
    agenda: &Agenda<'_>,
    subscriptions: &[Subscription],
    people: &People,
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
    let person_target = |who: &Recipient| {
        let audience = if who.member { Audience::Members } else { Audience::Everyone };
        (direct_target(who.platform, &who.user_id), who.locale.unwrap_or(group_locale), audience)
    };
    let mut person = |out: &mut Plan, who: &Recipient| -> u32 {
        let (channel, locale, audience) = person_target(who);
        intern(out, &channel, locale, audience)
    };
    // Personal targets by occurrence: `reminded` get reminders, everyone going is `told` of
    // a change (made after they answered).
    let mut reminded: HashMap<Occ<'_>, Vec<u32>> = HashMap::new();
    let mut told: HashMap<Occ<'_>, Vec<(u32, DateTime<Utc>)>> = HashMap::new();
    for g in &people.going {
        let t = person(&mut out, &g.who);
        let at = (g.occurrence.meeting.as_str(), g.occurrence.date);
        if !g.who.reminders_off {
            reminded.entry(at).or_default().push(t);
        }
        told.entry(at).or_default().push((t, g.since));
    }
    let mut committed: HashMap<(&str, &str), Vec<u32>> = HashMap::new();
    for c in people.committed.iter().filter(|c| !c.who.reminders_off) {
        let t = person(&mut out, &c.who);
        committed.entry((c.campaign.as_str(), c.action.as_str())).or_default().push(t);
    }
    let personal_for = |slug: &str| reminded.keys().any(|(m, _)| *m == slug);

    for meeting in agenda.meetings() {
        let mut targets: Vec<u32> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        let members = if meeting.reminders.members_channels { Audience::Members } else { Audience::Everyone };
        for ch in &meeting.reminders.channels {
            if seen.insert(ch) {
                targets.push(intern(&mut out, ch, content.group.language_of(ch), members));
            }
        }
        for sub in subscriptions.iter().filter(|s| s.meeting == meeting.slug || s.meeting == ALL) {
            if seen.insert(&sub.channel) {
                targets.push(intern(&mut out, &sub.channel, sub.locale, Audience::Everyone));
            }
        }
        let personal = personal_for(&meeting.slug);
        if targets.is_empty() && !with_nowhere && !personal {
            continue;
        }
        let leads = &meeting.reminders.before;
        let personal_leads: &[Lead] = if personal { &meeting.reminders.personal_before } else { &[] };
        let longest = leads.iter().chain(personal_leads).map(|l| lead_span(*l)).max().unwrap_or_default();
        let slug: Arc<str> = Arc::from(meeting.slug.as_str());
        let channels = !targets.is_empty() || with_nowhere;
        for occ in occurrences_until(agenda, &meeting.slug, from, to + longest) {
            let mut subject = None;
            let people = reminded.get(&(meeting.slug.as_str(), occ.date)).map(Vec::as_slice).unwrap_or_default();
            let changed = agenda.changes.changed_at(&occ);
            let both = [
                (dues(leads, &occ, changed, Late::OneNotice), targets.as_slice(), channels),
                // People going who answered before a change are told of it (`Changed`).
                (dues(personal_leads, &occ, changed, Late::Dropped), people, !people.is_empty()),
            ];
            for (dues, to_whom, wanted) in both {
                for (lead, due) in dues.iter().filter(|_| wanted) {
                    let due = *due;
                    if due < from || due >= to {
                        continue;
                    }
                    let s = *subject.get_or_insert_with(|| {
                        out.subjects.push(Subject::Meeting { slug: Arc::clone(&slug), occurrence: occ.clone() });
                        (out.subjects.len() - 1) as u32
                    });
                    push_items(&mut out, due, s, *lead, to_whom);
                }
            }
        }
    }

    // Cancellations and moves made in chat, told at once to the people going.
    for (slug, change) in &agenda.changes.changes {
        let Some(made) = agenda.changes.made.get(&(slug.clone(), change.date)).copied() else { continue };
        if made < from || made >= to {
            continue;
        }
        let Some(list) = told.get(&(slug.as_str(), change.date)) else { continue };
        let Some(occurrence) = agenda.occurrence(slug, change.date) else { continue };
        if occurrence.status == Status::Scheduled {
            continue;
        }
        // Those who answered after the change knew of it.
        let to_whom: Vec<u32> = list.iter().filter(|(_, since)| *since < made).map(|(t, _)| *t).collect();
        if to_whom.is_empty() {
            continue;
        }
        out.subjects.push(Subject::Changed { slug: Arc::from(slug.as_str()), occurrence });
        let subject = (out.subjects.len() - 1) as u32;
        push_items(&mut out, made, subject, Lead::NONE, &to_whom);
    }

    for campaign in &content.campaigns {
        let mut targets: Vec<u32> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for meeting in agenda.meetings().filter(|m| m.campaigns.contains(&campaign.slug)) {
            for ch in &meeting.reminders.channels {
                if seen.insert(ch) {
                    targets.push(intern(&mut out, ch, content.group.language_of(ch), Audience::Everyone));
                }
            }
        }
        for sub in subscriptions.iter().filter(|s| s.meeting == ALL) {
            if seen.insert(&sub.channel) {
                targets.push(intern(&mut out, &sub.channel, sub.locale, Audience::Everyone));
            }
        }
        let channels = !targets.is_empty() || with_nowhere;
        for action in &campaign.actions {
            let Some(deadline) = action.deadline else { continue };
            let people = committed.get(&(campaign.slug.as_str(), action.slug.as_str())).map(Vec::as_slice);
            let people = people.unwrap_or_default();
            if !channels && people.is_empty() {
                continue;
            }
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
                if channels {
                    push_items(&mut out, due, s, lead, &targets);
                }
                if !people.is_empty() {
                    push_items(&mut out, due, s, lead, people);
                }
            }
        }
    }
    let mut person = |out: &mut Plan, who: &Recipient| -> u32 {
        let (channel, locale, audience) = person_target(who);
        intern(out, &channel, locale, audience)
    };
    follow_ups(&mut out, content, people, from, to, &mut person);
    for offer in &people.offers {
        if offer.offered_at < from || offer.offered_at >= to {
            continue;
        }
        let t = person(&mut out, &offer.who);
        out.subjects.push(Subject::Offer {
            campaign: Arc::from(offer.campaign.as_str()),
            action: Arc::from(offer.action.as_str()),
            offered_at: offer.offered_at,
            expires_at: offer.expires_at,
        });
        let subject = (out.subjects.len() - 1) as u32;
        push_items(&mut out, offer.offered_at, subject, Lead::NONE, &[t]);
    }
    out.items.sort_by_key(|i| (i.due, i.subject, i.target));
    out
}

/// "Did you do it?" to each person with a place on an action, once its time comes: after
/// the deadline, or a set time after their sign-up. Not to people who answered already or
/// turned personal messages off, and nothing due before follow-ups began on this database.
fn follow_ups(
    out: &mut Plan,
    content: &Content,
    people: &People,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    person: &mut impl FnMut(&mut Plan, &Recipient) -> u32,
) {
    let Some(since) = people.asking_since else { return };
    let mut subjects: HashMap<(&str, &str, DateTime<Utc>), u32> = HashMap::new();
    for c in people.committed.iter().filter(|c| !c.who.reminders_off && !c.answered) {
        let Some(action) = content.campaign(&c.campaign).and_then(|k| k.action(&c.action)) else { continue };
        let Some(due) = action.follow_up_at(c.since) else { continue };
        if due < since || due < from || due >= to {
            continue;
        }
        let t = person(out, &c.who);
        let subject = *subjects.entry((c.campaign.as_str(), c.action.as_str(), due)).or_insert_with(|| {
            out.subjects.push(Subject::FollowUp {
                campaign: Arc::from(c.campaign.as_str()),
                action: Arc::from(c.action.as_str()),
                due,
            });
            (out.subjects.len() - 1) as u32
        });
        push_items(out, due, subject, Lead::NONE, &[t]);
    }
}

/// What becomes of reminders whose moment had passed when an organizer changed their
/// occurrence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Late {
    /// The nearest of them is posted once, at the change, its words counted from when it is
    /// posted ("today at 6:00 PM"); the others are dropped.
    OneNotice,
    /// All are dropped (the person is told of the change otherwise).
    Dropped,
}

/// Each lead's due instant for `occ`. Leads whose moment had passed when an organizer moved
/// or added the occurrence (`changed`) were never on time, and are not posted as if they
/// were: see [`Late`].
fn dues(leads: &[Lead], occ: &Occurrence, changed: Option<DateTime<Utc>>, late: Late) -> Vec<(Lead, DateTime<Utc>)> {
    let all = leads.iter().map(|lead| (*lead, lead.before(occ.start, occ.zone)));
    let Some(made) = changed else { return all.collect() };
    let (passed, mut ahead): (Vec<_>, Vec<_>) = all.partition(|(_, due)| *due < made);
    if late == Late::OneNotice
        && made < occ.start
        && let Some((lead, _)) = passed.into_iter().max_by_key(|(_, due)| *due)
    {
        ahead.push((lead, made));
    }
    ahead
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

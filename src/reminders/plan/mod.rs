//! What is to be reminded, where and when: meetings' occurrences and campaigns' deadlines,
//! times their lead times, times the channels that get them.
//!
//! The types are here; `build` works the plan out.

mod build;

use std::sync::Arc;

use crate::group_id::GroupId;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::agenda::{Agenda, Cancelled, Which};
use crate::calendar::{Lead, Occurrence, Status};
use crate::chat::Platform;
use crate::content::{Audience, Content};
use crate::locale::Locale;
use crate::store::{Committed, Going, Offer, Subscription};

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
    /// Whose reminders these are: every identity starts with the group's prefix, so two
    /// groups' reminders for meetings of one name to a shared channel are two reminders.
    pub group: GroupId,
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
        format!("{}{}:{}:{channel}", self.group.identity_prefix(), self.subject(item).identity(), item.lead)
    }

    /// The identity as logs show it: a personal message's person is not named (`…:discord:@`).
    pub fn logged(&self, item: &Item) -> String {
        match self.target(item) {
            Some(t) if t.person().is_some() => {
                let platform = t.platform().map_or("?", |p| p.as_str());
                format!("{}{}:{}:{platform}:@", self.group.identity_prefix(), self.subject(item).identity(), item.lead)
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
    build::Planner::new(content, agenda, subscriptions, people, from..to, with_nowhere).plan()
}

/// What becomes of reminders whose moment had passed when an organizer changed their
/// occurrence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Late {
    /// The nearest of them is posted once, at the change, its words counted from when it is
    /// posted ("today at 6:00 PM"); the others are dropped.
    OneNotice,
    /// All are dropped (the person is told of the change otherwise).
    Dropped,
}

/// Each lead's due instant for `occ`. Leads whose moment had passed when an organizer moved
/// or added the occurrence (`changed`) were never on time, and are not posted as if they
/// were: see [`Late`].
pub(super) fn dues(
    leads: &[Lead],
    occ: &Occurrence,
    changed: Option<DateTime<Utc>>,
    late: Late,
) -> Vec<(Lead, DateTime<Utc>)> {
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

pub(super) fn push_items(out: &mut Plan, due: DateTime<Utc>, subject: u32, lead: Lead, targets: &[u32]) {
    if targets.is_empty() {
        out.items.push(Item { due, subject, lead, target: NOWHERE });
    }
    for &target in targets {
        out.items.push(Item { due, subject, lead, target });
    }
}

/// An upper bound of how long before its event a lead time can fall (a day can be 25 hours).
pub(super) fn lead_span(lead: Lead) -> Duration {
    Duration::days(i64::from(lead.days)) + Duration::hours(1) + Duration::minutes(i64::from(lead.minutes))
}

/// The meeting's occurrences (not cancelled) that end after `from` and start before `until`.
pub(super) fn occurrences_until(
    agenda: &Agenda<'_>,
    slug: &str,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Vec<Occurrence> {
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

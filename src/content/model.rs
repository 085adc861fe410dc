//! The content after validation (a group, or an organization and its groups): what the
//! engine answers from.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::text::Text;
use crate::calendar::{Change, Lead, Schedule};
use crate::group_id::GroupId;
use crate::locale::Locale;

/// Everything in `commands/`, checked and ready to answer from.
#[derive(Clone, Debug)]
pub struct Content {
    /// Who the group is.
    pub group: Group,
    /// Regular and one-off meetings, in file-name order.
    pub meetings: Vec<Meeting>,
    /// Campaigns, in file-name order.
    pub campaigns: Vec<Campaign>,
    /// Briefings, newest first.
    pub briefings: Vec<Briefing>,
}

impl Content {
    /// The meeting with this slug (case-insensitive).
    pub fn meeting(&self, slug: &str) -> Option<&Meeting> {
        self.meetings.iter().find(|m| m.slug.eq_ignore_ascii_case(slug))
    }

    /// The campaign with this slug (case-insensitive).
    pub fn campaign(&self, slug: &str) -> Option<&Campaign> {
        self.campaigns.iter().find(|c| c.slug.eq_ignore_ascii_case(slug))
    }

    /// The briefing with this slug (case-insensitive).
    pub fn briefing(&self, slug: &str) -> Option<&Briefing> {
        self.briefings.iter().find(|b| b.slug.eq_ignore_ascii_case(slug))
    }
}

/// The group itself: name, zone, language, and the prose members ask for.
#[derive(Clone, Debug)]
pub struct Group {
    /// Which group this is: the single group of a one-group folder, or the name of its
    /// folder in an organization's `groups/`.
    pub id: GroupId,
    /// Where the group lives on each platform, and who organizes it there (`[home]`).
    pub home: Home,
    /// Full name.
    pub name: Text,
    /// Short name for tight spaces (calendar names, reminder headers).
    pub short_name: String,
    /// The zone meetings default to and organizers' dates are read in.
    pub zone: Tz,
    /// The language plain (untranslated) texts are written in.
    pub language: Locale,
    /// The group's public page.
    pub website: Option<String>,
    /// Who to write to.
    pub contact: Option<Contact>,
    /// The mission, in Markdown.
    pub mission: Text,
    /// The group's history, in Markdown.
    pub history: Option<Text>,
    /// How to get involved, in Markdown.
    pub get_involved: Option<Text>,
    /// How long personal data is kept once it stops being useful.
    pub retention: Retention,
    /// Public counts below this say "a few" instead of the number, so that a small one
    /// names nobody (`public_floor` in `group.toml`, 3 unless set).
    pub public_floor: u32,
    /// Channels written to in another language than the group's (a Spanish mailing list).
    pub channel_languages: std::collections::HashMap<String, Locale>,
    /// Its public page, if it wants one (`[web]`).
    pub web: Web,
}

impl Group {
    /// The language posts to `channel` are written in.
    pub fn language_of(&self, channel: &str) -> Locale {
        self.channel_languages.get(channel).copied().unwrap_or(self.language)
    }
}

/// An organization of groups (`organization.toml` at the top of the content folder): who
/// it is, and where it lives itself. Its groups each have their own folder under `groups/`.
#[derive(Clone, Debug)]
pub struct Organization {
    /// Full name.
    pub name: Text,
    /// Short name for tight spaces.
    pub short_name: String,
    /// The language plain (untranslated) texts in `organization.toml` are written in.
    pub language: Locale,
    /// The organization's public page.
    pub website: Option<String>,
    /// The organization's own server or space, and who organizes the organization there.
    /// It may be the same server or room a group claims: the group's claim is about its own
    /// members, the organization's about the organization's organizers.
    pub home: Home,
    /// Its public page, listing its groups that have one (`[web]`).
    pub web: Web,
}

/// A public page's settings (`[web]` in `group.toml` or `organization.toml`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Web {
    /// Whether the page is served at all (off unless `public = true`).
    pub public: bool,
    /// How to join, in the order written: a chat invitation, a mailing list's sign-up page.
    pub join: Vec<JoinLink>,
}

/// One way to join shown on the public page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinLink {
    /// What it is ("Our Discord server", "Lista de acción").
    pub label: Text,
    /// Where it leads: `https://`, `http://` or `mailto:`.
    pub url: String,
}

/// Where a group (or the organization) lives on each platform: `[home]` in its file.
///
/// Nothing declared is a group that lives wherever the deployment's settings say (the one
/// group of a one-group folder, as before organizations).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Home {
    /// Discord servers, or channels and categories within a server, that are the group's.
    pub discord: Vec<DiscordPlace>,
    /// The Discord role (its name or id) that makes a member an organizer of this group.
    pub organizer_role: Option<String>,
    /// Matrix rooms (or a space) by id (`!abc:example.org`) or alias (`#name:example.org`).
    pub matrix: Vec<String>,
    /// The power level in a home room from which a member is an organizer of this group.
    pub organizer_power: Option<i64>,
}

impl Home {
    /// True when no place is declared on any platform (roles and power levels alone place
    /// the group nowhere).
    pub fn is_empty(&self) -> bool {
        self.discord.is_empty() && self.matrix.is_empty()
    }
}

/// A place on Discord that is a group's: a whole server, or a channel or category within it.
///
/// Two groups may not claim the same place, but one may claim a whole server while another
/// claims a channel or category within it: the more specific place wins, so a message in
/// that channel is the second group's and every other one in the server the first's. That
/// is how a small organization shares one server among its groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DiscordPlace {
    /// The server (guild) id.
    pub server: u64,
    /// A channel or category id in that server; `None` for the whole server.
    pub within: Option<u64>,
}

impl fmt::Display for DiscordPlace {
    /// As written in `[home]`: `server` or `server/channel`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.within {
            Some(within) => write!(f, "{}/{within}", self.server),
            None => write!(f, "{}", self.server),
        }
    }
}

/// The [`Group::public_floor`] when `group.toml` sets none.
pub const PUBLIC_FLOOR: u32 = 3;

/// How long the group keeps personal data once it stops being useful (`[retention]` in
/// `group.toml`). Unset, it is kept until people erase it themselves (`/forgetme`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Retention {
    /// Sign-ups are erased this long after their campaign's `ends`, or their action's
    /// `deadline`.
    pub signups_after: Option<chrono::Duration>,
    /// Answers to meetings (`going`) are erased this long after the meeting's date, and the
    /// record of personal messages this long after they were due; `signups_after` when unset.
    pub rsvps_after: Option<chrono::Duration>,
}

/// A person to contact.
#[derive(Clone, Debug)]
pub struct Contact {
    /// Their name.
    pub name: String,
    /// Their e-mail address.
    pub email: Option<String>,
}

/// A meeting: a regular schedule or a single date, a place, and its reminders.
#[derive(Clone, Debug)]
pub struct Meeting {
    /// Short name used in commands: `monthly`.
    pub slug: String,
    /// Title shown to members.
    pub title: Text,
    /// One or two sentences on what happens there.
    pub summary: Option<Text>,
    /// When it meets.
    pub schedule: Schedule,
    /// Changes to single dates written in the file (organizers' chat changes live in the
    /// database and are added at query time).
    pub changes: Vec<Change>,
    /// Where it meets.
    pub place: Place,
    /// When and where reminders go out.
    pub reminders: ReminderPlan,
    /// Campaigns whose sign-up counts reminders mention.
    pub campaigns: Vec<String>,
}

/// Where a meeting happens.
#[derive(Clone, Debug)]
pub struct Place {
    /// "Zoom", "Community Church of Boston".
    pub name: Text,
    /// A link to join or find it.
    pub link: Option<String>,
    /// Who may see the link.
    pub audience: Audience,
    /// What members should know (how to get the link, the room, accessibility).
    pub note: Option<Text>,
}

impl Place {
    /// The link, if it may be shown to this audience.
    pub fn link_for(&self, audience: Audience) -> Option<&str> {
        match (self.audience, audience) {
            (Audience::Everyone, _) | (Audience::Members, Audience::Members) => self.link.as_deref(),
            (Audience::Members, Audience::Everyone) => None,
        }
    }
}

/// Who may see something.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Anyone who can read the channel.
    Everyone,
    /// Only members (private replies to organizers, reminders in members' channels).
    Members,
}

/// When and where a meeting's reminders go.
#[derive(Clone, Debug)]
pub struct ReminderPlan {
    /// Lead times, longest first.
    pub before: Vec<Lead>,
    /// Lead times of the direct messages to each person going, longest first (one hour
    /// before by default).
    pub personal_before: Vec<Lead>,
    /// Channels and rooms that always get them: `discord:<channel id>`, `matrix:<room id>`.
    pub channels: Vec<String>,
    /// Whether those channels are members-only, so a members-only link may be posted there.
    pub members_channels: bool,
}

/// A campaign the group works on.
#[derive(Clone, Debug)]
pub struct Campaign {
    /// Short name used in commands: `jilamito`.
    pub slug: String,
    /// Title shown to members.
    pub title: Text,
    /// What it is about, in Markdown.
    pub summary: Text,
    /// Organizations the group works with on it.
    pub partners: Vec<String>,
    /// Where to read more.
    pub learn_more: Option<String>,
    /// What members can do.
    pub actions: Vec<Action>,
    /// When the campaign is over (the end of its `ends` day in the group's zone), if it says.
    pub ends: Option<chrono::DateTime<chrono::Utc>>,
    /// Whether a ✅ reaction on its message in a shared room signs people up (Matrix). Off
    /// unless the file says `public_reactions = true`: everyone in the room sees a reaction.
    pub public_reactions: bool,
}

impl Campaign {
    /// The call to action with this slug (case-insensitive).
    pub fn action(&self, slug: &str) -> Option<&Action> {
        self.actions.iter().find(|a| a.slug.eq_ignore_ascii_case(slug))
    }
}

/// One call to action within a campaign.
#[derive(Clone, Debug)]
pub struct Action {
    /// Short name used in `signup <campaign> <action>`.
    pub slug: String,
    /// What to do, in a few words.
    pub title: Text,
    /// How, in Markdown.
    pub description: Option<Text>,
    /// Where to do it.
    pub link: Option<String>,
    /// When it must be done by, if ever.
    pub deadline: Option<Deadline>,
    /// When to ask each person signed up whether they did it: this long after the deadline,
    /// or after their sign-up when there is none. `None` without a deadline: never asked.
    pub follow_up: Option<chrono::Duration>,
    /// How many places there are (a rally with shared rides); sign-ups beyond it wait.
    pub capacity: Option<u32>,
    /// How long a place offered to the next person waiting stays theirs to accept.
    pub offer_valid: chrono::Duration,
    /// The step the thank-you for "done" offers next.
    pub next: Option<NextStep>,
}

impl Action {
    /// When a person who signed up at `signed_up` is asked whether they did it, if ever:
    /// after the deadline (and `follow_up` more, when set), or `follow_up` after their sign-up.
    pub fn follow_up_at(&self, signed_up: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match (self.deadline, self.follow_up) {
            (Some(d), after) => Some((d.at + after.unwrap_or_default()).max(signed_up)),
            (None, Some(after)) => Some(signed_up + after),
            (None, None) => None,
        }
    }
}

/// How long an offered place stays open when the content does not say.
pub const OFFER_VALID: chrono::Duration = chrono::Duration::hours(24);

/// Another call to action, offered after one is done: in the same campaign or another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextStep {
    /// The campaign's slug.
    pub campaign: String,
    /// The action's slug.
    pub action: String,
}

/// A moment something must be done by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadline {
    /// The instant.
    pub at: DateTime<Utc>,
    /// The zone it was written in, to show it back.
    pub zone: Tz,
}

/// A situation briefing ("coyuntura").
#[derive(Clone, Debug)]
pub struct Briefing {
    /// Short name: `guatemala-2024-07`.
    pub slug: String,
    /// Title.
    pub title: Text,
    /// The date it describes the situation up to.
    pub date: NaiveDate,
    /// A short summary, in Markdown.
    pub summary: Text,
    /// The longer text, in Markdown.
    pub body: Option<Text>,
    /// Where to read or watch the full presentation.
    pub learn_more: Option<String>,
}

/// Which platforms the content itself gives homes on (a group's or the organization's
/// `[home]` table): the env's home settings are not needed for those.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Declared {
    /// Some Discord server, channel or category.
    pub discord: bool,
    /// Some Matrix room.
    pub matrix: bool,
}

/// The domain of a group's calendar event ids (`la-cwg.convoca`), from its short name: the
/// feed's, and the one a reminder's `.ics` uses, so both name an occurrence alike.
pub fn calendar_domain(short_name: &str) -> String {
    let slug: String =
        short_name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let slug = slug.trim_matches('-');
    format!("{}.convoca", if slug.is_empty() { "group" } else { slug })
}

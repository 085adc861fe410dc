//! Working a plan out: the people personal messages may go to, indexed once; then each
//! meeting's occurrences, the organizers' changes told to those going, each campaign's
//! deadlines, follow-ups and waitlist offers, every target interned once.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{
    DEADLINE_LEADS, Item, Late, People, Plan, Subject, Target, dues, lead_span, occurrences_until, push_items,
};
use crate::agenda::Agenda;
use crate::calendar::{Lead, Status};
use crate::chat::direct_target;
use crate::content::{Audience, Campaign, Content, Meeting};
use crate::locale::Locale;
use crate::store::{ALL, Recipient, Subscription};

/// An occurrence as RSVPs name it: the meeting's slug and the regular date.
type Occ<'a> = (&'a str, chrono::NaiveDate);

/// One plan being worked out.
pub(super) struct Planner<'a> {
    content: &'a Content,
    agenda: &'a Agenda<'a>,
    subscriptions: &'a [Subscription],
    people: &'a People,
    window: Range<DateTime<Utc>>,
    with_nowhere: bool,
    out: Plan,
    /// Each target's index in `out.targets`, so a thousand items share one.
    index: HashMap<(Arc<str>, Locale, bool), u32>,
    /// Personal targets by occurrence: these get its reminders.
    reminded: HashMap<Occ<'a>, Vec<u32>>,
    /// Everyone going, by occurrence, with when they answered: told of a change made after.
    told: HashMap<Occ<'a>, Vec<(u32, DateTime<Utc>)>>,
    /// Personal targets by (campaign, action): they get its deadline reminders.
    committed: HashMap<(&'a str, &'a str), Vec<u32>>,
}

impl<'a> Planner<'a> {
    pub(super) fn new(
        content: &'a Content,
        agenda: &'a Agenda<'a>,
        subscriptions: &'a [Subscription],
        people: &'a People,
        window: Range<DateTime<Utc>>,
        with_nowhere: bool,
    ) -> Planner<'a> {
        Planner {
            content,
            agenda,
            subscriptions,
            people,
            window,
            with_nowhere,
            out: Plan { group: content.group.id.clone(), ..Plan::default() },
            index: HashMap::new(),
            reminded: HashMap::new(),
            told: HashMap::new(),
            committed: HashMap::new(),
        }
    }

    /// The whole plan, sorted by due instant.
    pub(super) fn plan(mut self) -> Plan {
        self.index_people();
        let (agenda, content) = (self.agenda, self.content);
        for meeting in agenda.meetings() {
            self.meeting(meeting);
        }
        self.changes_told();
        for campaign in &content.campaigns {
            self.deadlines(campaign);
        }
        self.follow_ups();
        self.offers();
        self.out.items.sort_by_key(|i: &Item| (i.due, i.subject, i.target));
        self.out
    }

    fn within(&self, t: DateTime<Utc>) -> bool {
        self.window.contains(&t)
    }

    /// The target's index, added the first time it is seen.
    fn intern(&mut self, channel: &str, locale: Locale, audience: Audience) -> u32 {
        let channel: Arc<str> = Arc::from(channel);
        let out = &mut self.out;
        let k = (Arc::clone(&channel), locale, audience == Audience::Members);
        *self.index.entry(k).or_insert_with(|| {
            out.targets.push(Target { channel, locale, audience });
            (out.targets.len() - 1) as u32
        })
    }

    /// A person's direct target, in the language they last used.
    fn person(&mut self, who: &Recipient) -> u32 {
        let audience = if who.member { Audience::Members } else { Audience::Everyone };
        let locale = who.locale.unwrap_or(self.content.group.language);
        self.intern(&direct_target(who.platform, &who.user_id), locale, audience)
    }

    /// A subject's index, adding it.
    fn subject(&mut self, subject: Subject) -> u32 {
        self.out.subjects.push(subject);
        (self.out.subjects.len() - 1) as u32
    }

    /// Everyone going and everyone signed up, as targets, once.
    fn index_people(&mut self) {
        let people = self.people;
        for g in &people.going {
            let t = self.person(&g.who);
            let at = (g.occurrence.meeting.as_str(), g.occurrence.date);
            if !g.who.reminders_off {
                self.reminded.entry(at).or_default().push(t);
            }
            self.told.entry(at).or_default().push((t, g.since));
        }
        for c in people.committed.iter().filter(|c| !c.who.reminders_off) {
            let t = self.person(&c.who);
            self.committed.entry((c.campaign.as_str(), c.action.as_str())).or_default().push(t);
        }
    }

    /// The channels a meeting's reminders go to: its own, then subscriptions to it or to all.
    fn meeting_channels(&mut self, meeting: &'a Meeting) -> Vec<u32> {
        let mut targets = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        let members = if meeting.reminders.members_channels { Audience::Members } else { Audience::Everyone };
        for ch in &meeting.reminders.channels {
            if seen.insert(ch) {
                let locale = self.content.group.language_of(ch);
                targets.push(self.intern(ch, locale, members));
            }
        }
        let subscriptions = self.subscriptions;
        for sub in subscriptions.iter().filter(|s| s.meeting == meeting.slug || s.meeting == ALL) {
            if seen.insert(&sub.channel) {
                targets.push(self.intern(&sub.channel, sub.locale, Audience::Everyone));
            }
        }
        targets
    }

    /// One meeting's reminders, to its channels and to each person going.
    fn meeting(&mut self, meeting: &'a Meeting) {
        let targets = self.meeting_channels(meeting);
        let personal = self.reminded.keys().any(|(m, _)| *m == meeting.slug);
        if targets.is_empty() && !self.with_nowhere && !personal {
            return;
        }
        let leads = &meeting.reminders.before;
        let personal_leads: &[Lead] = if personal { &meeting.reminders.personal_before } else { &[] };
        let longest = leads.iter().chain(personal_leads).map(|l| lead_span(*l)).max().unwrap_or_default();
        let slug: Arc<str> = Arc::from(meeting.slug.as_str());
        let channels = !targets.is_empty() || self.with_nowhere;
        let until = self.window.end + longest;
        for occ in occurrences_until(self.agenda, &meeting.slug, self.window.start, until) {
            let mut subject = None;
            let people = self.reminded.get(&(meeting.slug.as_str(), occ.date)).cloned().unwrap_or_default();
            let changed = self.agenda.changes.changed_at(&occ);
            let both = [
                (dues(leads, &occ, changed, Late::OneNotice), targets.as_slice(), channels),
                // People going who answered before a change are told of it (`Changed`).
                (dues(personal_leads, &occ, changed, Late::Dropped), people.as_slice(), !people.is_empty()),
            ];
            for (dues, to_whom, wanted) in both {
                for (lead, due) in dues.into_iter().filter(|_| wanted) {
                    if !self.within(due) {
                        continue;
                    }
                    let s = match subject {
                        Some(s) => s,
                        None => *subject.insert(
                            self.subject(Subject::Meeting { slug: Arc::clone(&slug), occurrence: occ.clone() }),
                        ),
                    };
                    push_items(&mut self.out, due, s, lead, to_whom);
                }
            }
        }
    }

    /// Cancellations and moves made in chat, told at once to the people going who answered
    /// before (those who answered after knew of it).
    fn changes_told(&mut self) {
        let agenda = self.agenda;
        for (slug, change) in &agenda.changes.changes {
            let Some(made) = agenda.changes.made.get(&(slug.clone(), change.date)).copied() else { continue };
            if !self.within(made) {
                continue;
            }
            let Some(list) = self.told.get(&(slug.as_str(), change.date)) else { continue };
            let to_whom: Vec<u32> = list.iter().filter(|(_, since)| *since < made).map(|(t, _)| *t).collect();
            let Some(occurrence) = agenda.occurrence(slug, change.date) else { continue };
            if occurrence.status == Status::Scheduled || to_whom.is_empty() {
                continue;
            }
            let subject = self.subject(Subject::Changed { slug: Arc::from(slug.as_str()), occurrence });
            push_items(&mut self.out, made, subject, Lead::NONE, &to_whom);
        }
    }

    /// The channels a campaign's deadline reminders go to: those of the meetings about it,
    /// then subscriptions to all.
    fn campaign_channels(&mut self, campaign: &'a Campaign) -> Vec<u32> {
        let mut targets = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        let agenda = self.agenda;
        for meeting in agenda.meetings().filter(|m| m.campaigns.contains(&campaign.slug)) {
            for ch in &meeting.reminders.channels {
                if seen.insert(ch) {
                    let locale = self.content.group.language_of(ch);
                    targets.push(self.intern(ch, locale, Audience::Everyone));
                }
            }
        }
        let subscriptions = self.subscriptions;
        for sub in subscriptions.iter().filter(|s| s.meeting == ALL) {
            if seen.insert(&sub.channel) {
                targets.push(self.intern(&sub.channel, sub.locale, Audience::Everyone));
            }
        }
        targets
    }

    /// Each action's deadline reminders, to the channels and to each person signed up.
    fn deadlines(&mut self, campaign: &'a Campaign) {
        let targets = self.campaign_channels(campaign);
        let channels = !targets.is_empty() || self.with_nowhere;
        for action in &campaign.actions {
            let Some(deadline) = action.deadline else { continue };
            let key = (campaign.slug.as_str(), action.slug.as_str());
            let people = self.committed.get(&key).cloned().unwrap_or_default();
            if !channels && people.is_empty() {
                continue;
            }
            let mut index = None;
            for lead in DEADLINE_LEADS {
                let due = lead.before(deadline.at, deadline.zone);
                if !self.within(due) {
                    continue;
                }
                let s = match index {
                    Some(s) => s,
                    None => *index.insert(self.subject(Subject::Deadline {
                        campaign: Arc::from(campaign.slug.as_str()),
                        action: Arc::from(action.slug.as_str()),
                        at: deadline.at,
                    })),
                };
                if channels {
                    push_items(&mut self.out, due, s, lead, &targets);
                }
                if !people.is_empty() {
                    push_items(&mut self.out, due, s, lead, &people);
                }
            }
        }
    }

    /// "Did you do it?" to each person with a place on an action, once its time comes: after
    /// the deadline, or a set time after their sign-up. Not to people who answered already or
    /// turned personal messages off, and nothing due before follow-ups began on this database.
    fn follow_ups(&mut self) {
        let Some(since) = self.people.asking_since else { return };
        let (people, content) = (self.people, self.content);
        let mut subjects: HashMap<(&str, &str, DateTime<Utc>), u32> = HashMap::new();
        for c in people.committed.iter().filter(|c| !c.who.reminders_off && !c.answered) {
            let Some(action) = content.campaign(&c.campaign).and_then(|k| k.action(&c.action)) else { continue };
            let Some(due) = action.follow_up_at(c.since) else { continue };
            if due < since || !self.within(due) {
                continue;
            }
            let t = self.person(&c.who);
            let key = (c.campaign.as_str(), c.action.as_str(), due);
            let subject = match subjects.get(&key) {
                Some(s) => *s,
                None => {
                    let s = self.subject(Subject::FollowUp {
                        campaign: Arc::from(c.campaign.as_str()),
                        action: Arc::from(c.action.as_str()),
                        due,
                    });
                    *subjects.entry(key).or_insert(s)
                }
            };
            push_items(&mut self.out, due, subject, Lead::NONE, &[t]);
        }
    }

    /// A place freed on a waitlist, offered to the first person waiting.
    fn offers(&mut self) {
        let people = self.people;
        for offer in &people.offers {
            if !self.within(offer.offered_at) {
                continue;
            }
            let t = self.person(&offer.who);
            let subject = self.subject(Subject::Offer {
                campaign: Arc::from(offer.campaign.as_str()),
                action: Arc::from(offer.action.as_str()),
                offered_at: offer.offered_at,
                expires_at: offer.expires_at,
            });
            push_items(&mut self.out, offer.offered_at, subject, Lead::NONE, &[t]);
        }
    }
}

//! What a public page shows, worked out from the content, the organizers' calendar changes
//! and the sign-up counts: the same sources chat answers from, so the page is never behind
//! the bot. Pure data; the templates in `templates/web/` lay it out, [`super::json`] serves
//! it as JSON.

use chrono::{DateTime, Utc};

use super::address::Address;
use super::calendar_links::{self, CalendarLinks};
use super::chart::{self, PublicCount, Row};
use super::words::{Words, words};
use crate::agenda::{Agenda, Cancelled, Which};
use crate::calendar::{Occurrence, Status, format};
use crate::content::{Campaign, Content};
use crate::engine::answers::campaign::places;
use crate::engine::html::markdown;
use crate::engine::texts::{self, fill};
use crate::locale::Locale;
use crate::store::Count;

/// How many upcoming dates a page lists (cancelled ones among them, said as such).
const MEETINGS_SHOWN: usize = 6;

/// One group's public page.
pub struct GroupPage {
    /// The page's language.
    pub lang: Locale,
    /// The words around the content, in that language.
    pub words: &'static Words,
    /// The group's full name.
    pub name: String,
    /// Its mission, as HTML made from the content's Markdown.
    pub mission_html: String,
    /// How to get involved, as HTML.
    pub get_involved_html: Option<String>,
    /// The group's own website.
    pub website: Option<String>,
    /// Who to write to: name and address.
    pub contact: Option<(String, Option<String>)>,
    /// The next dates of every meeting, in time order.
    pub meetings: Vec<MeetingView>,
    /// Campaigns that have not ended.
    pub campaigns: Vec<CampaignView>,
    /// The newest briefing.
    pub briefing: Option<BriefingView>,
    /// How to join.
    pub join: Vec<(String, String)>,
    /// Where this page and its siblings are.
    pub address: Address,
    /// When the page was made.
    pub now: DateTime<Utc>,
    /// The group's zone, for saying when.
    pub zone: chrono_tz::Tz,
    /// The organization the group is part of, when it has a page: its name and address.
    pub organization: Option<(String, String)>,
}

/// One date of a meeting.
pub struct MeetingView {
    /// The meeting's short name.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// When, in the meeting's zone: "Monday, December 7, 2026, 5:00–6:30 PM EST".
    pub when: String,
    /// When it starts, for machines.
    pub start: DateTime<Utc>,
    /// When it ends.
    pub end: DateTime<Utc>,
    /// The meeting's zone.
    pub zone: String,
    /// Where, in words; the members-only link never appears on a public page.
    pub place: Option<String>,
    /// Scheduled, moved or cancelled.
    pub status: &'static str,
    /// "Moved from …", or what members should know about the place.
    pub note: Option<String>,
    /// Where to add it to a calendar; none for a cancelled date.
    pub calendar: Option<CalendarLinks>,
}

/// One campaign.
pub struct CampaignView {
    /// Its short name.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// What it is about, as HTML.
    pub summary_html: String,
    /// Where to read more.
    pub learn_more: Option<String>,
    /// "Until December 15, 2026" when it ends.
    pub ends: Option<String>,
    /// When it ends, for machines.
    pub ends_at: Option<DateTime<Utc>>,
    /// Its calls to action.
    pub actions: Vec<ActionView>,
    /// The progress chart (inline SVG), when it has actions.
    pub chart_svg: String,
}

/// One call to action.
pub struct ActionView {
    /// Its short name.
    pub slug: String,
    /// What to do.
    pub title: String,
    /// How, as HTML.
    pub description_html: Option<String>,
    /// Where to do it.
    pub link: Option<String>,
    /// "By Tuesday, December 15, 2026, 5:00 PM EST", while it is ahead.
    pub deadline: Option<String>,
    /// The deadline, for machines (past ones too).
    pub deadline_at: Option<DateTime<Utc>>,
    /// People signed up, as the public may see it.
    pub signed_up: PublicCount,
    /// Of those, people who did it.
    pub done: PublicCount,
    /// For an action with places: "3 of 3 places", "full", "places left".
    pub places: Option<String>,
}

/// The newest briefing.
pub struct BriefingView {
    /// Its title.
    pub title: String,
    /// The date it describes the situation up to.
    pub date: String,
    /// Its summary, as HTML.
    pub summary_html: String,
    /// Where to read or watch it all.
    pub learn_more: Option<String>,
}

impl GroupPage {
    /// The page of `content`'s group in `lang`, at `now`. `counts` are each campaign's
    /// sign-up counts (a campaign missing from it shows no numbers).
    pub fn new(
        content: &Content,
        agenda: &Agenda<'_>,
        counts: &[(String, std::sync::Arc<Vec<Count>>)],
        address: Address,
        lang: Locale,
        now: DateTime<Utc>,
    ) -> GroupPage {
        let g = &content.group;
        let w = words(lang);
        GroupPage {
            lang,
            words: w,
            name: g.name.get(lang).to_string(),
            mission_html: markdown(g.mission.get(lang)),
            get_involved_html: g.get_involved.as_ref().map(|t| markdown(t.get(lang))),
            website: g.website.clone(),
            contact: g.contact.as_ref().map(|c| (c.name.clone(), c.email.clone())),
            meetings: meetings(agenda, &address, lang, now),
            campaigns: content
                .campaigns
                .iter()
                .filter(|c| c.ends.is_none_or(|ends| ends > now))
                .map(|c| campaign(c, counts, g.public_floor, g.zone, lang, now))
                .collect(),
            briefing: content.briefings.first().map(|b| BriefingView {
                title: b.title.get(lang).to_string(),
                date: format::date(b.date, lang),
                summary_html: markdown(b.summary.get(lang)),
                learn_more: b.learn_more.clone(),
            }),
            join: g.web.join.iter().map(|j| (j.label.get(lang).to_string(), j.url.clone())).collect(),
            address,
            now,
            zone: g.zone,
            organization: None,
        }
    }
}

fn meetings(agenda: &Agenda<'_>, address: &Address, lang: Locale, now: DateTime<Utc>) -> Vec<MeetingView> {
    agenda
        .upcoming(Which::All, now, MEETINGS_SHOWN, Cancelled::Kept)
        .iter()
        .filter_map(|occ| Some(meeting(agenda.meeting(&occ.meeting)?, occ, address, lang)))
        .collect()
}

fn meeting(m: &crate::content::Meeting, occ: &Occurrence, address: &Address, lang: Locale) -> MeetingView {
    let title = m.title.get(lang).to_string();
    let place = Some(m.place.name.get(lang).to_string()).filter(|p| !p.is_empty());
    let (status, note) = match occ.status {
        Status::Scheduled => ("scheduled", m.place.note.as_ref().map(|n| n.get(lang).to_string())),
        Status::Moved { from } => {
            ("moved", Some(fill(texts::moved_from(lang), &[("date", &format::instant(from, occ.zone, lang))])))
        }
        Status::Cancelled => ("cancelled", None),
    };
    let calendar = (!occ.is_cancelled()).then(|| {
        let event = calendar_links::Event {
            title: &title,
            place: place.as_deref().unwrap_or(""),
            start: occ.start,
            end: occ.end,
            zone: occ.zone.name(),
        };
        calendar_links::links(&event, address.ics(&m.slug, lang))
    });
    MeetingView {
        slug: m.slug.clone(),
        when: format::span(occ.start, occ.end, occ.zone, lang),
        start: occ.start,
        end: occ.end,
        zone: occ.zone.name().to_string(),
        title,
        place,
        status,
        note,
        calendar,
    }
}

fn campaign(
    c: &Campaign,
    counts: &[(String, std::sync::Arc<Vec<Count>>)],
    floor: u32,
    zone: chrono_tz::Tz,
    lang: Locale,
    now: DateTime<Utc>,
) -> CampaignView {
    let w = words(lang);
    let counts = counts.iter().find(|(slug, _)| *slug == c.slug).map(|(_, counts)| counts.as_slice()).unwrap_or(&[]);
    let count_of = |action: &str| counts.iter().find(|n| n.action == action);
    let actions: Vec<ActionView> = c
        .actions
        .iter()
        .map(|a| {
            let n = count_of(&a.slug);
            let signed_up = PublicCount::of(n.map_or(0, |n| n.people), floor);
            ActionView {
                slug: a.slug.clone(),
                title: a.title.get(lang).to_string(),
                description_html: a.description.as_ref().map(|d| markdown(d.get(lang))),
                link: a.link.clone(),
                deadline: a
                    .deadline
                    .as_ref()
                    .filter(|d| d.at > now)
                    .map(|d| format!("{} {}", w.deadline, format::instant(d.at, d.zone, lang))),
                deadline_at: a.deadline.as_ref().map(|d| d.at),
                signed_up,
                done: PublicCount::of_those(n.map_or(0, |n| n.done), signed_up, floor),
                places: a.capacity.map(|capacity| places(n.map_or(0, |n| n.people), capacity, floor, lang)),
            }
        })
        .collect();
    let rows: Vec<Row> =
        actions.iter().map(|a| Row { label: a.title.clone(), signed_up: a.signed_up, done: a.done }).collect();
    let title = c.title.get(lang).to_string();
    let chart_title = format!("{}: {title}", w.progress);
    let chart_words = chart::Words { title: &chart_title, signed_up: w.signed_up, done: w.done, a_few: w.a_few };
    CampaignView {
        slug: c.slug.clone(),
        summary_html: markdown(c.summary.get(lang)),
        learn_more: c.learn_more.clone(),
        // `ends` is the end of the last day: the day itself is a second before.
        ends: c.ends.map(|e| {
            let last_day = (e - chrono::Duration::seconds(1)).with_timezone(&zone).date_naive();
            format!("{} {}", w.until, format::date(last_day, lang))
        }),
        ends_at: c.ends,
        // Nothing to chart before anyone signs up: the page says what to do, not a row of zeros.
        chart_svg: if rows.iter().all(|r| r.signed_up == PublicCount::Exact(0)) {
            String::new()
        } else {
            chart::svg(&c.slug, &rows, &chart_words)
        },
        actions,
        title,
    }
}

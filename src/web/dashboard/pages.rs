//! The dashboard's pages, made from one group's records for one of its organizers: the
//! overview, a campaign, a meeting. Read-only.

use askama::Template;
use chrono::{DateTime, Duration, Utc};

use super::chart::{Series, lines};
use super::view::{Attendance, Pattern, States, attendance, chart_instants};
use super::words::{Words, words};
use crate::agenda::{Agenda, Cancelled, Which};
use crate::calendar::format;
use crate::engine::Engine;
use crate::locale::Locale;
use crate::store::{OccurrenceRef, Outcome, StoreError};

const CSS: &str = include_str!("../../../templates/web/style.css");
/// How far back a meeting's page looks.
const PAST: Duration = Duration::days(183);
/// Roster lines a campaign's page shows at a time; the CSV has them all.
pub const ROSTER_PAGE: i64 = 100;

/// One campaign on the overview.
pub struct CampaignLine {
    /// Its short name.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Where its sign-ups stand.
    pub now: States,
}

/// One meeting on the overview.
pub struct MeetingLine {
    /// Its short name.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Its next date in words, and how many said they are going.
    pub next: Option<(String, i64)>,
}

#[derive(Template)]
#[template(path = "web/dashboard/index.html")]
struct IndexHtml<'a> {
    lang: &'static str,
    w: &'static Words,
    group: &'a str,
    base: &'a str,
    campaigns: &'a [CampaignLine],
    meetings: &'a [MeetingLine],
    css: &'static str,
}

/// The overview: every campaign's numbers, every meeting's next date.
pub async fn index(engine: &Engine, base: &str, lang: Locale, now: DateTime<Utc>) -> Result<String, StoreError> {
    let content = engine.content().current();
    let store = engine.store();
    let mut campaigns = Vec::new();
    for c in &content.campaigns {
        let history = store.signup_history(&c.slug).await?;
        campaigns.push(CampaignLine {
            slug: c.slug.clone(),
            title: c.title.get(lang).into(),
            now: States::at(&history, now),
        });
    }
    let changes = engine.calendar_changes().await?;
    let agenda = Agenda::new(&content, &changes);
    let mut meetings = Vec::new();
    for m in agenda.meetings() {
        let next = match agenda.upcoming(Which::Only(&m.slug), now, 1, Cancelled::Skipped).pop() {
            Some(o) => {
                let (going, _) = store.rsvp_counts(&OccurrenceRef { meeting: m.slug.clone(), date: o.date }).await?;
                Some((format::span(o.start, o.end, o.zone, lang), going))
            }
            None => None,
        };
        meetings.push(MeetingLine { slug: m.slug.clone(), title: m.title.get(lang).into(), next });
    }
    let group = content.group.name.get(lang);
    let html = IndexHtml {
        lang: lang.tag(),
        w: words(lang),
        group,
        base,
        campaigns: &campaigns,
        meetings: &meetings,
        css: CSS,
    };
    Ok(html.render().unwrap_or_default())
}

/// One person on a campaign's roster.
pub struct RosterLine {
    /// Their name.
    pub name: String,
    /// Where they signed up from.
    pub platform: String,
    /// The action's title.
    pub action: String,
    /// When, in the group's zone.
    pub when: String,
    /// What they said they did, in words; empty when nothing.
    pub said: &'static str,
    /// Whether they wait for a place.
    pub waitlisted: bool,
}

#[derive(Template)]
#[template(path = "web/dashboard/campaign.html")]
struct CampaignHtml<'a> {
    lang: &'static str,
    w: &'static Words,
    group: &'a str,
    base: &'a str,
    slug: &'a str,
    title: &'a str,
    actions: &'a [(String, States)],
    total: States,
    chart: &'a str,
    timeline: &'a [(String, States)],
    roster: &'a [RosterLine],
    /// Which lines of how many, and the pages before and after (1-based), if any.
    shown: (i64, i64, i64),
    pages: (Option<i64>, Option<i64>),
    css: &'static str,
}

/// A campaign: each action's numbers now, all of them week by week, and who signed up
/// (`page` of the roster, from 1). `None` for a campaign the group does not have.
pub async fn campaign(
    engine: &Engine,
    base: &str,
    slug: &str,
    page: i64,
    lang: Locale,
    now: DateTime<Utc>,
) -> Result<Option<String>, StoreError> {
    let content = engine.content().current();
    let Some(c) = content.campaign(slug) else { return Ok(None) };
    let w = words(lang);
    let zone = content.group.zone;
    let store = engine.store();
    let history = store.signup_history(&c.slug).await?;
    let title_of =
        |action: &str| c.action(action).map_or_else(|| action.to_string(), |a| a.title.get(lang).to_string());
    let mut actions: Vec<(String, States)> = c
        .actions
        .iter()
        .map(|a| (a.title.get(lang).to_string(), States::at(history.iter().filter(|h| h.action == a.slug), now)))
        .collect();
    if history.iter().any(|h| h.action.is_empty()) {
        actions.push((w.in_general.to_string(), States::at(history.iter().filter(|h| h.action.is_empty()), now)));
    }
    let instants = chart_instants(&history, now);
    let label = |t: DateTime<Utc>| format::short_date(t.with_timezone(&zone).date_naive(), lang);
    let timeline: Vec<(String, States)> = instants.iter().map(|t| (label(*t), States::at(&history, *t))).collect();
    let labels: Vec<String> = timeline.iter().map(|(l, _)| l.clone()).collect();
    let series = [
        Series { name: w.signed_up, colour: "#1d4f91", values: timeline.iter().map(|(_, s)| s.signed_up).collect() },
        Series { name: w.done, colour: "#1b6e3a", values: timeline.iter().map(|(_, s)| s.done).collect() },
        Series { name: w.waitlisted, colour: "#8a4b00", values: timeline.iter().map(|(_, s)| s.waitlisted).collect() },
    ];
    let total = States::at(&history, now);
    let desc = format!(
        "{}: {} {}, {} {}, {} {}.",
        labels.last().cloned().unwrap_or_default(),
        total.signed_up,
        w.signed_up,
        total.done,
        w.done,
        total.waitlisted,
        w.waitlisted
    );
    let chart = lines(&format!("progress-{}", c.slug), &labels, &series, w.over_time, &desc);
    // Any number in the address is a page: past the last, the last (never arithmetic that
    // overflows, never a negative offset).
    let offset = |page: i64| (page - 1).saturating_mul(ROSTER_PAGE);
    let mut page = page.max(1);
    let (mut lines, listed) = store.roster_page(&c.slug, offset(page), ROSTER_PAGE).await?;
    let last = ((listed + ROSTER_PAGE - 1) / ROSTER_PAGE).max(1);
    if page > last {
        page = last;
        lines = store.roster_page(&c.slug, offset(page), ROSTER_PAGE).await?.0;
    }
    let first = ((page - 1) * ROSTER_PAGE + 1).min(listed);
    let shown = (first, (first + lines.len() as i64 - 1).max(0), listed);
    let pages = ((page > 1).then_some(page - 1), (page * ROSTER_PAGE < listed).then_some(page + 1));
    let roster: Vec<RosterLine> = lines
        .into_iter()
        .map(|e| RosterLine {
            said: match e.outcome {
                Some(Outcome::Done) => w.done,
                Some(Outcome::NotYet) => w.not_yet,
                Some(Outcome::Couldnt) => w.couldnt,
                None => "",
            },
            action: title_of(&e.action),
            when: format!(
                "{}, {}",
                format::short_date(e.at.with_timezone(&zone).date_naive(), lang),
                format::time_of_day(e.at, zone, lang)
            ),
            name: e.name,
            platform: e.platform,
            waitlisted: e.waitlisted,
        })
        .collect();
    let html = CampaignHtml {
        lang: lang.tag(),
        w,
        group: content.group.name.get(lang),
        base,
        slug: &c.slug,
        title: c.title.get(lang),
        actions: &actions,
        total,
        chart: &chart,
        timeline: &timeline,
        roster: &roster,
        shown,
        pages,
        css: CSS,
    };
    Ok(Some(html.render().unwrap_or_default()))
}

/// One person who answered for the next date.
pub struct AttendeeLine {
    /// Their name.
    pub name: String,
    /// Where they answered from.
    pub platform: String,
    /// Going or not.
    pub going: bool,
}

#[derive(Template)]
#[template(path = "web/dashboard/meeting.html")]
struct MeetingHtml<'a> {
    lang: &'static str,
    w: &'static Words,
    group: &'a str,
    base: &'a str,
    slug: &'a str,
    title: &'a str,
    dates: &'a [(String, usize)],
    rows: &'a [(Attendance, &'static str)],
    next: Option<(String, String, Vec<AttendeeLine>)>,
    css: &'static str,
}

/// A meeting: who answered for each date of the past six months, and for the next one.
/// `None` for a meeting the group does not have.
pub async fn meeting(
    engine: &Engine,
    base: &str,
    slug: &str,
    lang: Locale,
    now: DateTime<Utc>,
) -> Result<Option<String>, StoreError> {
    let content = engine.content().current();
    let changes = engine.calendar_changes().await?;
    let agenda = Agenda::new(&content, &changes);
    let Some(m) = agenda.meeting(slug) else { return Ok(None) };
    let w = words(lang);
    let store = engine.store();
    let past: Vec<_> = agenda
        .upcoming(Which::Only(&m.slug), now - PAST, 64, Cancelled::Skipped)
        .into_iter()
        .filter(|o| o.start < now)
        .collect();
    let dates: Vec<chrono::NaiveDate> = past.iter().map(|o| o.date).collect();
    let answers = match (dates.first(), dates.last()) {
        (Some(from), Some(to)) => store.answers_between(&m.slug, *from, *to).await?,
        _ => Vec::new(),
    };
    let mut going_next = Vec::new();
    let next = match agenda.upcoming(Which::Only(&m.slug), now, 1, Cancelled::Skipped).pop() {
        Some(o) => {
            let list = store.attendees(&OccurrenceRef { meeting: m.slug.clone(), date: o.date }).await?;
            going_next = list.iter().filter(|a| a.going).map(|a| (a.platform.clone(), a.user_id.clone())).collect();
            let people =
                list.into_iter().map(|a| AttendeeLine { name: a.name, platform: a.platform, going: a.going }).collect();
            Some((format::span(o.start, o.end, o.zone, lang), o.date.to_string(), people))
        }
        None => None,
    };
    let rows: Vec<(Attendance, &'static str)> = attendance(&dates, &answers, &going_next)
        .into_iter()
        .map(|a| {
            let said = match a.pattern {
                Pattern::KeepsComing => w.keeps_coming,
                Pattern::Stopped => w.stopped,
                Pattern::Now => "",
            };
            (a, said)
        })
        .collect();
    let going_on: Vec<(String, usize)> = dates
        .iter()
        .enumerate()
        .map(|(i, d)| (format::short_date(*d, lang), rows.iter().filter(|(r, _)| r.answers[i] == Some(true)).count()))
        .collect();
    let html = MeetingHtml {
        lang: lang.tag(),
        w,
        group: content.group.name.get(lang),
        base,
        slug: &m.slug,
        title: m.title.get(lang),
        dates: &going_on,
        rows: &rows,
        next,
        css: CSS,
    };
    Ok(Some(html.render().unwrap_or_default()))
}

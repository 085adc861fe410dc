//! The public page's upcoming meetings and campaigns as JSON, for anyone who builds on them
//! (a website's own calendar widget, another organization's aggregator). The same numbers
//! as the page: counts under the group's floor are `{"few": true}`, never the number.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::calendar_links::CalendarLinks;
use super::chart::PublicCount;
use super::view::GroupPage;

#[derive(Serialize)]
struct Feed<'a> {
    /// The feed's format, for readers that check it.
    version: &'static str,
    language: &'static str,
    group: &'a str,
    page: String,
    meetings: Vec<Meeting<'a>>,
    campaigns: Vec<Campaign<'a>>,
}

#[derive(Serialize)]
struct Meeting<'a> {
    meeting: &'a str,
    title: &'a str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    time_zone: &'a str,
    when: &'a str,
    place: Option<&'a str>,
    status: &'a str,
    note: Option<&'a str>,
    calendar: Option<&'a CalendarLinks>,
}

#[derive(Serialize)]
struct Campaign<'a> {
    campaign: &'a str,
    title: &'a str,
    summary_html: &'a str,
    learn_more: Option<&'a str>,
    ends: Option<DateTime<Utc>>,
    actions: Vec<Action<'a>>,
}

#[derive(Serialize)]
struct Action<'a> {
    action: &'a str,
    title: &'a str,
    link: Option<&'a str>,
    deadline: Option<DateTime<Utc>>,
    signed_up: Count,
    done: Count,
    /// "3 of 3 places", "full", "places left", for an action with places.
    places: Option<&'a str>,
}

/// `{"count": 12}`, `{"few": true}` under the floor, or `{"withheld": true}` for how many of
/// a few did it.
#[derive(Serialize)]
#[serde(untagged)]
enum Count {
    Exact { count: i64 },
    Few { few: bool },
    Withheld { withheld: bool },
}

impl From<PublicCount> for Count {
    fn from(n: PublicCount) -> Count {
        match n {
            PublicCount::Exact(count) => Count::Exact { count },
            PublicCount::Few => Count::Few { few: true },
            PublicCount::Withheld => Count::Withheld { withheld: true },
        }
    }
}

/// The feed of `p`, as JSON text.
pub fn feed(p: &GroupPage) -> String {
    let feed = Feed {
        version: "convoca-public/1",
        language: p.lang.tag(),
        group: &p.name,
        page: p.address.page(p.lang),
        meetings: p
            .meetings
            .iter()
            .map(|m| Meeting {
                meeting: &m.slug,
                title: &m.title,
                start: m.start,
                end: m.end,
                time_zone: &m.zone,
                when: &m.when,
                place: m.place.as_deref(),
                status: m.status,
                note: m.note.as_deref(),
                calendar: m.calendar.as_ref(),
            })
            .collect(),
        campaigns: p
            .campaigns
            .iter()
            .map(|c| Campaign {
                campaign: &c.slug,
                title: &c.title,
                summary_html: &c.summary_html,
                learn_more: c.learn_more.as_deref(),
                ends: c.ends_at,
                actions: c
                    .actions
                    .iter()
                    .map(|a| Action {
                        action: &a.slug,
                        title: &a.title,
                        link: a.link.as_deref(),
                        deadline: a.deadline_at,
                        signed_up: a.signed_up.into(),
                        done: a.done.into(),
                        places: a.places.as_deref(),
                    })
                    .collect(),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&feed).unwrap_or_default()
}

//! "Add to calendar" for one meeting on a page: the bot's own `.ics` feed of the meeting
//! (which calendar apps subscribe to, and keep current), and links that open the common web
//! calendars' "new event" form already filled in for one occurrence.

use chrono::{DateTime, Utc};

use crate::engine::answers::meeting::encode;

/// One occurrence's calendar links.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CalendarLinks {
    /// The meeting's feed, every occurrence with organizers' changes.
    pub ics: String,
    /// Google Calendar's event form.
    pub google: String,
    /// Outlook's (outlook.com and Microsoft 365 personal) event form.
    pub outlook: String,
}

/// What the web calendars are told about the occurrence.
pub struct Event<'a> {
    /// The meeting's title in the page's language.
    pub title: &'a str,
    /// Where, in words ("Zoom"); empty when the content says nothing.
    pub place: &'a str,
    /// When it starts and ends.
    pub start: DateTime<Utc>,
    /// When it ends.
    pub end: DateTime<Utc>,
    /// The meeting's zone, for Google to show it in.
    pub zone: &'a str,
}

/// The links for `event`, its feed at `ics`.
pub fn links(event: &Event<'_>, ics: String) -> CalendarLinks {
    let stamp = |t: DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    let iso = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut google = format!(
        "https://calendar.google.com/calendar/render?action=TEMPLATE&text={}&dates={}/{}&ctz={}",
        encode(event.title),
        stamp(event.start),
        stamp(event.end),
        encode(event.zone)
    );
    let mut outlook = format!(
        "https://outlook.live.com/calendar/0/deeplink/compose?path=%2Fcalendar%2Faction%2Fcompose&rru=addevent&subject={}&startdt={}&enddt={}",
        encode(event.title),
        encode(&iso(event.start)),
        encode(&iso(event.end))
    );
    if !event.place.is_empty() {
        for url in [&mut google, &mut outlook] {
            url.push_str("&location=");
            url.push_str(&encode(event.place));
        }
    }
    CalendarLinks { ics, google, outlook }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn each_calendar_gets_the_occurrence_in_its_own_words() {
        let event = Event {
            title: "Reunión mensual & más",
            place: "Zoom",
            start: Utc.with_ymd_and_hms(2026, 12, 7, 22, 0, 0).unwrap(),
            end: Utc.with_ymd_and_hms(2026, 12, 7, 23, 30, 0).unwrap(),
            zone: "America/New_York",
        };
        let l = links(&event, "https://bot.example/calendar/monthly.ics".into());
        assert_eq!(
            l.google,
            "https://calendar.google.com/calendar/render?action=TEMPLATE&text=Reuni%C3%B3n%20mensual%20%26%20m%C3%A1s\
             &dates=20261207T220000Z/20261207T233000Z&ctz=America%2FNew_York&location=Zoom"
        );
        assert!(
            l.outlook.contains("&startdt=2026-12-07T22%3A00%3A00Z&enddt=2026-12-07T23%3A30%3A00Z"),
            "{}",
            l.outlook
        );
        assert!(l.outlook.contains("subject=Reuni%C3%B3n%20mensual%20%26%20m%C3%A1s"), "{}", l.outlook);
        assert_eq!(l.ics, "https://bot.example/calendar/monthly.ics");
    }
}

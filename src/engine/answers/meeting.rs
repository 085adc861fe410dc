//! `meeting`: the next meetings, where, and how to add them to a calendar.

use chrono::{DateTime, Utc};

use crate::agenda::{Agenda, Cancelled, Which};
use crate::calendar::{Occurrence, Status, format};
use crate::content::{Audience, Meeting};
use crate::engine::suggest::closest;
use crate::engine::texts::{self, fill};
use crate::engine::{Block, Event, Reply, Request, Settings, Tone, catalog};
use crate::locale::Locale;

/// How many meetings `meeting` lists: the next one and the two after it.
const SHOWN: usize = 3;

/// The next meeting in full and the two after it, with cancelled dates in between noted.
pub fn meeting(req: &Request, agenda: &Agenda<'_>, name: Option<&str>, settings: &Settings) -> Reply {
    let l = req.locale;
    if let Some(name) = name
        && agenda.meeting(name).is_none()
    {
        return unknown(req, agenda, name);
    }
    // Cancelled dates are fetched too, to say so when one falls before the next meetings.
    let upcoming = agenda.upcoming(Which::from(name), req.now, SHOWN * 3, Cancelled::Kept);
    let audience = audience(req);
    let mut reply = Reply::public();
    let mut shown = 0;
    let mut first_slug: Option<String> = None;
    for occ in &upcoming {
        if shown == SHOWN {
            break;
        }
        let Some(m) = agenda.meeting(&occ.meeting) else { continue };
        if occ.is_cancelled() {
            let date = format::date(occ.date, l);
            reply = reply.block(Block::Note(fill(texts::cancelled_on(l), &[("date", &date)])));
            continue;
        }
        if shown == 0 {
            reply = reply.titled(format!("{}: {}", texts::next_meeting(l), m.title.get(l)));
            if let Some(summary) = &m.summary {
                reply = reply.text(summary.get(l));
            }
        } else if shown == 1 {
            reply = reply.text(format!("**{}**", texts::after_that(l)));
        }
        let mut e = event(req, m, occ, audience, settings);
        if shown > 0 && first_slug.as_deref() == Some(m.slug.as_str()) {
            // Same meeting as the first: its place, note and calendar link were just shown.
            (e.place, e.link, e.calendar) = (None, None, None);
            if occ.status == Status::Scheduled {
                e.note = None;
            }
        }
        first_slug.get_or_insert_with(|| m.slug.clone());
        reply = reply.block(Block::Event(e));
        shown += 1;
    }
    if shown == 0 {
        return Reply::public().text(texts::no_meetings(l));
    }
    // With the bot's own feed online, "Add to calendar" is a button where platforms have them.
    if settings.public_url.is_some()
        && let Some(Block::Event(e)) = reply.blocks.iter().find(|b| matches!(b, Block::Event(_)))
        && let Some(url) = &e.calendar
    {
        reply.buttons.push(crate::engine::Button::Link { label: texts::add_to_calendar(l).into(), url: url.clone() });
    }
    // Notes render at the end; keep them there in time order.
    let (events, notes): (Vec<_>, Vec<_>) = reply.blocks.into_iter().partition(|b| !matches!(b, Block::Note(_)));
    reply.blocks = events.into_iter().chain(notes).collect();
    reply
}

/// Who this reply may show a members-only link to: organizers asking privately (in a direct
/// conversation or the terminal). Everything said in a channel is for everyone.
fn audience(req: &Request) -> Audience {
    if req.organizer && req.channel.is_none() { Audience::Members } else { Audience::Everyone }
}

/// One occurrence as shown to this asker (also used by reminders).
pub fn event(req: &Request, m: &Meeting, occ: &Occurrence, audience: Audience, settings: &Settings) -> Event {
    event_in(req.locale, req.now, req.zone, m, occ, audience, settings)
}

/// One occurrence as shown in `locale`, relative to `now`, with `zone` as the reader's.
pub fn event_in(
    l: Locale,
    now: DateTime<Utc>,
    zone: Option<chrono_tz::Tz>,
    m: &Meeting,
    occ: &Occurrence,
    audience: Audience,
    settings: &Settings,
) -> Event {
    let mut notes = Vec::new();
    if let Status::Moved { from } = occ.status {
        // Moved within its day, the date alone would name the day it is on: say the time too.
        let day = |t: DateTime<Utc>| t.with_timezone(&occ.zone).date_naive();
        let was =
            if day(from) == day(occ.start) { format::instant(from, occ.zone, l) } else { format::date(day(from), l) };
        notes.push(fill(texts::moved_from(l), &[("date", &was)]));
    }
    let link = m.place.link_for(audience).map(str::to_string);
    if link.is_none()
        && let Some(note) = &m.place.note
    {
        notes.push(note.get(l).to_string());
    }
    let place = m.place.name.get(l);
    Event {
        occurrence: format!("{}-{}", m.slug, occ.date.format("%Y%m%d")),
        title: m.title.get(l).to_string(),
        start: occ.start,
        end: occ.end,
        zone: occ.zone,
        when: format::span(occ.start, occ.end, occ.zone, l),
        your_time: zone.filter(|z| z.name() != occ.zone.name()).map(|z| format::span(occ.start, occ.end, z, l)),
        relative: relative(now, occ.start, occ.end, occ.zone, l),
        place: (!place.is_empty()).then(|| place.to_string()),
        link,
        note: (!notes.is_empty()).then(|| notes.join(" ")),
        calendar: Some(calendar_link(m, occ, l, settings)),
    }
}

/// "in 9 days", "tomorrow at 6:00 PM EST", "today at 6:00 PM EST", "in about an hour",
/// "in 30 minutes", "happening now": how far `start` is from `now`, with "today" and
/// "tomorrow" counted in calendar days of `zone` (the event's), so a post made on Sunday
/// morning about Sunday evening says "today".
pub fn relative(
    now: DateTime<Utc>,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    zone: chrono_tz::Tz,
    l: Locale,
) -> String {
    if start <= now && now < end {
        return texts::happening_now(l).to_string();
    }
    let minutes = (start - now).num_minutes().max(0);
    if minutes < 60 {
        return texts::count(minutes.max(1) as usize, texts::in_a_minute, texts::in_minutes, l);
    }
    if minutes <= 90 {
        return texts::in_an_hour(l).to_string();
    }
    let days = (start.with_timezone(&zone).date_naive() - now.with_timezone(&zone).date_naive()).num_days();
    let time = format::time_of_day(start, zone, l);
    match days {
        0 => fill(texts::today_at(l), &[("time", &time)]),
        1 => fill(texts::tomorrow_at(l), &[("time", &time)]),
        n => fill(texts::in_days(l), &[("n", &n.to_string())]),
    }
}

/// The group's feed for this meeting when the bot serves one, otherwise a Google Calendar
/// link for this single date that works without any server.
pub fn calendar_link(m: &Meeting, occ: &Occurrence, l: Locale, settings: &Settings) -> String {
    if let Some(base) = &settings.public_url {
        return format!("{}{}/{}.ics", base.trim_end_matches('/'), settings.calendar_path, m.slug);
    }
    let stamp = |t: DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    let mut url = format!(
        "https://calendar.google.com/calendar/render?action=TEMPLATE&text={}&dates={}/{}&ctz={}",
        encode(m.title.get(l)),
        stamp(occ.start),
        stamp(occ.end),
        encode(occ.zone.name())
    );
    let place = m.place.name.get(l);
    if !place.is_empty() {
        url.push_str("&location=");
        url.push_str(&encode(place));
    }
    url
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An unknown meeting: say so, suggest the closest, list the real ones.
pub fn unknown(req: &Request, agenda: &Agenda<'_>, name: &str) -> Reply {
    let l = req.locale;
    let mut first = fill(texts::unknown_meeting(l), &[("name", name)]);
    if let Some(s) = closest(name, agenda.meetings().map(|m| m.slug.as_str())) {
        // The command that was typed, when it names a meeting (`/going monthly`).
        let spec = req.command.spec().filter(|spec| spec.typed.contains(&"meeting")).unwrap_or(&catalog::MEETING);
        first.push(' ');
        first.push_str(&fill(texts::did_you_mean(l), &[("cmd", &req.cmd(spec, s))]));
    }
    Reply::public().tone(Tone::Refusal).text(first).block(Block::List {
        label: texts::meetings(l).into(),
        items: agenda.meetings().map(|m| format!("`{}` — {}", m.slug, m.title.get(l))).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn relative_phrases() {
        use chrono_tz::America::New_York;
        let t = |d: u32, h: u32, m: u32| Utc.with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap();
        // Monday December 7, 5:00–6:30 PM EST.
        let (s, e) = (t(7, 22, 0), t(7, 23, 30));
        let r = |now, l| relative(now, s, e, New_York, l);
        assert_eq!(r(t(7, 22, 10), Locale::En), "happening now");
        assert_eq!(r(t(7, 21, 30), Locale::En), "in 30 minutes");
        assert_eq!(r(t(7, 21, 59), Locale::En), "in 1 minute");
        assert_eq!(r(t(7, 21, 59), Locale::Es), "en 1 minuto");
        assert_eq!(r(t(7, 21, 0), Locale::Es), "en aproximadamente una hora");
        assert_eq!(r(t(7, 12, 0), Locale::En), "today at 5:00 PM EST");
        assert_eq!(r(t(6, 22, 0), Locale::En), "tomorrow at 5:00 PM EST");
        assert_eq!(r(t(6, 22, 0), Locale::Es), "mañana a las 5:00 p. m. EST");
        // 00:30 UTC on the 7th is still Sunday the 6th in New York: "tomorrow", not "today".
        assert_eq!(r(t(7, 0, 30), Locale::En), "tomorrow at 5:00 PM EST");
        // 05:00 UTC on the 7th is Monday 00:00 in New York: "today", 17 hours ahead.
        assert_eq!(r(t(7, 5, 0), Locale::En), "today at 5:00 PM EST");
        assert_eq!(r(t(1, 0, 0), Locale::Es), "en 7 días");
    }

    #[test]
    fn relative_days_follow_the_event_zone_across_dst() {
        use chrono_tz::America::{New_York, Tegucigalpa};
        use chrono_tz::Europe::Berlin;
        let t = |m: u32, d: u32, h: u32, min: u32| Utc.with_ymd_and_hms(2027, m, d, h, min, 0).unwrap();
        // Sunday March 14, 2027, 5:00 pm EDT (clocks went forward at 2 am that day).
        let (s, e) = (t(3, 14, 21, 0), t(3, 14, 22, 30));
        // Saturday 11:30 pm EST: tomorrow, shown with the summer abbreviation it will have.
        assert_eq!(relative(t(3, 14, 4, 30), s, e, New_York, Locale::En), "tomorrow at 5:00 PM EDT");
        // Sunday 1:30 am EST, half an hour before the change: today.
        assert_eq!(relative(t(3, 14, 6, 30), s, e, New_York, Locale::En), "today at 5:00 PM EDT");
        // The same instants read in Honduras (no DST, UTC-6) and in Berlin (UTC+1).
        assert_eq!(relative(t(3, 14, 4, 30), s, e, Tegucigalpa, Locale::Es), "mañana a las 3:00 p. m. CST");
        assert_eq!(relative(t(3, 14, 6, 30), s, e, Tegucigalpa, Locale::Es), "hoy a las 3:00 p. m. CST");
        assert_eq!(relative(t(3, 13, 22, 30), s, e, Berlin, Locale::En), "tomorrow at 10:00 PM CET");
        assert_eq!(relative(t(3, 13, 23, 30), s, e, Berlin, Locale::En), "today at 10:00 PM CET");
    }

    #[test]
    fn encoding_keeps_only_unreserved() {
        assert_eq!(encode("LA/CWG monthly"), "LA%2FCWG%20monthly");
        assert_eq!(encode("reunión"), "reuni%C3%B3n");
    }
}

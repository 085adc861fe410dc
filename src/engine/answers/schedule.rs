//! Organizers changing the calendar from chat: `cancel`, `uncancel`, `move`, `addmeeting`.
//! Changes go to the database; content files stay the source of the regular schedule.

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::agenda::{Agenda, Cancelled, Which};
use crate::calendar::{Change, ChangeKind, Occurrence, format, resolve_local};
use crate::content::Meeting;
use crate::engine::texts::{self, fill};
use crate::engine::{MeetingDate, MoveTo, NewMeeting, Reply, Request, Spec, Tone, catalog};
use crate::store::{ExtraMeeting, MAX_MINUTES, Result, Store};

/// The meeting named (or the one meeting on that date) that regularly meets on the date.
fn occurrence<'a>(
    req: &Request,
    agenda: &Agenda<'a>,
    at: &MeetingDate,
    verb: &Spec,
) -> std::result::Result<(&'a Meeting, NaiveDate), Reply> {
    let l = req.locale;
    let example = || {
        let next = agenda.upcoming(Which::All, req.now, 1, Cancelled::Skipped);
        let date = next.first().map_or_else(|| "2026-12-07".to_string(), |o| o.date.to_string());
        req.cmd(verb, &date)
    };
    let named = match &at.meeting {
        Some(name) => match agenda.meeting(name) {
            Some(m) => Some(m),
            None => {
                return Err(super::meeting::meeting(req, agenda, Some(name), &Default::default())
                    .tone(Tone::Refusal)
                    .into_private());
            }
        },
        None => None,
    };
    let Some(date) = at.date else {
        return Err(Reply::refusal(fill(texts::which_date(l), &[("cmd", &example())])));
    };
    if let Some(refusal) = outside_window(req, date) {
        return Err(refusal);
    }
    // The date is a regular date, or the day a moved occurrence now takes place.
    let regular = |m: &Meeting| agenda.on_day(&m.slug, date, req.now).map(|o| o.date);
    let meets_on = |m: &Meeting| regular(m).is_some();
    let meeting = match named {
        Some(m) => m,
        None => {
            let on_that_day: Vec<&Meeting> = agenda.meetings().filter(|m| meets_on(m)).collect();
            match on_that_day.as_slice() {
                [m] => *m,
                [] => {
                    let next: Vec<String> = agenda
                        .upcoming(Which::All, req.now, 3, Cancelled::Skipped)
                        .iter()
                        .map(|o| format!("{} (`{}`)", o.date, o.meeting))
                        .collect();
                    return Err(Reply::refusal(fill(
                        texts::no_meeting_on(l),
                        &[("date", &date.to_string()), ("list", &next.join(", "))],
                    )));
                }
                several => {
                    let list: Vec<String> = several.iter().map(|m| format!("`{}`", m.slug)).collect();
                    return Err(Reply::refusal(fill(
                        texts::which_meeting(l),
                        &[("list", &list.join(", ")), ("cmd", &req.cmd(verb, &format!("{} {date}", several[0].slug)))],
                    )));
                }
            }
        }
    };
    if !meets_on(meeting) {
        let next: Vec<String> = agenda
            .upcoming(Which::Only(&meeting.slug), req.now, 3, Cancelled::Kept)
            .iter()
            .map(|o| o.date.to_string())
            .collect();
        return Err(Reply::refusal(fill(
            texts::not_a_meeting_date(l),
            &[("meeting", meeting.title.get(l)), ("date", &date.to_string()), ("list", &next.join(", "))],
        )));
    }
    Ok((meeting, regular(meeting).unwrap_or(date)))
}

/// The last day a meeting may be moved to or added on: as far as the calendar publishes
/// the meeting's dates, and at least a year ahead (a one-off publishes only its own).
fn ahead(agenda: &Agenda<'_>, m: &Meeting, req: &Request) -> NaiveDate {
    let year = (req.now + Duration::days(366)).with_timezone(&m.schedule.zone()).date_naive();
    agenda.published_until(m, req.now).map_or(year, |last| last.date.max(year))
}

/// The meeting, regular date and occurrence an organizer's change names, when it may still
/// be changed.
fn to_change<'a>(
    req: &Request,
    agenda: &Agenda<'a>,
    at: &MeetingDate,
    verb: &Spec,
) -> std::result::Result<(&'a Meeting, NaiveDate, Occurrence), Reply> {
    let (m, date) = occurrence(req, agenda, at, verb)?;
    let o = changeable(req, agenda, m, date)?;
    Ok((m, date, o))
}

/// The occurrence of `m` on regular date `date`, when an organizer may still change it: not
/// over, and within what the calendar publishes.
fn changeable(
    req: &Request,
    agenda: &Agenda<'_>,
    m: &Meeting,
    date: NaiveDate,
) -> std::result::Result<Occurrence, Reply> {
    let l = req.locale;
    let title = m.title.get(l);
    let Some(o) = agenda.occurrence(&m.slug, date) else {
        return Err(Reply::refusal(texts::no_meetings(l)));
    };
    let shown = format::date(date, l);
    if o.end <= req.now {
        return Err(Reply::refusal(fill(texts::date_over(l), &[("title", title), ("date", &shown)])));
    }
    if let Some(last) = agenda.published_until(m, req.now)
        && o.date > last.date
    {
        let last = format::date(last.date, l);
        return Err(Reply::refusal(fill(
            texts::change_beyond(l),
            &[("title", title), ("date", &shown), ("last", &last)],
        )));
    }
    Ok(o)
}

/// `cancel [meeting] <date>`: a date already cancelled is said so, and nothing changes.
pub async fn cancel(req: &Request, agenda: &Agenda<'_>, store: &Store, at: &MeetingDate) -> Result<Reply> {
    let (m, date, o) = match to_change(req, agenda, at, &catalog::CANCEL) {
        Ok(found) => found,
        Err(reply) => return Ok(reply),
    };
    let l = req.locale;
    let undo = req.cmd(&catalog::UNCANCEL, &format!("{} {date}", m.slug));
    let values = [("meeting", m.title.get(l)), ("date", &format::date(date, l) as &str), ("undo", &undo)];
    if o.is_cancelled() {
        return Ok(Reply::private().text(fill(texts::already_cancelled(l), &values)));
    }
    store.set_change(&m.slug, &Change { date, kind: ChangeKind::Cancel }, &req.user, &req.origin(), req.now).await?;
    tracing::info!(meeting = %m.slug, %date, "occurrence cancelled");
    Ok(Reply::private().tone(Tone::Done).text(fill(texts::cancelled(l), &values)))
}

/// `uncancel [meeting] <date>`: the date as the content files have it again, unless it (as
/// it stands, or as it would be) is over, or the meeting now meets that day otherwise.
pub async fn uncancel(req: &Request, agenda: &Agenda<'_>, store: &Store, at: &MeetingDate) -> Result<Reply> {
    let (m, date, _) = match to_change(req, agenda, at, &catalog::UNCANCEL) {
        Ok(found) => found,
        Err(reply) => return Ok(reply),
    };
    let l = req.locale;
    let title = m.title.get(l);
    let shown = format::date(date, l);
    if m.schedule.start_on(date).is_some_and(|start| start + m.schedule.duration() <= req.now) {
        return Ok(Reply::refusal(fill(texts::date_over(l), &[("title", title), ("date", &shown)])));
    }
    if let Some(other) = meets_that_day(agenda, m, date, date, req) {
        let other = format::date(other, l);
        return Ok(Reply::refusal(fill(
            texts::move_onto_meeting(l),
            &[("meeting", title), ("day", &shown), ("other", &other)],
        )));
    }
    let values = [("meeting", title), ("date", &shown as &str)];
    Ok(if store.clear_change(&m.slug, date).await? {
        tracing::info!(meeting = %m.slug, %date, "occurrence restored");
        Reply::private().tone(Tone::Done).text(fill(texts::uncancelled(l), &values))
    } else {
        Reply::private().text(fill(texts::nothing_to_undo(l), &values))
    })
}

/// `move [meeting] <date> <to>`: never into the past, nor onto a day the meeting already
/// meets.
pub async fn move_to(
    req: &Request,
    agenda: &Agenda<'_>,
    store: &Store,
    at: &MeetingDate,
    to: Option<MoveTo>,
) -> Result<Reply> {
    let (m, date, current) = match to_change(req, agenda, at, &catalog::MOVE) {
        Ok(found) => found,
        Err(reply) => return Ok(reply),
    };
    let l = req.locale;
    let zone = m.schedule.zone();
    let to: NaiveDateTime = match to {
        Some(MoveTo::At(t)) => t,
        Some(MoveTo::Day(d)) => d.and_time(m.schedule.start_time()),
        Some(MoveTo::Time(t)) => date.and_time(t),
        None => return Ok(Reply::refusal(fill(texts::bad_datetime(l), &[("text", "…")]))),
    };
    if let Some(refusal) = outside_window(req, to.date()) {
        return Ok(refusal);
    }
    let Some(start) = resolve_local(zone, to) else {
        return Ok(Reply::refusal(fill(
            texts::no_such_local_time(l),
            &[("text", &to.to_string()), ("zone", zone.name())],
        )));
    };
    let when = format::span(start, start + m.schedule.duration(), zone, l);
    if start <= req.now {
        return Ok(Reply::refusal(fill(texts::move_into_past(l), &[("when", &when)])));
    }
    if start == current.start && !current.is_cancelled() {
        return Ok(
            Reply::private().text(fill(texts::move_no_change(l), &[("meeting", m.title.get(l)), ("when", &when)]))
        );
    }
    let horizon = ahead(agenda, m, req);
    if to.date() > horizon {
        let last = format::date(horizon, l);
        return Ok(Reply::refusal(fill(texts::move_beyond(l), &[("when", &when), ("last", &last)])));
    }
    if let Some(other) = meets_that_day(agenda, m, date, to.date(), req) {
        let other = format::date(other, l);
        return Ok(Reply::refusal(fill(
            texts::move_onto_meeting(l),
            &[("meeting", m.title.get(l)), ("day", &format::date(to.date(), l)), ("other", &other)],
        )));
    }
    store
        .set_change(&m.slug, &Change { date, kind: ChangeKind::Move { to } }, &req.user, &req.origin(), req.now)
        .await?;
    tracing::info!(meeting = %m.slug, %date, to = %to, "occurrence moved");
    let undo = req.cmd(&catalog::UNCANCEL, &format!("{} {date}", m.slug));
    Ok(Reply::private().tone(Tone::Done).text(fill(
        texts::moved(l),
        &[("meeting", m.title.get(l)), ("date", &format::date(date, l)), ("when", &when), ("undo", &undo)],
    )))
}

/// The regular date of another occurrence of `m` (not the one of `date`, cancelled ones
/// left out) that takes place on local day `day`.
fn meets_that_day(
    agenda: &Agenda<'_>,
    m: &Meeting,
    date: NaiveDate,
    day: NaiveDate,
    req: &Request,
) -> Option<NaiveDate> {
    let zone = m.schedule.zone();
    let from = zone.from_local_datetime(&day.and_hms_opt(0, 0, 0)?).earliest()?.with_timezone(&Utc) - Duration::days(2);
    let from = from.min(req.now);
    agenda
        .upcoming(Which::Only(&m.slug), from, 64, Cancelled::Skipped)
        .into_iter()
        .filter(|o| o.start.with_timezone(&o.zone).date_naive() <= day)
        .find(|o| o.date != date && o.start.with_timezone(&o.zone).date_naive() == day)
        .map(|o| o.date)
}

/// `addmeeting <date> <time> [length] [zone] <title>`: not in the past; its name from the
/// title, or from the date when the title has no Latin letters or digits.
pub async fn add_meeting(req: &Request, agenda: &Agenda<'_>, store: &Store, new: &NewMeeting) -> Result<Reply> {
    let l = req.locale;
    let zone = new.zone.unwrap_or(agenda.content.group.zone);
    let minutes = new.minutes.unwrap_or(60);
    if minutes > MAX_MINUTES || minutes <= 0 {
        return Ok(Reply::refusal(fill(texts::too_long_meeting(l), &[("text", &format!("{minutes}m"))])));
    }
    if let Some(refusal) = outside_window(req, new.date) {
        return Ok(refusal);
    }
    let local = new.date.and_time(new.time);
    let Some(start) = resolve_local(zone, local) else {
        return Ok(Reply::refusal(fill(
            texts::no_such_local_time(l),
            &[("text", &local.to_string()), ("zone", zone.name())],
        )));
    };
    let when = format::span(start, start + Duration::minutes(minutes), zone, l);
    if start <= req.now {
        return Ok(Reply::refusal(fill(texts::add_in_past(l), &[("when", &when)])));
    }
    let title = new.title.trim().to_string();
    // The same title, as names compare it (`Jilamito call.`, `jilamito-call`), at the same time.
    let key = |t: &str| slug_of(t).unwrap_or_else(|| t.to_lowercase());
    let same = |m: &&Meeting| {
        key(m.title.get(l)) == key(&title)
            && agenda
                .upcoming(Which::Only(&m.slug), start - Duration::minutes(1), 1, Cancelled::Skipped)
                .first()
                .is_some_and(|o| o.start == start)
    };
    if let Some(twin) = agenda.changes.meetings.iter().find(same) {
        return Ok(Reply::refusal(fill(
            texts::meeting_twin(l),
            &[("title", &title), ("when", &when), ("slug", &twin.slug)],
        )));
    }
    let slug = free_slug(agenda, &title, new.date);
    let extra =
        ExtraMeeting { slug: slug.clone(), title: title.clone(), starts_local: local, duration_minutes: minutes, zone };
    if !store.add_meeting(&extra, &req.user, &req.origin(), req.now).await? {
        return Ok(Reply::refusal(fill(texts::meeting_exists(l), &[("slug", &slug)])));
    }
    tracing::info!(meeting = %slug, "one-off meeting added");
    Ok(Reply::private().tone(Tone::Done).text(fill(
        texts::meeting_added(l),
        &[("title", &title), ("slug", &slug), ("when", &when), ("cmd", &req.cmd(&catalog::MEETING, ""))],
    )))
}

/// A name no meeting has yet: the title's (`teach-in-on-honduras`), else with the date, else
/// numbered; a title with no Latin letters or digits is named by its date
/// (`meeting-2027-01-23`).
fn free_slug(agenda: &Agenda<'_>, title: &str, date: NaiveDate) -> String {
    let base = slug_of(title).unwrap_or_else(|| format!("meeting-{date}"));
    let mut tries =
        [base.clone(), format!("{base}-{date}")].into_iter().chain((2..).map(|n| format!("{base}-{date}-{n}")));
    tries.find(|slug| agenda.meeting(slug).is_none()).unwrap_or(base)
}

/// A refusal when `date` is further than ten years from today: nothing is stored then.
fn outside_window(req: &Request, date: NaiveDate) -> Option<Reply> {
    if crate::calendar::in_chat_window(date, req.now.date_naive()) {
        return None;
    }
    let l = req.locale;
    Some(Reply::refusal(fill(
        texts::date_out_of_window(l),
        &[("date", &date.to_string()), ("years", &crate::calendar::CHAT_WINDOW_YEARS.to_string())],
    )))
}

/// A slug from a title: lowercase ASCII letters and digits joined by dashes, at most 40
/// characters ("Teach-in on Honduras" → `teach-in-on-honduras`); `None` when the title has
/// none.
pub fn slug_of(title: &str) -> Option<String> {
    let mut slug = String::new();
    for c in title.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 40 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    (!slug.is_empty()).then_some(slug)
}

fn fold_accent(c: char) -> Option<char> {
    Some(match c {
        'á' | 'à' | 'ä' | 'â' | 'Á' => 'a',
        'é' | 'è' | 'ë' | 'ê' | 'É' => 'e',
        'í' | 'ì' | 'ï' | 'î' | 'Í' => 'i',
        'ó' | 'ò' | 'ö' | 'ô' | 'Ó' => 'o',
        'ú' | 'ù' | 'ü' | 'û' | 'Ú' => 'u',
        'ñ' | 'Ñ' => 'n',
        c => c,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_titles() {
        assert_eq!(slug_of("Teach-in on Honduras").as_deref(), Some("teach-in-on-honduras"));
        assert_eq!(slug_of("Reunión de emergencia: ¡Jilamito!").as_deref(), Some("reunion-de-emergencia-jilamito"));
        assert_eq!(slug_of("!!!"), None);
        assert_eq!(slug_of("اجتماع طارئ"), None);
    }
}

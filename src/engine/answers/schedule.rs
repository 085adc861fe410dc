//! Organizers changing the calendar from chat: `cancel`, `uncancel`, `move`, `addmeeting`.
//! Changes go to the database; content files stay the source of the regular schedule.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use crate::agenda::{Agenda, Cancelled, Which};
use crate::calendar::{Change, ChangeKind, Lead, format, resolve_local};
use crate::content::{Meeting, parse_date, parse_local_datetime, parse_time};
use crate::engine::texts::{self, fill};
use crate::engine::{Command, Reply, Request, Spec, Tone, catalog};
use crate::store::{ExtraMeeting, MAX_MINUTES, Result, Store};

/// Carries out one calendar command.
pub async fn change(req: &Request, agenda: &Agenda<'_>, store: &Store, args: &[String]) -> Result<Reply> {
    let verb = match &req.command {
        Command::AddMeeting { .. } => return add_meeting(req, agenda, store, args).await,
        Command::Cancel { .. } => &catalog::CANCEL,
        Command::Uncancel { .. } => &catalog::UNCANCEL,
        _ => &catalog::MOVE,
    };
    let (meeting, date, rest) = match occurrence(req, agenda, args, verb) {
        Ok(found) => found,
        Err(reply) => return Ok(reply),
    };
    match &req.command {
        Command::Cancel { .. } => cancel(req, store, meeting, date).await,
        Command::Uncancel { .. } => uncancel(req, store, meeting, date).await,
        _ => move_to(req, store, meeting, date, rest).await,
    }
}

/// Reads `[meeting] <date> rest…` into a meeting that regularly meets on that date.
fn occurrence<'a, 's>(
    req: &Request,
    agenda: &Agenda<'a>,
    args: &'s [String],
    verb: &Spec,
) -> std::result::Result<(&'a Meeting, NaiveDate, &'s [String]), Reply> {
    let l = req.locale;
    let example = || {
        let next = agenda.upcoming(Which::All, req.now, 1, Cancelled::Skipped);
        let date = next.first().map_or_else(|| "2026-12-07".to_string(), |o| o.date.to_string());
        req.cmd(verb, &date)
    };
    let (named, args) = match args.first() {
        // A first word starting with a digit is meant as a date, even a malformed one.
        Some(first) if parse_date(first).is_none() && !first.starts_with(|c: char| c.is_ascii_digit()) => {
            match agenda.meeting(first) {
                Some(m) => (Some(m), &args[1..]),
                None => {
                    return Err(super::meeting::meeting(req, agenda, Some(first), &Default::default())
                        .tone(Tone::Refusal)
                        .into_private());
                }
            }
        }
        _ => (None, args),
    };
    let Some(date_text) = args.first() else {
        return Err(Reply::refusal(fill(texts::which_date(l), &[("cmd", &example())])));
    };
    let Some(date) = parse_date(date_text) else {
        return Err(Reply::refusal(fill(texts::bad_date(l), &[("text", date_text)])));
    };
    if let Some(refusal) = outside_window(req, date) {
        return Err(refusal);
    }
    let rest = &args[1..];
    let meets_on = |m: &Meeting| m.schedule.start_on(date).is_some();
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
    Ok((meeting, date, rest))
}

async fn cancel(req: &Request, store: &Store, m: &Meeting, date: NaiveDate) -> Result<Reply> {
    let l = req.locale;
    store.set_change(&m.slug, &Change { date, kind: ChangeKind::Cancel }, &req.user, &req.origin(), req.now).await?;
    tracing::info!(meeting = %m.slug, %date, "occurrence cancelled");
    let undo = req.cmd(&catalog::UNCANCEL, &format!("{} {date}", m.slug));
    Ok(Reply::private().tone(Tone::Done).text(fill(
        texts::cancelled(l),
        &[("meeting", m.title.get(l)), ("date", &format::date(date, l)), ("undo", &undo)],
    )))
}

async fn uncancel(req: &Request, store: &Store, m: &Meeting, date: NaiveDate) -> Result<Reply> {
    let l = req.locale;
    let values = [("meeting", m.title.get(l)), ("date", &format::date(date, l) as &str)];
    Ok(if store.clear_change(&m.slug, date).await? {
        tracing::info!(meeting = %m.slug, %date, "occurrence restored");
        Reply::private().tone(Tone::Done).text(fill(texts::uncancelled(l), &values))
    } else {
        Reply::private().text(fill(texts::nothing_to_undo(l), &values))
    })
}

async fn move_to(req: &Request, store: &Store, m: &Meeting, date: NaiveDate, rest: &[String]) -> Result<Reply> {
    let l = req.locale;
    let zone = m.schedule.zone();
    let text = rest.join(" ");
    // "2026-12-14 18:00", "2026-12-14T18:00", a date alone (same time) or a time alone (same day).
    let to: Option<NaiveDateTime> = parse_local_datetime(&text)
        .or_else(|| parse_date(&text).map(|d| d.and_time(m.schedule.start_time())))
        .or_else(|| parse_time(&text).map(|t| date.and_time(t)));
    let Some(to) = to else {
        let shown = if text.is_empty() { "…".to_string() } else { text };
        return Ok(Reply::refusal(fill(texts::bad_datetime(l), &[("text", &shown)])));
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
    store
        .set_change(&m.slug, &Change { date, kind: ChangeKind::Move { to } }, &req.user, &req.origin(), req.now)
        .await?;
    tracing::info!(meeting = %m.slug, %date, to = %to, "occurrence moved");
    let when = format::span(start, start + m.schedule.duration(), zone, l);
    let undo = req.cmd(&catalog::UNCANCEL, &format!("{} {date}", m.slug));
    Ok(Reply::private().tone(Tone::Done).text(fill(
        texts::moved(l),
        &[("meeting", m.title.get(l)), ("date", &format::date(date, l)), ("when", &when), ("undo", &undo)],
    )))
}

/// `addmeeting <date> <time> [length] [zone] <title…>`.
async fn add_meeting(req: &Request, agenda: &Agenda<'_>, store: &Store, args: &[String]) -> Result<Reply> {
    let l = req.locale;
    let usage = || {
        Reply::refusal(fill(
            texts::addmeeting_usage(l),
            &[("example", &req.cmd(&catalog::ADD_MEETING, "2027-01-20 18:00 90m Teach-in on Honduras"))],
        ))
    };
    let (Some(date), Some(time)) = (args.first().and_then(|a| parse_date(a)), args.get(1).and_then(|a| parse_time(a)))
    else {
        return Ok(usage());
    };
    let mut zone = agenda.content.group.zone;
    let mut minutes = 60;
    let mut i = 2;
    while let Some(word) = args.get(i) {
        if let Ok(lead) = Lead::parse(word) {
            minutes = i64::from(lead.days) * 24 * 60 + i64::from(lead.minutes);
            if minutes > MAX_MINUTES {
                return Ok(Reply::refusal(fill(texts::too_long_meeting(l), &[("text", word)])));
            }
        } else if let Ok(tz) = word.parse::<chrono_tz::Tz>() {
            zone = tz;
        } else {
            break;
        }
        i += 1;
    }
    let title = args[i.min(args.len())..].join(" ");
    if title.trim().is_empty() {
        return Ok(usage());
    }
    if let Some(refusal) = outside_window(req, date) {
        return Ok(refusal);
    }
    let local = date.and_time(time);
    let Some(start) = resolve_local(zone, local) else {
        return Ok(Reply::refusal(fill(
            texts::no_such_local_time(l),
            &[("text", &local.to_string()), ("zone", zone.name())],
        )));
    };
    let base = slug_of(&title);
    let slug = if agenda.meeting(&base).is_some() { format!("{base}-{date}") } else { base };
    if agenda.meeting(&slug).is_some() {
        return Ok(Reply::refusal(fill(texts::meeting_exists(l), &[("slug", &slug)])));
    }
    let extra =
        ExtraMeeting { slug: slug.clone(), title: title.clone(), starts_local: local, duration_minutes: minutes, zone };
    if !store.add_meeting(&extra, &req.user, &req.origin(), req.now).await? {
        return Ok(Reply::refusal(fill(texts::meeting_exists(l), &[("slug", &slug)])));
    }
    tracing::info!(meeting = %slug, "one-off meeting added");
    let when = format::span(start, start + Duration::minutes(minutes), zone, l);
    Ok(Reply::private().tone(Tone::Done).text(fill(
        texts::meeting_added(l),
        &[("title", &title), ("slug", &slug), ("when", &when), ("cmd", &req.cmd(&catalog::MEETING, ""))],
    )))
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
/// characters ("Teach-in on Honduras" → `teach-in-on-honduras`).
fn slug_of(title: &str) -> String {
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
    if slug.is_empty() { "meeting".into() } else { slug }
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
        assert_eq!(slug_of("Teach-in on Honduras"), "teach-in-on-honduras");
        assert_eq!(slug_of("Reunión de emergencia: ¡Jilamito!"), "reunion-de-emergencia-jilamito");
        assert_eq!(slug_of("!!!"), "meeting");
    }
}

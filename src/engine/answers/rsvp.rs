//! `going` and `notgoing`: one person's answer for one occurrence of a meeting. Private, like
//! sign-ups: who is going is for the organizers; everyone else sees how many.

use chrono::NaiveDate;

use crate::agenda::{Agenda, Cancelled, Which};
use crate::calendar::{Lead, Occurrence, format};
use crate::content::Meeting;
use crate::engine::answers::meeting::unknown as unknown_meeting;
use crate::engine::texts::{self, fill};
use crate::engine::{Block, Button, MeetingDate, Reply, Request, Tone, catalog};
use crate::store::{OccurrenceRef, Result, RsvpOutcome, Seen, Store};

/// An occurrence someone named, with its meeting.
pub struct Named<'a> {
    /// The meeting.
    pub meeting: &'a Meeting,
    /// The occurrence, as it now stands.
    pub occurrence: Occurrence,
}

impl Named<'_> {
    /// How RSVPs name it.
    pub fn reference(&self) -> OccurrenceRef {
        OccurrenceRef { meeting: self.meeting.slug.clone(), date: self.occurrence.date }
    }

    /// "LA/CWG monthly meeting, Monday, December 7, 5:00–6:30 pm EST".
    pub fn describe(&self, l: crate::locale::Locale) -> String {
        let o = &self.occurrence;
        format!("**{}**, {}", self.meeting.title.get(l), format::span(o.start, o.end, o.zone, l))
    }
}

/// The occurrence someone named (`[meeting] [date]`): with no meeting named, the one that
/// meets on the date given or, with no date either, the next meeting of the group's regular
/// schedule (a one-off must be named). A date is the occurrence's regular date or, for a
/// moved one, its new date, and lies within what the group's calendar publishes. `Err` is
/// the reply that explains what exists; `past_ok` lets organizers name occurrences that are
/// over.
pub fn pick<'a>(
    req: &Request,
    agenda: &Agenda<'a>,
    at: &MeetingDate,
    past_ok: bool,
) -> std::result::Result<Named<'a>, Reply> {
    let l = req.locale;
    let meeting = match (&at.meeting, at.date) {
        (Some(name), _) => match agenda.meeting(name) {
            Some(m) => m,
            None => return Err(unknown_meeting(req, agenda, name).into_private()),
        },
        (None, Some(date)) => meeting_on(req, agenda, date)?,
        (None, None) => next_regular(req, agenda)?,
    };
    let title = meeting.title.get(l);
    let occurrence = match at.date {
        None => match agenda.upcoming(Which::Only(&meeting.slug), req.now, 1, Cancelled::Skipped).pop() {
            Some(o) => o,
            None => return Err(Reply::refusal(texts::no_meetings(l))),
        },
        Some(d) => match agenda.on_day(&meeting.slug, d, req.now) {
            Some(o) => o,
            None => {
                let text = fill(
                    texts::no_meeting_that_day(l),
                    &[("title", title), ("date", &format::date(d, l)), ("next", &next_dates(req, agenda, meeting))],
                );
                return Err(Reply::refusal(text));
            }
        },
    };
    let date = format::date(occurrence.date, l);
    if occurrence.is_cancelled() {
        return Err(Reply::refusal(fill(texts::date_cancelled(l), &[("title", title), ("date", &date)])));
    }
    if occurrence.end <= req.now && !past_ok {
        return Err(Reply::refusal(fill(texts::date_over(l), &[("title", title), ("date", &date)])));
    }
    if let Some(last) = agenda.published_until(meeting, req.now)
        && occurrence.date > last.date
    {
        let text =
            fill(texts::date_beyond(l), &[("title", title), ("date", &date), ("last", &format::date(last.date, l))]);
        return Err(Reply::refusal(text));
    }
    Ok(Named { meeting, occurrence })
}

/// "`2027-01-04`, `2027-02-01`": the meeting's next dates.
fn next_dates(req: &Request, agenda: &Agenda<'_>, meeting: &Meeting) -> String {
    let next: Vec<String> = agenda
        .upcoming(Which::Only(&meeting.slug), req.now, 3, Cancelled::Skipped)
        .iter()
        .map(|o| format!("`{}`", o.date))
        .collect();
    next.join(", ")
}

/// The one meeting that meets on `date`; several are asked about, none explained.
fn meeting_on<'a>(req: &Request, agenda: &Agenda<'a>, date: NaiveDate) -> std::result::Result<&'a Meeting, Reply> {
    let on: Vec<&'a Meeting> = agenda.meetings().filter(|m| agenda.on_day(&m.slug, date, req.now).is_some()).collect();
    match on.as_slice() {
        [m] => Ok(m),
        [] => {
            let l = req.locale;
            let next: Vec<String> = agenda
                .upcoming(Which::All, req.now, 3, Cancelled::Skipped)
                .iter()
                .map(|o| format!("{} (`{}`)", o.date, o.meeting))
                .collect();
            Err(Reply::refusal(fill(
                texts::no_meeting_on(l),
                &[("date", &date.to_string()), ("list", &next.join(", "))],
            )))
        }
        several => Err(which_meeting(req, several, &format!(" {date}"))),
    }
}

/// The group's regular meeting that meets next (content files, not one-offs added in chat);
/// with none, the one meeting that meets at all.
fn next_regular<'a>(req: &Request, agenda: &Agenda<'a>) -> std::result::Result<&'a Meeting, Reply> {
    let next_of = |m: &Meeting| agenda.upcoming(Which::Only(&m.slug), req.now, 1, Cancelled::Skipped).pop();
    let regular =
        agenda.content.meetings.iter().filter_map(|m| next_of(m).map(|o| (o.start, m))).min_by_key(|(s, _)| *s);
    if let Some((_, m)) = regular {
        return Ok(m);
    }
    let any: Vec<&'a Meeting> = agenda.meetings().filter(|m| next_of(m).is_some()).collect();
    match any.as_slice() {
        [m] => Ok(m),
        [] => Err(Reply::refusal(texts::no_meetings(req.locale))),
        several => Err(which_meeting(req, several, "")),
    }
}

/// "Which meeting? This group has several: …", with the command to type for the first.
fn which_meeting(req: &Request, several: &[&Meeting], after: &str) -> Reply {
    let cmd = req.cmd(req.command.spec().unwrap_or(&catalog::GOING), &format!("{}{after}", several[0].slug));
    let list: Vec<String> = several.iter().map(|m| format!("`{}`", m.slug)).collect();
    Reply::refusal(fill(texts::which_meeting(req.locale), &[("cmd", &cmd), ("list", &list.join(", "))]))
}

/// `going` / `notgoing`: records the answer (idempotent) and says what follows from it.
pub async fn rsvp(req: &Request, agenda: &Agenda<'_>, store: &Store, going: bool, at: &MeetingDate) -> Result<Reply> {
    let named = match pick(req, agenda, at, false) {
        Ok(named) => named,
        Err(reply) => return Ok(reply),
    };
    let l = req.locale;
    let reference = named.reference();
    let seen = Seen { locale: req.locale, member: req.member };
    let outcome = store.rsvp(&req.user, &reference, going, seen, req.now).await?;
    let what = named.describe(l);
    let args = format!("{} {}", reference.meeting, reference.date);
    let mut reply = Reply::private();
    if going {
        if outcome == RsvpOutcome::Already {
            reply = reply.text(fill(texts::rsvp_going_already(l), &[("what", &what)]));
        } else {
            reply = reply.tone(Tone::Done).text(fill(texts::rsvp_going(l), &[("what", &what)]));
        }
        let off = store.personal_reminders_off(&req.user).await?;
        let note = if off {
            fill(
                texts::rsvp_reminders_off(l),
                &[("cmd", &req.cmd(&catalog::MY_REMINDERS, catalog::my_reminders_word(true, l)))],
            )
        } else {
            let leads: Vec<String> = named.meeting.reminders.personal_before.iter().map(|d| lead(*d, l)).collect();
            if leads.is_empty() {
                String::new()
            } else {
                fill(texts::rsvp_reminder_coming(l), &[("lead", &leads.join(", "))])
            }
        };
        if !note.is_empty() {
            reply = reply.text(note);
        }
        reply = reply.block(Block::Note(fill(texts::rsvp_undo(l), &[("cmd", &req.cmd(&catalog::NOT_GOING, &args))])));
    } else if outcome == RsvpOutcome::Already {
        reply = reply.text(fill(texts::rsvp_not_going_already(l), &[("what", &what)]));
    } else {
        reply = reply.tone(Tone::Done).text(fill(texts::rsvp_not_going(l), &[("what", &what)]));
        reply = reply.block(Block::Note(fill(texts::rsvp_redo(l), &[("cmd", &req.cmd(&catalog::GOING, &args))])));
    }
    Ok(reply)
}

/// The next occurrence `meeting` (or any meeting) has, as RSVPs name it.
pub fn next(req: &Request, agenda: &Agenda<'_>, meeting: Option<&str>) -> Option<OccurrenceRef> {
    let next = agenda.upcoming(Which::from(meeting), req.now, 1, Cancelled::Skipped).pop()?;
    Some(OccurrenceRef { meeting: next.meeting, date: next.date })
}

/// Adds to the `meeting` reply how many are `going` to the next occurrence ("12 going",
/// "a few going" under the group's `floor`), counts only, never names, and the way to answer: buttons, and a hint where they cannot be pressed
/// (naming the date when the reply was for one `named` meeting).
pub fn invite(req: &Request, next: OccurrenceRef, named: bool, going: Option<i64>, floor: u32, reply: &mut Reply) {
    let l = req.locale;
    if let Some(n) = going.filter(|n| *n > 0) {
        // Under the floor, a count would tell who answered.
        let text = if n < i64::from(floor) {
            texts::a_few_going(l).to_string()
        } else {
            texts::count(n as usize, texts::one_going, texts::n_going, l)
        };
        reply.blocks.insert(reply.blocks.len().min(2), Block::Text(format!("**{text}**")));
    }
    if req.asked == crate::engine::Asked::Elsewhere {
        return;
    }
    let button = |going: bool, label: &str| Button::Rsvp { at: next.clone(), going, label: label.into() };
    reply.buttons.splice(0..0, [button(true, texts::going_button(l)), button(false, texts::not_going_button(l))]);
    let args = if named { format!("{} {}", next.meeting, next.date) } else { String::new() };
    let cmd = req.cmd(&catalog::GOING, &args);
    let hint = if req.alone_with_the_bot() { texts::going_hint_here(l) } else { texts::going_hint(l) };
    reply.blocks.push(Block::Unpressed { words: None, typed: fill(hint, &[("cmd", &cmd)]) });
}

/// "1 hour", "1 day", "30 minutes": a lead time in words.
pub fn lead(lead: Lead, l: crate::locale::Locale) -> String {
    let n = |v: u32| v.to_string();
    match (lead.days, lead.minutes) {
        (1, 0) => texts::one_day(l).to_string(),
        (d, 0) => fill(texts::n_days(l), &[("n", &n(d))]),
        (0, 60) => texts::one_hour(l).to_string(),
        (0, 1) => texts::one_minute(l).to_string(),
        (0, m) if m % 60 == 0 => fill(texts::n_hours(l), &[("n", &n(m / 60))]),
        (0, m) => fill(texts::n_minutes(l), &[("n", &n(m))]),
        (d, m) => {
            format!("{} + {}", fill(texts::n_days(l), &[("n", &n(d))]), fill(texts::n_minutes(l), &[("n", &n(m))]))
        }
    }
}

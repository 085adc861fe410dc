//! `going` and `notgoing`: one person's answer for one occurrence of a meeting. Private, like
//! sign-ups: who is going is for the organizers; everyone else sees how many.

use chrono::NaiveDate;

use crate::agenda::{Agenda, Cancelled, Which};
use crate::calendar::{Lead, Occurrence, format};
use crate::content::Meeting;
use crate::engine::answers::meeting::unknown as unknown_meeting;
use crate::engine::texts::{self, fill};
use crate::engine::{Block, Button, Reply, Request, Tone, catalog};
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

/// The occurrence `args` name (`[meeting] [date]`, in any order): the meeting may be left out
/// when the group has one, the date when the next one is meant. A date is the occurrence's
/// regular date or, for a moved one, its new date. `Err` is the reply that explains what
/// exists; `past_ok` lets organizers name occurrences that are over.
pub fn pick<'a>(
    req: &Request,
    agenda: &Agenda<'a>,
    args: &[String],
    past_ok: bool,
) -> std::result::Result<Named<'a>, Reply> {
    let l = req.locale;
    let mut date = None;
    let mut name = None;
    for word in args {
        if word.len() == 10 && word.as_bytes().get(4) == Some(&b'-') {
            match NaiveDate::parse_from_str(word, "%Y-%m-%d") {
                Ok(d) => date = Some(d),
                Err(_) => return Err(Reply::refusal(fill(texts::not_a_date(l), &[("date", word)]))),
            }
        } else if name.is_none() {
            name = Some(word.to_lowercase());
        }
    }
    let meeting = match name {
        Some(name) => match agenda.meeting(&name) {
            Some(m) => m,
            None => return Err(unknown_meeting(req, agenda, &name).into_private()),
        },
        None => {
            // Left out: the meeting that meets next, when it is the only one that meets.
            let next: Vec<&'a Meeting> = agenda
                .meetings()
                .filter(|m| !agenda.upcoming(Which::Only(&m.slug), req.now, 1, Cancelled::Skipped).is_empty())
                .collect();
            match next.len() {
                1 => next[0],
                0 => return Err(Reply::refusal(texts::no_meetings(l))),
                _ => {
                    let cmd = req.cmd(req.command.spec().unwrap_or(&catalog::GOING), &next[0].slug);
                    let list: Vec<String> = next.iter().map(|m| format!("`{}`", m.slug)).collect();
                    let text = fill(texts::which_meeting(l), &[("cmd", &cmd), ("list", &list.join(", "))]);
                    return Err(Reply::refusal(text));
                }
            }
        }
    };
    let title = meeting.title.get(l);
    let occurrence = match date {
        None => match agenda.upcoming(Which::Only(&meeting.slug), req.now, 1, Cancelled::Skipped).pop() {
            Some(o) => o,
            None => return Err(Reply::refusal(texts::no_meetings(l))),
        },
        Some(d) => {
            let on_date = agenda.occurrence(&meeting.slug, d).or_else(|| {
                // A moved occurrence named by its new date.
                agenda
                    .upcoming(Which::Only(&meeting.slug), req.now - chrono::Duration::days(400), 64, Cancelled::Skipped)
                    .into_iter()
                    .find(|o| o.start.with_timezone(&o.zone).date_naive() == d)
            });
            match on_date {
                Some(o) => o,
                None => {
                    let next: Vec<String> = agenda
                        .upcoming(Which::Only(&meeting.slug), req.now, 3, Cancelled::Skipped)
                        .iter()
                        .map(|o| format!("`{}`", o.date))
                        .collect();
                    let text = fill(
                        texts::no_meeting_that_day(l),
                        &[("title", title), ("date", &format::date(d, l)), ("next", &next.join(", "))],
                    );
                    return Err(Reply::refusal(text));
                }
            }
        }
    };
    let date = format::date(occurrence.date, l);
    if occurrence.is_cancelled() {
        return Err(Reply::refusal(fill(texts::date_cancelled(l), &[("title", title), ("date", &date)])));
    }
    if occurrence.end <= req.now && !past_ok {
        return Err(Reply::refusal(fill(texts::date_over(l), &[("title", title), ("date", &date)])));
    }
    Ok(Named { meeting, occurrence })
}

/// `going` / `notgoing`: records the answer (idempotent) and says what follows from it.
pub async fn rsvp(req: &Request, agenda: &Agenda<'_>, store: &Store, going: bool, args: &[String]) -> Result<Reply> {
    let named = match pick(req, agenda, args, false) {
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

/// Adds to the `meeting` reply how many are `going` to the next occurrence ("12 going"),
/// counts only, never names, and the way to answer: buttons on Discord, a hint elsewhere
/// (naming the date when the reply was for one `named` meeting).
pub fn invite(req: &Request, next: OccurrenceRef, named: bool, going: Option<i64>, reply: &mut Reply) {
    let l = req.locale;
    if let Some(n) = going.filter(|n| *n > 0) {
        let text = texts::count(n as usize, texts::one_going, texts::n_going, l);
        reply.blocks.insert(reply.blocks.len().min(2), Block::Text(format!("**{text}**")));
    }
    if req.place == crate::engine::Place::Elsewhere {
        return;
    }
    if req.platform() == crate::chat::Platform::Discord {
        let button = |going: bool, label: &str| Button::Rsvp { at: next.clone(), going, label: label.into() };
        reply.buttons.splice(0..0, [button(true, texts::going_button(l)), button(false, texts::not_going_button(l))]);
    } else {
        let args = if named { format!("{} {}", next.meeting, next.date) } else { String::new() };
        let cmd = req.cmd(&catalog::GOING, &args);
        reply.blocks.push(Block::Note(fill(texts::going_hint(l), &[("cmd", &cmd)])));
    }
}

/// "1 hour", "1 day", "30 minutes": a lead time in words.
pub fn lead(lead: Lead, l: crate::locale::Locale) -> String {
    let n = |v: u32| v.to_string();
    match (lead.days, lead.minutes) {
        (1, 0) => texts::one_day(l).to_string(),
        (d, 0) => fill(texts::n_days(l), &[("n", &n(d))]),
        (0, 60) => texts::one_hour(l).to_string(),
        (0, m) if m % 60 == 0 => fill(texts::n_hours(l), &[("n", &n(m / 60))]),
        (0, m) => fill(texts::n_minutes(l), &[("n", &n(m))]),
        (d, m) => {
            format!("{} + {}", fill(texts::n_days(l), &[("n", &n(d))]), fill(texts::n_minutes(l), &[("n", &n(m))]))
        }
    }
}

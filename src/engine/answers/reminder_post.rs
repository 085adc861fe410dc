//! The text of a reminder post: what, when (in the meeting's zone; platforms that can show
//! each reader's own time do so from the event's instant), where, and how to sign up.

use chrono::{DateTime, Utc};

use crate::calendar::{Occurrence, format};
use crate::chat::Abilities;
use crate::content::{Audience, Content, Meeting};
use crate::engine::answers::meeting::{event_in, relative};
use crate::engine::texts::{self, fill};
use crate::engine::{Block, Button, Reply, Settings, catalog};
use crate::locale::Locale;
use crate::store::OccurrenceRef;

/// Who a reminder is for.
#[derive(Clone, Copy, Debug)]
pub struct Readers {
    /// The channel's language.
    pub locale: Locale,
    /// Whether members-only links may be shown there.
    pub audience: Audience,
    /// What the platform can do, as its adapter declares it (how commands are typed there).
    pub on: &'static Abilities,
}

/// A reminder for one meeting occurrence, as posted at `posted`. `counts` are (campaign
/// slug, people signed up) for the meeting's related campaigns.
pub fn meeting_reminder(
    m: &Meeting,
    occ: &Occurrence,
    to: Readers,
    content: &Content,
    counts: &[(String, i64)],
    settings: &Settings,
    posted: DateTime<Utc>,
) -> Reply {
    let l = to.locale;
    let starts = relative(posted, occ.start, occ.end, occ.zone, l);
    let mut reply = Reply::public()
        .titled(fill(texts::reminder_title(l), &[("title", m.title.get(l))]))
        .text(fill(texts::reminder_starts(l), &[("relative", &starts)]))
        .block(Block::Event(event_in(l, posted, None, m, occ, to.audience, settings)));
    for (slug, n) in counts {
        let Some(c) = content.campaign(slug) else { continue };
        let cmd = catalog::SIGN_UP.typed_on(to.on, l, slug);
        let text = if *n > 0 && *n < i64::from(content.group.public_floor) {
            fill(texts::reminder_counts_few(l), &[("campaign", c.title.get(l)), ("cmd", &cmd)])
        } else if *n == 1 {
            fill(texts::reminder_counts_one(l), &[("campaign", c.title.get(l)), ("cmd", &cmd)])
        } else if *n > 0 {
            fill(texts::reminder_counts(l), &[("n", &n.to_string()), ("campaign", c.title.get(l)), ("cmd", &cmd)])
        } else {
            fill(texts::reminder_counts_zero(l), &[("campaign", c.title.get(l)), ("cmd", &cmd)])
        };
        reply = reply.text(text);
    }
    reply
}

/// The same reminder for one person who said they are going: why it comes to them, how to
/// answer "can't make it" (a button where there are buttons), and how to stop such messages.
pub fn personal_meeting_reminder(mut reply: Reply, m: &Meeting, occ: &Occurrence, to: Readers) -> Reply {
    let l = to.locale;
    let args = format!("{} {}", m.slug, occ.date);
    let cmd = catalog::NOT_GOING.typed_on(to.on, l, &args);
    reply = reply.text(fill(texts::personal_going(l), &[("cmd", &cmd)]));
    reply.buttons.push(Button::Rsvp {
        at: OccurrenceRef { meeting: m.slug.clone(), date: occ.date },
        going: false,
        label: texts::not_going_button(l).into(),
    });
    with_stop(reply, to)
}

/// The same deadline reminder for one person signed up for the action.
pub fn personal_deadline_reminder(mut reply: Reply, to: Readers) -> Reply {
    let l = to.locale;
    // The "sign up" hint is for channels: this person did.
    reply.blocks.retain(|b| !matches!(b, Block::Note(_)));
    with_stop(reply.text(texts::personal_signed_up(l)), to)
}

/// Tells one person going that an organizer cancelled or moved the occurrence.
pub fn change_notice(m: &Meeting, occ: &Occurrence, to: Readers, settings: &Settings, now: DateTime<Utc>) -> Reply {
    let l = to.locale;
    let title = m.title.get(l);
    match occ.status {
        crate::calendar::Status::Moved { from } => {
            let args = format!("{} {}", m.slug, occ.date);
            let cmd = catalog::NOT_GOING.typed_on(to.on, l, &args);
            let was = format::instant(from, occ.zone, l);
            let when = format::span(occ.start, occ.end, occ.zone, l);
            let mut reply = Reply::private()
                .titled(fill(texts::notice_moved_title(l), &[("title", title)]))
                .text(fill(texts::notice_moved(l), &[("title", title), ("when", &when), ("was", &was)]))
                .block(Block::Event(event_in(l, now, None, m, occ, to.audience, settings)))
                .block(Block::Note(fill(texts::notice_moved_undo(l), &[("cmd", &cmd)])));
            reply.buttons.push(Button::Rsvp {
                at: OccurrenceRef { meeting: m.slug.clone(), date: occ.date },
                going: false,
                label: texts::not_going_button(l).into(),
            });
            reply
        }
        _ => {
            let date = format::date(occ.date, l);
            Reply::private()
                .titled(fill(texts::notice_cancelled_title(l), &[("title", title)]))
                .text(fill(texts::notice_cancelled(l), &[("title", title), ("date", &date)]))
        }
    }
}

/// Every personal reminder says how to stop them.
/// Ends a personal message with how to stop them.
pub fn with_stop(reply: Reply, to: Readers) -> Reply {
    let l = to.locale;
    let cmd = catalog::MY_REMINDERS.typed_on(to.on, l, catalog::my_reminders_word(false, l));
    reply.block(Block::Note(fill(texts::personal_stop(l), &[("cmd", &cmd)])))
}

/// A reminder for a campaign's call to action with a deadline, as posted at `posted`.
pub fn deadline_reminder(
    content: &Content,
    campaign: &str,
    action: &str,
    at: DateTime<Utc>,
    to: Readers,
    posted: DateTime<Utc>,
) -> Option<Reply> {
    let l = to.locale;
    let c = content.campaign(campaign)?;
    let a = c.action(action)?;
    let zone = a.deadline.map_or(content.group.zone, |d| d.zone);
    let when = format::instant(at, zone, l);
    let cmd = catalog::SIGN_UP.typed_on(to.on, l, &format!("{campaign} {action}"));
    let mut reply = Reply::public().titled(fill(texts::deadline_title(l), &[("action", a.title.get(l))])).text(fill(
        texts::deadline_body(l),
        &[
            ("action", a.title.get(l)),
            ("campaign", c.title.get(l)),
            ("when", &when),
            ("relative", &relative(posted, at, at, zone, l)),
        ],
    ));
    if let Some(d) = &a.description {
        reply = reply.text(d.get(l));
    }
    if let Some(link) = &a.link {
        reply = reply.text(link.clone());
    }
    Some(reply.block(Block::Note(fill(texts::reminder_counts_zero(l), &[("campaign", c.title.get(l)), ("cmd", &cmd)]))))
}

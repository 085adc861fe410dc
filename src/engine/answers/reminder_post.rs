//! The text of a reminder post: what, when (in the meeting's zone; platforms that can show
//! each reader's own time do so from the event's instant), where, and how to sign up.

use chrono::{DateTime, Utc};

use crate::calendar::{Occurrence, format};
use crate::chat::Platform;
use crate::content::{Audience, Content, Meeting};
use crate::engine::answers::meeting::{event_in, relative};
use crate::engine::texts::{self, fill};
use crate::engine::{Block, Reply, Settings, catalog};
use crate::locale::Locale;

/// Who a reminder is for.
#[derive(Clone, Copy, Debug)]
pub struct Readers {
    /// The channel's language.
    pub locale: Locale,
    /// Whether members-only links may be shown there.
    pub audience: Audience,
    /// The platform, for how commands are typed there.
    pub platform: Platform,
}

/// A reminder for one meeting occurrence. `counts` are (campaign slug, people signed up) for
/// the meeting's related campaigns.
pub fn meeting_reminder(
    m: &Meeting,
    occ: &Occurrence,
    to: Readers,
    content: &Content,
    counts: &[(String, i64)],
    settings: &Settings,
    due: DateTime<Utc>,
) -> Reply {
    let l = to.locale;
    let mut reply = Reply::public()
        .titled(fill(texts::reminder_title(l), &[("title", m.title.get(l))]))
        .text(fill(texts::reminder_starts(l), &[("relative", &relative(due, occ.start, occ.end, l))]))
        .block(Block::Event(event_in(l, due, None, m, occ, to.audience, settings)));
    for (slug, n) in counts {
        let Some(c) = content.campaign(slug) else { continue };
        let cmd = catalog::SIGN_UP.typed_on(to.platform, l, slug);
        let text = if *n > 0 {
            fill(texts::reminder_counts(l), &[("n", &n.to_string()), ("campaign", c.title.get(l)), ("cmd", &cmd)])
        } else {
            fill(texts::reminder_counts_zero(l), &[("campaign", c.title.get(l)), ("cmd", &cmd)])
        };
        reply = reply.text(text);
    }
    reply
}

/// A reminder for a campaign's call to action with a deadline.
pub fn deadline_reminder(
    content: &Content,
    campaign: &str,
    action: &str,
    at: DateTime<Utc>,
    to: Readers,
    due: DateTime<Utc>,
) -> Option<Reply> {
    let l = to.locale;
    let c = content.campaign(campaign)?;
    let a = c.action(action)?;
    let zone = a.deadline.map_or(content.group.zone, |d| d.zone);
    let when = format::instant(at, zone, l);
    let cmd = catalog::SIGN_UP.typed_on(to.platform, l, &format!("{campaign} {action}"));
    let mut reply = Reply::public().titled(fill(texts::deadline_title(l), &[("action", a.title.get(l))])).text(fill(
        texts::deadline_body(l),
        &[
            ("action", a.title.get(l)),
            ("campaign", c.title.get(l)),
            ("when", &when),
            ("relative", &relative(due, at, at, l)),
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

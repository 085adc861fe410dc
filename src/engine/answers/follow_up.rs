//! The personal messages that carry a person from "I'll do it" to "I did it": the question
//! after an action's deadline ("Did you do it?") and the offer of a place freed on a waitlist.
//! Buttons, and the words or commands that answer them where buttons cannot be pressed.

use chrono::{DateTime, Utc};

use crate::calendar::format;
use crate::content::{Action, Campaign, Content};
use crate::engine::answers::reminder_post::Readers;
use crate::engine::texts::{self, fill};
use crate::engine::{Block, Button, Reply, catalog};
use crate::locale::Locale;
use crate::store::Outcome;

/// An outcome's label on buttons and in lists.
pub fn outcome_label(outcome: Outcome, l: Locale) -> &'static str {
    match outcome {
        Outcome::Done => texts::outcome_done(l),
        Outcome::NotYet => texts::outcome_not_yet(l),
        Outcome::Couldnt => texts::outcome_couldnt(l),
    }
}

/// Where one sign-up stands, for its owner and organizers: waitlisted, or what they said
/// they did; `None` while they have not said.
pub fn state_label(waitlisted: bool, outcome: Option<Outcome>, l: Locale) -> Option<String> {
    match (waitlisted, outcome) {
        (true, _) => Some(texts::state_waitlisted(l).to_string()),
        (false, Some(o)) => Some(outcome_label(o, l).to_lowercase()),
        (false, None) => None,
    }
}

/// `**word**` for each answer, as a message lists them.
fn bold(word: &str) -> String {
    format!("**{word}**")
}

fn found<'c>(content: &'c Content, campaign: &str, action: &str) -> Option<(&'c Campaign, &'c Action)> {
    let c = content.campaign(campaign)?;
    Some((c, c.action(action)?))
}

/// "Did you do it?" about one action, to one person who signed up for it.
pub fn follow_up_message(content: &Content, campaign: &str, action: &str, to: Readers) -> Option<Reply> {
    let l = to.locale;
    let (c, a) = found(content, campaign, action)?;
    let values = [("action", a.title.get(l)), ("campaign", c.title.get(l))];
    let mut reply = Reply::private().titled(texts::follow_up_title(l)).text(fill(texts::follow_up(l), &values));
    reply.buttons = Outcome::ALL
        .into_iter()
        .map(|outcome| Button::Answer {
            campaign: c.slug.clone(),
            action: a.slug.clone(),
            outcome,
            label: outcome_label(outcome, l).to_string(),
        })
        .collect();
    let said = |o: Outcome| bold(catalog::how_choice(o).label.get(l));
    let typed = |o: Outcome| {
        let args = format!("{} {} {}", c.slug, a.slug, catalog::how_typed(o, l));
        catalog::DONE.typed_on(to.on, l, &args)
    };
    let words = fill(
        texts::follow_up_words(l),
        &[("done", &said(Outcome::Done)), ("not_yet", &said(Outcome::NotYet)), ("couldnt", &said(Outcome::Couldnt))],
    );
    let typed = fill(
        texts::follow_up_typed(l),
        &[("done", &typed(Outcome::Done)), ("not_yet", &typed(Outcome::NotYet)), ("couldnt", &typed(Outcome::Couldnt))],
    );
    Some(reply.block(Block::Unpressed { words: Some(words), typed }))
}

/// The offer of a freed place to the first person waiting, open until `until`.
pub fn offer_message(
    content: &Content,
    campaign: &str,
    action: &str,
    until: DateTime<Utc>,
    to: Readers,
) -> Option<Reply> {
    let l = to.locale;
    let (c, a) = found(content, campaign, action)?;
    let until = format::instant(until, content.group.zone, l);
    let values = [("action", a.title.get(l)), ("campaign", c.title.get(l)), ("until", until.as_str())];
    let mut reply = Reply::private().titled(texts::offer_title(l)).text(fill(texts::offer(l), &values));
    reply.buttons = [(true, texts::accept_button(l)), (false, texts::decline_button(l))]
        .into_iter()
        .map(|(accept, label)| Button::Offer {
            campaign: c.slug.clone(),
            action: a.slug.clone(),
            accept,
            label: label.to_string(),
        })
        .collect();
    let said = |accept: bool| bold(catalog::place_choice(accept).label.get(l));
    let typed = |accept: bool| {
        let word = catalog::place_choice(accept).label.get(l);
        catalog::PLACE.typed_on(to.on, l, &format!("{word} {} {}", c.slug, a.slug))
    };
    let words = fill(texts::offer_words(l), &[("accept", &said(true)), ("decline", &said(false))]);
    let typed = fill(texts::offer_typed(l), &[("accept", &typed(true)), ("decline", &typed(false))]);
    Some(reply.block(Block::Unpressed { words: Some(words), typed }))
}

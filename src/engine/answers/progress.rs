//! A member's answers about what they signed up for: `done` (did it, not yet, couldn't) and
//! `place` (accepting or declining a place offered from a waitlist). Private, like sign-ups.

use chrono::{DateTime, Utc};

use crate::content::{Campaign, Content};
use crate::engine::answers::campaign::unknown;
use crate::engine::answers::follow_up::outcome_label;
use crate::engine::texts::{self, fill};
use crate::engine::{Button, Reply, Request, Tone, catalog};
use crate::store::{OfferAnswer, Outcome, Reported, Result, Seen, SignUp, Store};

/// The question a bare "done" answers: of the person's sign-ups for an action with a place
/// and no answer yet (or "not yet"), the one whose follow-up came most recently (its time passed); with
/// none come yet, their only such sign-up, if they have just one.
fn open_question<'s>(content: &Content, signups: &'s [SignUp], now: DateTime<Utc>) -> Option<&'s SignUp> {
    let open: Vec<(&SignUp, &crate::content::Action)> = signups
        .iter()
        .filter(|s| still_open(s))
        .filter_map(|s| Some((s, content.campaign(&s.campaign)?.action(&s.action)?)))
        .collect();
    let asked = open
        .iter()
        .filter_map(|(s, a)| a.follow_up_at(s.at).filter(|due| *due <= now).map(|due| (due, *s)))
        .max_by_key(|(due, _)| *due)
        .map(|(_, s)| s);
    match (asked, open.as_slice()) {
        (Some(s), _) => Some(s),
        (None, [(only, _)]) => Some(only),
        _ => None,
    }
}

/// A sign-up with a place whose question is still open: no answer yet, or "not yet" (a
/// later "done" answers it).
fn still_open(s: &SignUp) -> bool {
    !s.waitlisted && matches!(s.outcome, None | Some(Outcome::NotYet))
}

/// "Which action? `/done jilamito petition`", with the person's own open sign-ups.
fn which(req: &Request, content: &Content, signups: &[SignUp]) -> Reply {
    let l = req.locale;
    let example = signups
        .iter()
        .find(|s| !s.action.is_empty())
        .map(|s| format!("{} {}", s.campaign, s.action))
        .or_else(|| content.campaigns.first().and_then(|c| c.actions.first().map(|a| format!("{} {}", c.slug, a.slug))))
        .unwrap_or_else(|| "jilamito petition".into());
    let mut reply = Reply::refusal(fill(texts::report_which(l), &[("cmd", &req.cmd(&catalog::DONE, &example))]));
    let yours: Vec<String> = signups
        .iter()
        .filter(|s| !s.waitlisted)
        .map(|s| format!("`{}`", format!("{} {}", s.campaign, s.action).trim_end()))
        .collect();
    if !yours.is_empty() {
        reply = reply.text(fill(texts::report_yours(l), &[("list", &yours.join(", "))]));
    }
    reply
}

/// `done [campaign] [action] [how]`.
pub async fn done(
    req: &Request,
    content: &Content,
    store: &Store,
    campaign: Option<&str>,
    action: Option<&str>,
    outcome: Outcome,
) -> Result<Reply> {
    let l = req.locale;
    let (c, action) = match campaign {
        None => {
            let signups = store.signups_of(&req.user).await?;
            let Some(open) = open_question(content, &signups, req.now) else {
                return Ok(which(req, content, &signups));
            };
            let Some(c) = content.campaign(&open.campaign) else { return Ok(which(req, content, &signups)) };
            (c, open.action.clone())
        }
        Some(slug) => {
            let Some(c) = content.campaign(slug) else { return Ok(unknown(req, content, slug).into_private()) };
            match action {
                Some(a) => match c.action(a) {
                    Some(found) => (c, found.slug.clone()),
                    None => return Ok(super::campaign::unknown_action(req, c, a)),
                },
                None => {
                    // Their one sign-up in this campaign (the campaign in general when it has no
                    // actions); with several, or none, which action is asked, never guessed.
                    let signups = store.signups_of(&req.user).await?;
                    let mine: Vec<&SignUp> = signups.iter().filter(|s| s.campaign == c.slug && !s.waitlisted).collect();
                    match mine.as_slice() {
                        [one] => (c, one.action.clone()),
                        [] if c.actions.is_empty() => (c, String::new()),
                        _ => return Ok(which(req, content, &signups)),
                    }
                }
            }
        }
    };
    // "Not yet" and "couldn't" are about something one signed up for: without a sign-up,
    // nothing is noted (a "done" is, as a sign-up that was done).
    if outcome != Outcome::Done {
        let signups = store.signups_of(&req.user).await?;
        if !signups.iter().any(|s| s.campaign == c.slug && s.action == action) {
            let title = super::campaign::action_title(req, c, &action);
            let cmd = req.cmd(&catalog::SIGN_UP, format!("{} {action}", c.slug).trim());
            let values = [("action", title.as_str()), ("campaign", c.title.get(l)), ("cmd", &cmd)];
            return Ok(Reply::refusal(fill(texts::report_not_signed_up(l), &values)));
        }
    }
    let counted = c.action(&action).is_some_and(|a| a.capacity.is_some());
    let seen = Seen { locale: req.locale, member: req.member };
    let reported = store.report(&req.user, &c.slug, &action, outcome, counted, seen, req.now).await?;
    let title = super::campaign::action_title(req, c, &action);
    let values = [("action", title.as_str()), ("campaign", c.title.get(l))];
    Ok(match reported {
        Reported::Waitlisted => Reply::private().text(fill(texts::report_waitlisted(l), &values)),
        Reported::NoPlace => {
            let cmd = req.cmd(&catalog::SIGN_UP, &format!("{} {action}", c.slug));
            Reply::refusal(fill(texts::report_no_place(l), &[values[0], values[1], ("cmd", &cmd)]))
        }
        Reported::Recorded { was: Some(was), .. } if was == outcome => Reply::private().text(fill(
            texts::report_same(l),
            &[values[0], values[1], ("state", &outcome_label(outcome, l).to_lowercase())],
        )),
        Reported::Recorded { .. } => recorded(req, content, c, &action, outcome),
    })
}

/// The thanks for an answer; for "done", the next step with its sign-up button.
fn recorded(req: &Request, content: &Content, c: &Campaign, action: &str, outcome: Outcome) -> Reply {
    let l = req.locale;
    let title = super::campaign::action_title(req, c, action);
    let values = [("action", title.as_str()), ("campaign", c.title.get(l))];
    match outcome {
        Outcome::Done => {
            let mut reply = Reply::private().tone(Tone::Done).text(fill(texts::done_thanks(l), &values));
            let next = c.action(action).and_then(|a| a.next.as_ref());
            if let Some((nc, na)) = next.and_then(|n| Some((content.campaign(&n.campaign)?, n)))
                && let Some(next_action) = nc.action(&na.action)
            {
                let cmd = req.cmd(&catalog::SIGN_UP, &format!("{} {}", nc.slug, next_action.slug));
                reply = reply.text(fill(
                    texts::done_next(l),
                    &[("next", next_action.title.get(l)), ("campaign", nc.title.get(l)), ("cmd", &cmd)],
                ));
                reply.buttons.push(Button::SignUp {
                    campaign: nc.slug.clone(),
                    action: Some(next_action.slug.clone()),
                    label: fill(texts::sign_up_for(l), &[("action", next_action.title.get(l))]),
                });
            }
            reply
        }
        Outcome::NotYet => {
            let cmd = req.cmd(&catalog::DONE, format!("{} {action}", c.slug).trim());
            Reply::private()
                .tone(Tone::Done)
                .text(fill(texts::not_yet_noted(l), &[values[0], values[1], ("cmd", &cmd)]))
        }
        Outcome::Couldnt => Reply::private().tone(Tone::Done).text(fill(texts::couldnt_noted(l), &values)),
    }
}

/// `place accept|decline [campaign] [action]`.
pub async fn place(
    req: &Request,
    content: &Content,
    store: &Store,
    accept: Option<bool>,
    campaign: Option<&str>,
    action: Option<&str>,
) -> Result<Reply> {
    let l = req.locale;
    let Some(accept) = accept else {
        let typed = |accept: bool| req.cmd(&catalog::PLACE, catalog::place_choice(accept).label.get(l));
        return Ok(Reply::refusal(fill(
            texts::offer_which(l),
            &[("accept", &typed(true)), ("decline", &typed(false))],
        )));
    };
    // A campaign or action named wrong is said so, with the real ones, before any offer is
    // looked for.
    if let Some(named) = campaign {
        let Some(c) = content.campaign(named) else { return Ok(unknown(req, content, named).into_private()) };
        if let Some(a) = action
            && c.action(a).is_none()
        {
            return Ok(super::campaign::unknown_action(req, c, a));
        }
    }
    let (campaign, action) = match (campaign, action) {
        (Some(c), Some(a)) => (c.to_lowercase(), a.to_lowercase()),
        // The most recent offer (of that campaign, when named).
        _ => match store
            .open_offers_of(&req.user)
            .await?
            .into_iter()
            .find(|o| campaign.is_none_or(|c| c.eq_ignore_ascii_case(&o.campaign)))
        {
            Some(offer) => (offer.campaign, offer.action),
            None => return Ok(Reply::private().text(texts::offer_none(l))),
        },
    };
    let Some(c) = content.campaign(&campaign) else { return Ok(unknown(req, content, &campaign).into_private()) };
    let title = super::campaign::action_title(req, c, &action);
    let values = [("action", title.as_str()), ("campaign", c.title.get(l))];
    let answer = store.answer_offer(&req.user, &c.slug, &action, accept, req.now).await?;
    Ok(match answer {
        OfferAnswer::Accepted => Reply::private().tone(Tone::Done).text(fill(texts::offer_accepted(l), &values)),
        OfferAnswer::Declined => Reply::private().tone(Tone::Done).text(fill(texts::offer_declined(l), &values)),
        OfferAnswer::Expired => {
            let cmd = req.cmd(&catalog::SIGN_UP, &format!("{} {action}", c.slug));
            Reply::refusal(fill(texts::offer_expired(l), &[values[0], values[1], ("cmd", &cmd)]))
        }
        OfferAnswer::Answered(true) => Reply::private().text(fill(texts::offer_taken_already(l), &values)),
        OfferAnswer::Answered(false) => Reply::private().text(texts::offer_declined_already(l)),
        OfferAnswer::NoOffer => Reply::private().text(texts::offer_none(l)),
    })
}

//! How a reply reaches the asker, decided once here for every platform from what its adapter
//! declares it can do: said in place or privately, with a pointer where a private answer went
//! elsewhere, and the ways of answering that platform offers. Adapters then only translate.

use crate::content::Content;
use crate::engine::{Asked, Audience, Block, Button, Reply, Request, Tone, Visibility, texts};

/// `reply` as it should reach the person who asked `req`.
pub(super) fn fit(req: &Request, content: &Content, mut reply: Reply) -> Reply {
    // Only in the group's rooms does a reaction sign up.
    if req.on.reactions && req.asked == Asked::Home && signs_up_by_reaction(&reply, content) {
        reply = reply.text(texts::react_to_sign_up(req.locale));
    }
    if req.on.ephemeral || !req.on.read_by_others {
        // Private answers are seen by the asker alone where they asked.
        return reply;
    }
    // Where others read and nothing is seen by one person alone, private answers go to the
    // direct conversation. A refusal of a public question carries nothing private and is
    // said where it was asked; every answer to a personal command (a sign-up, an answer,
    // going), refusals included ("Yours: jilamito letter…"), is private. Outside the group's
    // places the only refusal is whose bot this is, said in place.
    // In the direct conversation everything stays private: the adapter still checks that
    // it holds the person and the bot alone.
    let refusal = matches!(reply.tone, Tone::Refusal | Tone::Error);
    if refusal && !personal_at_home(req) && req.asked != Asked::Direct {
        reply.visibility = Visibility::Public;
    }
    // A private answer worth pointing to (not a plain list) leaves a pointer where asked.
    reply.pointer = reply.visibility == Visibility::Private && (reply.tone != Tone::Info || reply.title.is_some());
    // What invites a personal answer points to the direct conversation, not to answering
    // where everyone reads.
    let invites = signs_up(&reply).is_some() || matches!(req.command, crate::engine::Command::Meeting { .. });
    if req.asked == Asked::Home && invites {
        reply = reply.block(Block::DirectChat);
    }
    reply
}

/// A personal command (sign-ups, answers, going) asked in one of the group's places: what
/// the person did there is theirs, whatever the answer.
pub fn personal_at_home(req: &Request) -> bool {
    req.asked == Asked::Home && req.command.spec().is_some_and(|s| s.audience == Audience::Member)
}

/// The campaign a reply offers to sign up for, if any.
pub fn signs_up(reply: &Reply) -> Option<&str> {
    reply.buttons.iter().find_map(|b| match b {
        Button::SignUp { campaign, .. } => Some(campaign.as_str()),
        _ => None,
    })
}

/// Whether a ✅ reaction to this reply signs up: only where the campaign's organizers chose
/// it, since everyone in the room sees a reaction.
fn signs_up_by_reaction(reply: &Reply, content: &Content) -> bool {
    signs_up(reply).and_then(|c| content.campaign(c)).is_some_and(|c| c.public_reactions)
}

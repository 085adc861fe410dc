//! `campaign`: the list of campaigns, or one campaign with its calls to action.

use crate::calendar::format;
use crate::content::{Campaign, Content};
use crate::engine::suggest::closest;
use crate::engine::texts::{self, fill};
use crate::engine::{Block, Button, Reply, Request, Tone, catalog};
use crate::store::Count;

/// Every campaign, one line each.
pub fn list(req: &Request, content: &Content) -> Reply {
    let l = req.locale;
    if content.campaigns.is_empty() {
        return Reply::public().text(texts::no_campaigns(l));
    }
    Reply::public()
        .titled(texts::campaigns_title(l))
        .block(Block::List { label: String::new(), items: content.campaigns.iter().map(|c| line(req, c)).collect() })
        .block(Block::Note(fill(
            texts::campaigns_hint(l),
            &[("cmd", &req.cmd(&catalog::CAMPAIGN, texts::name_placeholder(l)))],
        )))
}

fn line(req: &Request, c: &Campaign) -> String {
    format!("`{}` — {}", c.slug, c.title.get(req.locale))
}

/// One campaign: summary, partners, calls to action, how many signed up (numbers only),
/// how to sign up, and sign-up buttons. `counts` is `None` when they could not be read.
pub fn show(req: &Request, content: &Content, slug: &str, counts: Option<&[Count]>) -> Reply {
    let l = req.locale;
    let Some(c) = content.campaign(slug) else {
        return unknown(req, content, slug);
    };
    let mut reply = Reply::public().titled(c.title.get(l)).text(c.summary.get(l));
    reply.url = c.learn_more.clone();
    if !c.partners.is_empty() {
        reply = reply.block(Block::Field { label: texts::partners(l).into(), value: c.partners.join(" · ") });
    }
    if !c.actions.is_empty() {
        let items = c
            .actions
            .iter()
            .map(|a| {
                let mut item = format!("**{}** (`{}`)", a.title.get(l), a.slug);
                if let Some(d) = &a.description {
                    item.push_str(" — ");
                    item.push_str(d.get(l));
                }
                if let Some(deadline) = &a.deadline {
                    let when = format::instant(deadline.at, deadline.zone, l);
                    item.push_str(&format!(" · {}", fill(texts::deadline(l), &[("date", &when)])));
                }
                if let Some(link) = &a.link {
                    item.push_str(&format!(" · {link}"));
                }
                item
            })
            .collect();
        reply = reply.block(Block::List { label: texts::actions(l).into(), items });
    }
    if let Some(counts) = counts {
        reply = reply.text(counts_line(req, c, counts, content.group.public_floor));
    }
    if let Some(link) = &c.learn_more {
        reply = reply.block(Block::Field { label: texts::learn_more(l).into(), value: link.clone() });
    }
    let example = c.actions.first().map_or_else(
        || req.cmd(&catalog::SIGN_UP, &c.slug),
        |a| req.cmd(&catalog::SIGN_UP, &format!("{} {}", c.slug, a.slug)),
    );
    let how = if req.alone_with_the_bot() { texts::how_to_sign_up_here(l) } else { texts::how_to_sign_up(l) };
    reply =
        reply.block(Block::Note(fill(how, &[("cmd", &req.cmd(&catalog::SIGN_UP, &c.slug)), ("example", &example)])));
    reply.buttons = buttons(req, c);
    reply
}

/// How an action's places stand, for anyone: "12 of 20 places", or under the floor only
/// "full" or "places left" (a count would tell who).
pub fn places(people: i64, capacity: u32, floor: u32, l: crate::locale::Locale) -> String {
    if people < i64::from(floor) {
        let full = people >= i64::from(capacity);
        return (if full { texts::places_full(l) } else { texts::places_left(l) }).to_string();
    }
    let template = if capacity == 1 { texts::places_taken_one(l) } else { texts::places_taken(l) };
    fill(template, &[("taken", &people.to_string()), ("capacity", &capacity.to_string())])
}

/// "Signed up so far: Sign the petition 12 · in general a few": numbers, never names, and
/// under the group's floor "a few". How many did it and how many wait for a place are for
/// the organizers (`/signups`).
pub fn counts_line(req: &Request, c: &Campaign, counts: &[Count], floor: u32) -> String {
    let l = req.locale;
    // In the order the content lists the actions; the campaign in general last.
    let position = |action: &str| c.actions.iter().position(|a| a.slug == action).unwrap_or(usize::MAX);
    let mut ordered: Vec<&Count> = counts.iter().filter(|n| n.people > 0).collect();
    ordered.sort_by_key(|n| position(&n.action));
    let parts: Vec<String> = ordered
        .iter()
        .map(|n| {
            let title = action_title(req, c, &n.action);
            let people = texts::public_count(n.people, floor, l);
            match c.action(&n.action).and_then(|a| a.capacity) {
                Some(capacity) => format!("{title} **{}**", places(n.people, capacity, floor, l)),
                None => format!("{title} **{people}**"),
            }
        })
        .collect();
    if parts.is_empty() {
        texts::counts_none(l).to_string()
    } else {
        fill(texts::counts(l), &[("list", &parts.join(" · "))])
    }
}

/// An action's title in the asker's language, "in general" for the campaign as a whole, or
/// the slug itself for an action no longer in the content.
pub fn action_title(req: &Request, c: &Campaign, action: &str) -> String {
    if action.is_empty() {
        return texts::in_general(req.locale).to_string();
    }
    c.action(action).map_or_else(|| action.to_string(), |a| a.title.get(req.locale).to_string())
}

/// "Sign up" and "Withdraw" buttons: a pair per call to action, or one pair for the
/// campaign when it has none. Discord allows 25 buttons; the first twelve actions get theirs.
fn buttons(req: &Request, c: &Campaign) -> Vec<Button> {
    let l = req.locale;
    let pair = |action: Option<&str>, label: String| {
        [
            Button::SignUp { campaign: c.slug.clone(), action: action.map(str::to_string), label },
            Button::Withdraw {
                campaign: c.slug.clone(),
                action: action.map(str::to_string),
                label: texts::withdraw(l).to_string(),
            },
        ]
    };
    if c.actions.is_empty() {
        return pair(None, texts::sign_up(l).into()).to_vec();
    }
    c.actions
        .iter()
        .take(12)
        .flat_map(|a| pair(Some(&a.slug), fill(texts::sign_up_for(l), &[("action", a.title.get(l))])))
        .collect()
}

/// An unknown campaign: say so, suggest the closest, list the real ones.
pub fn unknown(req: &Request, content: &Content, slug: &str) -> Reply {
    let l = req.locale;
    let mut first = fill(texts::unknown_campaign(l), &[("name", slug)]);
    if let Some(s) = closest(slug, content.campaigns.iter().map(|c| c.slug.as_str())) {
        // The command that was typed, when a campaign is its first word (`/signup jilamito`).
        let spec = req.command.spec().filter(|spec| spec.typed.first() == Some(&"campaign"));
        first.push(' ');
        first.push_str(&fill(texts::did_you_mean(l), &[("cmd", &req.cmd(spec.unwrap_or(&catalog::CAMPAIGN), s))]));
    }
    let mut reply = list(req, content);
    reply.blocks.insert(0, Block::Text(first));
    if let Some(Block::List { label, .. }) = reply.blocks.get_mut(1) {
        *label = reply.title.take().unwrap_or_default();
    }
    reply.tone = Tone::Refusal;
    reply
}

/// An action the campaign does not have: say so, suggest the closest in the command that
/// was typed, list the ones it has.
pub fn unknown_action(req: &Request, c: &Campaign, a: &str) -> Reply {
    let l = req.locale;
    let list: Vec<String> = c.actions.iter().map(|x| format!("`{}` ({})", x.slug, x.title.get(l))).collect();
    let list = if list.is_empty() { "—".to_string() } else { list.join(", ") };
    let mut text = fill(texts::unknown_action(l), &[("campaign", c.title.get(l)), ("action", a), ("list", &list)]);
    if let Some(near) = closest(a, c.actions.iter().map(|x| x.slug.as_str())) {
        let spec = req.command.spec().unwrap_or(&catalog::SIGN_UP);
        text.push(' ');
        text.push_str(&fill(texts::did_you_mean(l), &[("cmd", &req.cmd(spec, &format!("{} {near}", c.slug)))]));
    }
    Reply::refusal(text)
}

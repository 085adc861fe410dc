//! A member's own sign-ups: `signup`, `withdraw`, `mysignups`, `forgetme`. Every answer is
//! private: whether someone signed up is nobody else's business.

use crate::calendar::format;
use crate::content::{Campaign, Content};
use crate::engine::answers::campaign::{action_title, unknown, unknown_action};
use crate::engine::answers::follow_up::state_label;
use crate::engine::texts::{self, fill};
use crate::engine::{Block, Reply, Request, Spec, Tone, catalog};
use crate::store::{Erased, Placed, Result, SignUpOutcome, Store};

/// Finds the campaign (and action) named, or the reply explaining what exists.
fn resolve<'c>(
    req: &Request,
    content: &'c Content,
    campaign: Option<&str>,
    action: Option<&str>,
    verb: &Spec,
) -> std::result::Result<(&'c Campaign, Option<String>), Reply> {
    let l = req.locale;
    let Some(slug) = campaign else {
        let example = content.campaigns.first().map_or("jilamito", |c| c.slug.as_str());
        let mut reply = super::campaign::list(req, content);
        reply.blocks.insert(0, Block::Text(fill(texts::which_campaign(l), &[("cmd", &req.cmd(verb, example))])));
        reply.visibility = crate::engine::Visibility::Private;
        reply.tone = Tone::Refusal;
        return Err(reply);
    };
    let Some(c) = content.campaign(slug) else {
        let mut reply = unknown(req, content, slug);
        reply.visibility = crate::engine::Visibility::Private;
        return Err(reply);
    };
    match action {
        None => Ok((c, None)),
        Some(a) if c.action(a).is_some() => Ok((c, Some(a.to_lowercase()))),
        Some(a) => Err(unknown_action(req, c, a)),
    }
}

fn action_suffix(req: &Request, c: &Campaign, action: Option<&str>) -> String {
    match action {
        Some(a) => format!(" — {}", action_title(req, c, a)),
        None => String::new(),
    }
}

/// `signup <campaign> [action]`.
pub async fn sign_up(
    req: &Request,
    content: &Content,
    store: &Store,
    campaign: Option<&str>,
    action: Option<&str>,
) -> Result<Reply> {
    let (c, action) = match resolve(req, content, campaign, action, &catalog::SIGN_UP) {
        Ok(found) => found,
        Err(reply) => return Ok(reply),
    };
    let l = req.locale;
    let seen = crate::store::Seen { locale: req.locale, member: req.member };
    let slug = action.as_deref().unwrap_or("");
    let capacity = c.action(slug).and_then(|a| a.capacity);
    let (outcome, placed) = match capacity {
        Some(capacity) => store.take_place(&req.user, &c.slug, slug, capacity, seen, req.now).await?,
        None => (store.sign_up_seen(&req.user, &c.slug, slug, Some(seen), req.now).await?, Placed::Confirmed),
    };
    let suffix = action_suffix(req, c, action.as_deref());
    let undo = req.cmd(
        &catalog::WITHDRAW,
        &format!("{}{}", c.slug, action.as_deref().map(|a| format!(" {a}")).unwrap_or_default()),
    );
    let values = [("campaign", c.title.get(l)), ("action", suffix.as_str()), ("undo", undo.as_str())];
    if let Placed::Waitlisted { position } = placed {
        if outcome == SignUpOutcome::Already {
            // Signing up again while a place is offered to them is taking it.
            if store.open_offers_of(&req.user).await?.iter().any(|o| o.campaign == c.slug && o.action == slug) {
                return super::progress::place(req, content, store, Some(true), Some(&c.slug), Some(slug)).await;
            }
            let position = position.to_string();
            return Ok(Reply::private()
                .text(fill(texts::still_waitlisted(l), &[values[0], values[1], ("position", &position)])));
        }
        let template = if capacity == Some(1) { texts::waitlisted_one(l) } else { texts::waitlisted(l) };
        let (position, capacity) = (position.to_string(), capacity.unwrap_or_default().to_string());
        return Ok(Reply::private().tone(Tone::Done).text(fill(
            template,
            &[values[0], values[1], values[2], ("position", &position), ("capacity", &capacity)],
        )));
    }
    let (template, tone) = match outcome {
        SignUpOutcome::New => (texts::signed_up(l), Tone::Done),
        SignUpOutcome::Renewed => (texts::signed_up_again(l), Tone::Done),
        SignUpOutcome::Already => (texts::already_signed_up(l), Tone::Info),
    };
    Ok(Reply::private().tone(tone).text(fill(template, &values)))
}

/// `withdraw <campaign> [action]`: one action, or the whole campaign.
pub async fn withdraw(
    req: &Request,
    content: &Content,
    store: &Store,
    campaign: Option<&str>,
    action: Option<&str>,
) -> Result<Reply> {
    let (c, action) = match resolve(req, content, campaign, action, &catalog::WITHDRAW) {
        Ok(found) => found,
        Err(reply) => return Ok(reply),
    };
    let l = req.locale;
    let n = store.withdraw(&req.user, &c.slug, action.as_deref(), req.now).await?;
    let suffix = action_suffix(req, c, action.as_deref());
    let values = [("campaign", c.title.get(l)), ("action", suffix.as_str())];
    Ok(if n > 0 {
        Reply::private().tone(Tone::Done).text(fill(texts::withdrawn(l), &values))
    } else {
        Reply::private().text(fill(texts::not_signed_up(l), &values))
    })
}

/// `mysignups`: the asker's own active sign-ups.
pub async fn mine(req: &Request, content: &Content, store: &Store) -> Result<Reply> {
    mine_everywhere(req, &[(content, store)]).await
}

/// `mysignups` across every group of a deployment: one list per group with sign-ups, named
/// by the group when there are several.
pub async fn mine_everywhere(req: &Request, groups: &[(&Content, &Store)]) -> Result<Reply> {
    let l = req.locale;
    let mut lists = Vec::new();
    for (content, store) in groups {
        let signups = store.signups_of(&req.user).await?;
        if signups.is_empty() {
            continue;
        }
        let label = if groups.len() > 1 { content.group.name.get(l).to_string() } else { String::new() };
        lists.push(Block::List { label, items: listed(req, content, &signups) });
    }
    if lists.is_empty() {
        return Ok(Reply::private().text(fill(texts::my_signups_none(l), &[("cmd", &req.cmd(&catalog::CAMPAIGN, ""))])));
    }
    Ok(lists.into_iter().fold(Reply::private().titled(texts::my_signups(l)), Reply::block))
}

/// One group's sign-ups of a person, a line each.
fn listed(req: &Request, content: &Content, signups: &[crate::store::SignUp]) -> Vec<String> {
    let l = req.locale;
    let zone = content.group.zone;
    signups
        .iter()
        .map(|s| {
            let date = format::day_month_year(s.at.with_timezone(&zone).date_naive(), l);
            let state = state_label(s.waitlisted, s.outcome, l).map(|st| format!(" · {st}")).unwrap_or_default();
            match content.campaign(&s.campaign) {
                Some(c) => format!("**{}** — {} ({date}){state}", c.title.get(l), action_title(req, c, &s.action)),
                // A campaign removed from the content since: still theirs to see.
                None => format!("**{}** — {} ({date}){state}", s.campaign, s.action),
            }
        })
        .collect()
}

/// `forgetme`: first says what would be erased; `forgetme confirm` erases it.
pub async fn forget_me(req: &Request, store: &Store, confirmed: bool) -> Result<Reply> {
    let l = req.locale;
    let platform = platform_name(req);
    if !confirmed {
        let stored = store.stored_about(&req.user).await?;
        if stored.is_empty() {
            return Ok(Reply::private().text(fill(texts::forget_nothing(l), &[("platform", platform)])));
        }
        return Ok(Reply::private().text(fill(
            texts::forget_preview(l),
            &[("platform", platform), ("what", &describe(req, &stored)), ("cmd", &confirm(req))],
        )));
    }
    let erased = store.forget(&req.user).await?;
    if erased.is_empty() {
        return Ok(Reply::private().text(fill(texts::forget_nothing(l), &[("platform", platform)])));
    }
    tracing::info!(platform, "a member erased their data");
    Ok(Reply::private()
        .tone(Tone::Done)
        .text(fill(texts::forget_done(l), &[("what", &describe(req, &erased)), ("platform", platform)])))
}

/// `/forgetme confirm`, `/olvidame confirmar`: the command with its option's name.
fn confirm(req: &Request) -> String {
    let spec = &catalog::FORGET_ME;
    req.cmd(spec, spec.options.first().map_or("", |o| o.name.get(req.locale)))
}

fn platform_name(req: &Request) -> &'static str {
    req.on.called.unwrap_or_else(|| texts::this_terminal(req.locale))
}

fn describe(req: &Request, e: &Erased) -> String {
    let l = req.locale;
    let mut parts = Vec::new();
    if e.profile {
        parts.push(texts::your_name(l).to_string());
    }
    if e.signups > 0 {
        parts.push(texts::count(e.signups as usize, texts::one_signup, texts::n_signups, l));
    }
    if e.rsvps > 0 {
        parts.push(texts::count(e.rsvps as usize, texts::one_rsvp, texts::n_rsvps, l));
    }
    if e.personal > 0 {
        parts.push(texts::count(e.personal as usize, texts::one_personal, texts::n_personal, l));
    }
    if e.authored > 0 {
        parts.push(texts::count(e.authored as usize, texts::one_authored, texts::n_authored, l));
    }
    if e.dashboard > 0 {
        parts.push(texts::count(e.dashboard as usize, texts::one_dashboard, texts::n_dashboard, l));
    }
    parts.join(", ")
}

//! `coyuntura`: situation briefings.

use crate::calendar::format;
use crate::content::{Briefing, Content};
use crate::engine::suggest::closest;
use crate::engine::texts::{self, fill};
use crate::engine::{Block, Reply, Request, Tone, catalog};

/// The newest briefing, or the one named.
pub fn briefing(req: &Request, content: &Content, name: Option<&str>) -> Reply {
    let l = req.locale;
    let chosen = match name {
        None => content.briefings.first(),
        Some(name) => content.briefing(name),
    };
    let Some(b) = chosen else {
        return missing(req, content, name);
    };
    let up_to = fill(texts::briefing_up_to(l), &[("date", &format::day_month_year(b.date, l))]);
    let mut reply = Reply::public().titled(b.title.get(l)).text(format!("*{up_to}*")).text(b.summary.get(l));
    reply.url = b.learn_more.clone();
    if let Some(body) = &b.body {
        reply = reply.text(body.get(l));
    }
    if let Some(link) = &b.learn_more {
        reply = reply.block(Block::Field { label: texts::learn_more(l).into(), value: link.clone() });
    }
    let others: Vec<String> = content
        .briefings
        .iter()
        .filter(|o| o.slug != b.slug)
        .map(|o| format!("`{}`", req.cmd(&catalog::BRIEFING, &o.slug)))
        .collect();
    if !others.is_empty() {
        reply = reply.block(Block::Note(fill(texts::other_briefings(l), &[("list", &others.join(", "))])));
    }
    reply
}

fn missing(req: &Request, content: &Content, name: Option<&str>) -> Reply {
    let l = req.locale;
    let Some(name) = name else {
        return Reply::public().text(texts::no_briefings(l));
    };
    let mut first = fill(texts::unknown_briefing(l), &[("name", name)]);
    if let Some(s) = closest(name, content.briefings.iter().map(|b| b.slug.as_str())) {
        first.push(' ');
        first.push_str(&fill(texts::did_you_mean(l), &[("cmd", &req.cmd(&catalog::BRIEFING, s))]));
    }
    let mut reply = Reply::public().tone(Tone::Refusal).text(first);
    if content.briefings.is_empty() {
        return reply.text(texts::no_briefings(l));
    }
    reply = reply.block(Block::List {
        label: texts::briefings(l).into(),
        items: content.briefings.iter().map(|b| line(req, b)).collect(),
    });
    reply
}

fn line(req: &Request, b: &Briefing) -> String {
    format!("`{}` — {}", b.slug, b.title.get(req.locale))
}

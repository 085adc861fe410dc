//! `/groups` and `/group`: the organization's groups (each one's next meeting and how to
//! join), and which group the bot's direct chat answers for someone in several.

use crate::calendar::{Occurrence, format};
use crate::content::{Content, Group};
use crate::engine::texts::{self, fill, literal};
use crate::engine::{Reply, Request, Tone, catalog};
use crate::locale::Locale;

/// One group as the organization's list shows it.
pub struct Listed<'a> {
    /// Its content.
    pub content: &'a Content,
    /// Its next meeting that is not cancelled, if any.
    pub next: Option<Occurrence>,
}

/// Every group, by name: when it next meets (in its own zone) and how to join. Public.
pub fn list(req: &Request, organization: Option<&str>, groups: &[Listed<'_>]) -> Reply {
    let l = req.locale;
    let title = match organization {
        Some(org) => fill(texts::groups_of(l), &[("org", org)]),
        None => texts::groups_title(l).to_string(),
    };
    let mut body = String::new();
    for g in groups {
        body.push_str(&entry(l, &g.content.group, g.next.as_ref()));
        body.push_str("\n\n");
    }
    Reply::public().titled(title).text(body.trim_end().to_string())
}

/// `/groups` where there is one group: it alone.
pub fn only_this(req: &Request, content: &Content) -> Reply {
    Reply::public().titled(texts::groups_title(req.locale)).text(entry(req.locale, &content.group, None))
}

/// One group's lines: its name, its next meeting, how to join.
fn entry(l: Locale, group: &Group, next: Option<&Occurrence>) -> String {
    let mut out = format!("**{}**", group.name.get(l));
    if let Some(occ) = next {
        let when = format::span(occ.start, occ.end, occ.zone, l);
        out.push_str(&format!("\n- {}", fill(texts::groups_next(l), &[("when", &when)])));
    }
    if let Some(how) = how_to_join(l, group) {
        out.push_str(&format!("\n- {}", fill(texts::groups_join(l), &[("how", &how)])));
    }
    out
}

/// The group's page, else whom to write to.
fn how_to_join(l: Locale, group: &Group) -> Option<String> {
    if let Some(site) = &group.website {
        return Some(site.clone());
    }
    let contact = group.contact.as_ref()?;
    let who = match &contact.email {
        Some(email) => format!("{} ({email})", literal(&contact.name)),
        None => literal(&contact.name),
    };
    Some(fill(texts::groups_write_to(l), &[("who", &who)]))
}

/// The groups named, as a list for a sentence: `LA/CWG (lacwg), Youth (youth)`.
pub fn names(groups: &[&Content]) -> String {
    let each: Vec<String> =
        groups.iter().map(|c| format!("{} (`{}`)", c.group.short_name, c.group.id.as_str())).collect();
    each.join(", ")
}

/// `/group` alone in a direct chat: which group it answers for now, and the person's groups.
pub fn which(req: &Request, current: Option<&Content>, theirs: &[&Content]) -> Reply {
    let l = req.locale;
    let mut reply = Reply::private();
    if let Some(c) = current {
        reply = reply.text(fill(texts::group_is(l), &[("group", c.group.name.get(l))]));
    }
    let cmd = req.cmd(&catalog::GROUP, &format!("<{}>", catalog::GROUP.options[0].name.get(l)));
    reply.text(fill(texts::group_yours(l), &[("list", &names(theirs)), ("cmd", &cmd)]))
}

/// `/group <name>` done: the direct chat answers for it from now on.
pub fn chosen(req: &Request, group: &Content) -> Reply {
    Reply::private()
        .tone(Tone::Done)
        .text(fill(texts::group_chosen(req.locale), &[("group", group.group.name.get(req.locale))]))
}

/// `/group <name>` naming no group: the names there are (the nearest first).
pub fn unknown(req: &Request, name: &str, all: &[&Content]) -> Reply {
    let l = req.locale;
    let slugs: Vec<&str> = all.iter().map(|c| c.group.id.as_str()).collect();
    let mut reply = Reply::refusal(fill(texts::group_unknown(l), &[("name", &literal(name)), ("list", &names(all))]));
    if let Some(near) = crate::suggest::closest(name, slugs.iter().copied()) {
        let cmd = req.cmd(&catalog::GROUP, near);
        reply = reply.text(fill(texts::did_you_mean(l), &[("cmd", &cmd)]));
    }
    reply
}

/// `/group <name>` naming a group the person is not a member of.
pub fn not_yours(req: &Request, group: &Content, theirs: &[&Content]) -> Reply {
    let l = req.locale;
    Reply::refusal(fill(texts::group_not_yours(l), &[("group", group.group.name.get(l)), ("list", &names(theirs))]))
}

/// A question for one group asked in the direct chat of someone in several who has not
/// said which: nothing is answered or recorded until they do.
pub fn choose_first(req: &Request, theirs: &[&Content]) -> Reply {
    let l = req.locale;
    let cmd = req.cmd(&catalog::GROUP, &format!("<{}>", catalog::GROUP.options[0].name.get(l)));
    Reply::refusal(fill(texts::group_choose_first(l), &[("list", &names(theirs)), ("cmd", &cmd)]))
}

/// A question for one group from someone in no group's home, in a deployment of several.
pub fn in_none(req: &Request) -> Reply {
    Reply::refusal(fill(texts::group_none(req.locale), &[("cmd", &req.cmd(&catalog::GROUPS, ""))]))
}

/// `/group` asked in a group's home: the place decides, not the person.
pub fn here(req: &Request, content: &Content) -> Reply {
    let l = req.locale;
    let cmd = req.cmd(&catalog::GROUP, "");
    Reply::private().text(fill(texts::group_here(l), &[("group", content.group.name.get(l)), ("cmd", &cmd)]))
}

/// A group's question asked in the terminal without `--group`: how to name one.
pub fn ask_with_group(req: &Request, all: &[&Content]) -> Reply {
    Reply::refusal(fill(texts::ask_with_group(req.locale), &[("list", &names(all))]))
}

/// A group's question asked in the organization's own home.
pub fn ask_in_group(req: &Request) -> Reply {
    Reply::refusal(fill(texts::ask_in_group(req.locale), &[("cmd", &req.cmd(&catalog::GROUPS, ""))]))
}

//! `help`, and what unknown, empty or oversized input gets.

use crate::content::Content;
use crate::engine::texts::{self, fill};
use crate::engine::{Audience, Reply, Request, Spec, Tone, Unclear, Wanted, catalog};

/// The list of commands, in the asker's language, with the platform's prefix: what members
/// can do, then (for organizers) what organizers can.
pub fn help(req: &Request, content: &Content) -> Reply {
    let l = req.locale;
    let group = content.group.name.get(l);
    let line = |spec: &Spec| format!("\n- `{}` — {}", req.cmd(spec, spec.usage.get(l)), spec.help.get(l));
    let mut body = texts::help_intro(l).to_string();
    // A group alone has no other group to list or choose.
    let alone = content.group.id.is_single();
    let listed = |s: &&&Spec| !(alone && catalog::FOR_ORGANIZATIONS.iter().any(|o| std::ptr::eq(*o, **s)));
    for spec in catalog::ALL.iter().filter(|s| s.audience != Audience::Organizer).filter(listed) {
        body.push_str(&line(spec));
    }
    if req.on.reactions {
        let campaign = catalog::SIGN_UP.options.first().map_or("", |o| o.name.get(l));
        let private_way = req.cmd(&catalog::SIGN_UP, &format!("<{campaign}>"));
        body.push_str("\n\n");
        body.push_str(&fill(texts::help_reactions(l), &[("cmd", &private_way)]));
    }
    if req.organizer {
        body.push_str("\n\n");
        body.push_str(texts::help_organizers(l));
        for spec in catalog::ALL.iter().filter(|s| s.audience == Audience::Organizer) {
            body.push_str(&line(spec));
        }
    }
    Reply::public()
        .titled(group)
        .text(body)
        .block(crate::engine::Block::Note(fill(texts::help_other_language(l), &[("cmds", &other_language(req))])))
}

/// A polite refusal for a member asking for an organizer command.
pub fn organizers_only(req: &Request, content: &Content) -> Reply {
    if !req.on.read_by_others {
        // Whoever runs the terminal has no role to ask for: the flag is how they organize.
        return Reply::refusal(texts::organizers_only_here(req.locale));
    }
    Reply::refusal(fill(texts::organizers_only(req.locale), &[("group", content.group.name.get(req.locale))]))
}

/// Signing up, going or a calendar link asked by someone who is not (or no longer) a
/// member of the group's home.
pub fn members_only(req: &Request, content: &Content) -> Reply {
    Reply::refusal(fill(texts::members_only(req.locale), &[("group", content.group.name.get(req.locale))]))
}

/// Anything but public answers, asked in a place that is not the group's: one line saying
/// whose bot this is and where the rest works.
pub fn not_here(req: &Request, content: &Content) -> Reply {
    let l = req.locale;
    Reply::refusal(fill(
        texts::not_here(l),
        &[("group", content.group.name.get(l)), ("cmd", &req.cmd(&catalog::MEETING, ""))],
    ))
}

/// `remind here` or `remind off` in a direct chat, which is no channel for reminders.
pub fn not_in_direct(req: &Request, content: &Content) -> Reply {
    let l = req.locale;
    Reply::refusal(fill(texts::not_in_direct(l), &[("group", content.group.name.get(l))]))
}

/// The main commands' names in the other language, so members find both spellings.
fn other_language(req: &Request) -> String {
    [&catalog::MEETING, &catalog::CAMPAIGN, &catalog::MISSION, &catalog::HELP]
        .iter()
        .map(|spec| format!("`{}`", spec.typed_on(req.on, req.locale.other(), "")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An unknown command: say so, suggest the closest one, and show the help.
pub fn unknown(req: &Request, content: &Content, word: &str, suggestion: Option<&Spec>) -> Reply {
    let l = req.locale;
    let mut first = fill(texts::unknown_command(l), &[("word", &req.cmd_raw(word))]);
    if matches!(word.to_lowercase().as_str(), "remindme" | "recuérdame" | "recuerdame") {
        // One slip from the organizers' `remind off`, which stops a whole channel's
        // reminders: never guessed, both offered.
        let mine = req.cmd(&catalog::MY_REMINDERS, catalog::my_reminders_word(false, l));
        let channel = req.cmd(&catalog::REMIND, "off");
        first.push(' ');
        first.push_str(&fill(texts::remindme_which(l), &[("mine", &mine), ("channel", &channel)]));
    } else if let Some(s) = suggestion {
        first.push(' ');
        first.push_str(&fill(texts::did_you_mean(l), &[("cmd", &req.cmd(s, ""))]));
    }
    let mut reply = help(req, content);
    reply.blocks.insert(0, crate::engine::Block::Text(first));
    reply.tone = Tone::Refusal;
    reply
}

/// A command with a word it does not read: which word, the nearest valid one when one is
/// close, what goes there, and how the command is written. Nothing was done.
pub fn unclear(req: &Request, u: &Unclear) -> Reply {
    let l = req.locale;
    let cmd = req.cmd(u.spec, "");
    let mut first = if u.word.is_empty() {
        fill(texts::unclear_missing(l), &[("cmd", &cmd)])
    } else {
        fill(texts::unclear_word(l), &[("word", &u.word), ("cmd", &cmd)])
    };
    if let Some(near) = u.suggestion(l) {
        first.push(' ');
        first.push_str(&fill(texts::unclear_did_you_mean(l), &[("word", near)]));
    }
    let wanted = match u.wanted {
        Wanted::Choice(choices) => {
            let list: Vec<String> = choices.iter().map(|c| format!("`{}`", c.label.get(l))).collect();
            fill(texts::unclear_choices(l), &[("list", &list.join(", "))])
        }
        Wanted::Date => texts::unclear_date(l).to_string(),
        Wanted::Length => texts::unclear_length(l).to_string(),
        Wanted::Time => texts::unclear_time(l).to_string(),
        Wanted::When => texts::unclear_when(l).to_string(),
        Wanted::Zone => texts::unclear_zone(l).to_string(),
        Wanted::Title => fill(texts::unclear_title(l), &[("max", &crate::engine::MAX_TITLE.to_string())]),
        Wanted::BeforeTitle => texts::unclear_before_title(l).to_string(),
        Wanted::Nothing => texts::unclear_nothing(l).to_string(),
    };
    let usage = req.cmd(u.spec, u.spec.usage.get(l));
    Reply::refusal(format!("{first} {wanted}")).text(fill(texts::unclear_usage(l), &[("usage", &usage)]))
}

/// Input over the size limit: a short refusal, nothing else read.
pub fn too_long(req: &Request, bytes: usize) -> Reply {
    let kb = bytes.div_ceil(1024).to_string();
    Reply::refusal(fill(texts::too_long(req.locale), &[("kb", &kb), ("cmd", &req.cmd(&catalog::HELP, ""))]))
}

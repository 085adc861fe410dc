//! `help`, and what unknown, empty or oversized input gets.

use crate::content::Content;
use crate::engine::texts::{self, fill};
use crate::engine::{Reply, Request, Tone};

/// The list of commands, in the asker's language, with the platform's prefix.
pub fn help(req: &Request, content: &Content) -> Reply {
    let l = req.locale;
    let group = content.group.name.get(l);
    let body_intro = texts::help_intro(l);
    let lines = [
        ("meeting", texts::help_meeting(l)),
        ("mission", texts::help_mission(l)),
        ("campaign", texts::help_campaign(l)),
        ("coyuntura", texts::help_coyuntura(l)),
        ("signup <campaign> [action]", texts::help_signup(l)),
        ("withdraw <campaign> [action]", texts::help_withdraw(l)),
        ("mysignups", texts::help_mysignups(l)),
        ("forgetme", texts::help_forgetme(l)),
        ("help", texts::help_help(l)),
    ];
    let mut body = body_intro.to_string();
    for (cmd, what) in lines {
        body.push_str(&format!("\n- `{}` — {what}", req.cmd(&placeholders(cmd, l))));
    }
    if req.platform() == crate::chat::Platform::Matrix {
        body.push_str("\n\n");
        body.push_str(&fill(texts::help_reactions(l), &[("cmd", &req.cmd(&placeholders("signup <campaign>", l)))]));
    }
    if req.organizer {
        body.push_str("\n\n");
        body.push_str(texts::help_organizers(l));
        for (cmd, what) in [
            ("signups <campaign>", texts::help_signups(l)),
            ("export <campaign>", texts::help_export(l)),
            ("cancel [meeting] <date>", texts::help_cancel(l)),
            ("move [meeting] <date> <new date> <time>", texts::help_move(l)),
            ("uncancel [meeting] <date>", texts::help_uncancel(l)),
            ("addmeeting <date> <time> [length] [zone] <title>", texts::help_addmeeting(l)),
            ("remind here|off|list [meeting]", texts::help_remind(l)),
        ] {
            body.push_str(&format!("\n- `{}` — {what}", req.cmd(&placeholders(cmd, l))));
        }
    }
    Reply::public()
        .titled(group)
        .text(body)
        .block(crate::engine::Block::Note(fill(texts::help_other_language(l), &[("cmds", &other_language(req))])))
}

/// Argument placeholders in the asker's language.
fn placeholders(cmd: &str, l: crate::locale::Locale) -> String {
    if l == crate::locale::Locale::En {
        return cmd.to_string();
    }
    cmd.replace("<campaign>", "<campaña>")
        .replace("[action]", "[acción]")
        .replace("[meeting]", "[reunión]")
        .replace("<new date>", "<nueva fecha>")
        .replace("<date>", "<fecha>")
        .replace("<time>", "<hora>")
        .replace("[length]", "[duración]")
        .replace("[zone]", "[zona]")
        .replace("<title>", "<título>")
}

/// A polite refusal for a member asking for an organizer command.
pub fn organizers_only(req: &Request, content: &Content) -> Reply {
    Reply::refusal(fill(texts::organizers_only(req.locale), &[("group", content.group.name.get(req.locale))]))
}

/// Anything but public answers, asked in a place that is not the group's: one line saying
/// whose bot this is and where the rest works.
pub fn not_here(req: &Request, content: &Content) -> Reply {
    let l = req.locale;
    Reply::refusal(fill(texts::not_here(l), &[("group", content.group.name.get(l)), ("cmd", &req.cmd("meeting"))]))
}

/// `remind here` or `remind off` in a direct chat, which is no channel for reminders.
pub fn not_in_direct(req: &Request, content: &Content) -> Reply {
    let l = req.locale;
    Reply::refusal(fill(texts::not_in_direct(l), &[("group", content.group.name.get(l))]))
}

/// The main commands' names in the other language, so members find both spellings.
fn other_language(req: &Request) -> String {
    let names: &[&str] = match req.locale.other() {
        crate::locale::Locale::Es => &["reunion", "campaña", "mision", "ayuda"],
        crate::locale::Locale::En => &["meeting", "campaign", "mission", "help"],
    };
    names.iter().map(|n| format!("`{}`", req.cmd_raw(n))).collect::<Vec<_>>().join(", ")
}

/// An unknown command: say so, suggest the closest one, and show the help.
pub fn unknown(req: &Request, content: &Content, word: &str, suggestion: Option<&str>) -> Reply {
    let l = req.locale;
    let mut first = fill(texts::unknown_command(l), &[("word", &req.cmd(word))]);
    if let Some(s) = suggestion {
        first.push(' ');
        first.push_str(&fill(texts::did_you_mean(l), &[("cmd", &req.cmd(s))]));
    }
    let mut reply = help(req, content);
    reply.blocks.insert(0, crate::engine::Block::Text(first));
    reply.tone = Tone::Refusal;
    reply
}

/// Input over the size limit: a short refusal, nothing else read.
pub fn too_long(req: &Request, bytes: usize) -> Reply {
    let kb = bytes.div_ceil(1024).to_string();
    Reply::refusal(fill(texts::too_long(req.locale), &[("kb", &kb), ("cmd", &req.cmd("help"))]))
}

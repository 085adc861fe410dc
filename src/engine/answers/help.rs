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
        ("help", texts::help_help(l)),
    ];
    let mut body = body_intro.to_string();
    for (cmd, what) in lines {
        body.push_str(&format!("\n- `{}` — {what}", req.cmd(cmd)));
    }
    Reply::public()
        .titled(group)
        .text(body)
        .block(crate::engine::Block::Note(fill(texts::help_other_language(l), &[("cmds", &other_language(req))])))
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

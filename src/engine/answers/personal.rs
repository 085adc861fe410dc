//! A person's own settings: `myreminders off|on` and `mycalendar [reset]`. Private answers.

use crate::engine::texts::{self, fill};
use crate::engine::{Block, Reply, Request, Settings, Tone, catalog};
use crate::store::{Result, Seen, Store};

/// `myreminders off|on`, or how they stand.
pub async fn my_reminders(req: &Request, store: &Store, on: Option<bool>) -> Result<Reply> {
    let l = req.locale;
    let off_cmd = req.cmd(&catalog::MY_REMINDERS, catalog::my_reminders_word(false, l));
    let on_cmd = req.cmd(&catalog::MY_REMINDERS, catalog::my_reminders_word(true, l));
    let Some(on) = on else {
        let off = store.personal_reminders_off(&req.user).await?;
        let text = if off {
            fill(texts::my_reminders_are_off(l), &[("cmd", &on_cmd)])
        } else {
            fill(texts::my_reminders_are_on(l), &[("cmd", &off_cmd)])
        };
        return Ok(Reply::private().text(text));
    };
    let seen = Seen { locale: req.locale, member: req.member };
    let changed = store.set_personal_reminders(&req.user, on, seen, req.now).await?;
    let (template, cmd) = match (on, changed) {
        (true, true) => (texts::my_reminders_turned_on(l), &off_cmd),
        (true, false) => (texts::my_reminders_are_on(l), &off_cmd),
        (false, true) => (texts::my_reminders_turned_off(l), &on_cmd),
        (false, false) => (texts::my_reminders_are_off(l), &on_cmd),
    };
    let tone = if changed { Tone::Done } else { Tone::Info };
    let mut reply = Reply::private().tone(tone).text(fill(template, &[("cmd", cmd)]));
    if !on {
        reply = reply.block(Block::Note(texts::my_reminders_notices_still(l).to_string()));
    }
    Ok(reply)
}

/// `mycalendar [reset]`: the person's private feed URL (a new one with `reset`).
pub async fn my_calendar(req: &Request, store: &Store, settings: &Settings, reset: bool) -> Result<Reply> {
    let l = req.locale;
    let Some(base) = &settings.public_url else {
        return Ok(Reply::private().tone(Tone::Refusal).text(texts::my_calendar_no_url(l)));
    };
    let token = store.feed_token(&req.user, &new_token(), reset, req.now).await?;
    let url = format!("{}/me/{token}.ics", base.trim_end_matches('/'));
    let reset_cmd = req.cmd(&catalog::MY_CALENDAR, catalog::MY_CALENDAR.options[0].name.get(l));
    let template = if reset { texts::my_calendar_reset(l) } else { texts::my_calendar(l) };
    Ok(Reply::private()
        .tone(if reset { Tone::Done } else { Tone::Info })
        .text(fill(template, &[("url", &url)]))
        .block(Block::Note(fill(texts::my_calendar_private(l), &[("cmd", &reset_cmd)]))))
}

/// 32 random bytes in hex: a URL nobody can guess (256 bits, from the system's generator).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    // The system's generator fails only on a broken system; a token from the clock would be
    // guessable, so fall back to hashing several clock readings and the process id.
    if getrandom::fill(&mut bytes).is_err() {
        use sha2::Digest;
        let seed = format!("{:?}{:?}{}", std::time::SystemTime::now(), std::time::Instant::now(), std::process::id());
        bytes.copy_from_slice(&sha2::Sha256::digest(seed.as_bytes()));
    }
    hex::encode(bytes)
}

/// Whether `token` has the form [`new_token`] makes (64 lowercase hex digits): anything else
/// is refused before the database is asked.
pub fn is_token(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

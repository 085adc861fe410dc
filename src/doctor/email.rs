//! Email's checks: the settings, and a login to the SMTP server that sends nothing.

use super::Line;
use crate::config::EmailConfig;
use crate::email::{Failure, Smtp};

/// Checks the SMTP settings and logs in and out, sending nothing; and names the lists the
/// reminders go to, so a typo in one shows.
pub async fn check(config: &EmailConfig, channels: &[String], lines: &mut Vec<Line>) {
    let smtp = match Smtp::new(config) {
        Ok(smtp) => smtp,
        Err(why) => {
            lines.push(Line::fail("email settings", why, "correct it in the env file"));
            return;
        }
    };
    match smtp.check_login().await {
        Ok(()) => {
            let how = if config.user.is_some() { "logged in and out" } else { "connected (no login set)" };
            lines.push(Line::ok("email server", format!("{} — {how}, nothing sent", smtp.server())));
        }
        Err(Failure::LoginRefused(why)) => {
            lines.push(Line::fail("email server", why, "correct CONVOCA_SMTP_USER or CONVOCA_SMTP_PASSWORD"))
        }
        Err(other) => lines.push(Line::fail(
            "email server",
            other.to_string(),
            "check CONVOCA_SMTP_HOST, CONVOCA_SMTP_PORT, CONVOCA_SMTP_SECURITY, CONVOCA_SMTP_USER and CONVOCA_SMTP_PASSWORD",
        )),
    }
    let lists = super::on(channels, crate::chat::Platform::Email);
    if lists.is_empty() {
        lines.push(Line::warn(
            "email lists",
            "no reminder goes to a list",
            "name one in a meeting's reminder channels or CONVOCA_REMINDER_CHANNELS (mail:list@example.org)",
        ));
    } else {
        lines.push(Line::ok("email lists", format!("reminders go to {} (from {})", lists.join(", "), smtp.from)));
    }
}

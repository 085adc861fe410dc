//! Email's part of setup: the SMTP server and account, checked by logging in and out (nothing
//! is sent), and the mailing list reminders go to.

use super::SetupError;
use super::prompt::Prompt;
use crate::config::{EmailConfig, Secret, SmtpSecurity};
use crate::email::{Failure, Smtp};

/// What setup learned of email.
pub struct Found {
    /// The settings, checked.
    pub config: EmailConfig,
    /// The list reminders go to (`mail:address`), when one was given.
    pub list: Option<String>,
}

const TRIES: usize = 3;

/// Asks for (or takes) the server, the account and the list, logging in once to check them.
/// The list is asked first, so a mistyped address costs no login; after a failed check an
/// interactive run asks again for what the failure points at.
pub async fn setup(given: &EmailConfig, list: Option<&str>, prompt: &mut dyn Prompt) -> Result<Found, SetupError> {
    let list = mailing_list(list, prompt)?;
    let mut config = given.clone();
    for attempt in 1..=TRIES {
        ask_server(&mut config, prompt)?;
        ask_account(&mut config, prompt)?;
        match login(&config).await {
            Ok(server) => {
                prompt.say(&format!("✓ {server}: logged in and out, nothing sent"));
                return Ok(Found { config, list });
            }
            Err(why) if attempt < TRIES && prompt.interactive() => {
                prompt.say(&format!("✗ {why}"));
                forget_what_failed(&mut config, &why);
            }
            Err(why) => return Err(SetupError::Refused(why)),
        }
    }
    Err(SetupError::Refused("the SMTP settings did not work".into()))
}

/// After a failed check, the answers it points at are asked again: the password for a
/// refused login, the sender for an address refused, else the server and its port.
fn forget_what_failed(config: &mut EmailConfig, why: &str) {
    if why.contains("refused the login") {
        config.password = None;
    } else if why.contains("CONVOCA_SMTP_FROM") {
        config.from = None;
    } else {
        config.host = None;
        config.port = None;
        config.security = SmtpSecurity::Starttls;
    }
}

/// The server, its port (and so its protection) and the sender's address, each checked as
/// it is given.
fn ask_server(config: &mut EmailConfig, prompt: &mut dyn Prompt) -> Result<(), SetupError> {
    if config.host.as_deref().is_none_or(|h| h.trim().is_empty()) {
        let host = prompt
            .ask("The SMTP server mail leaves through (e.g. smtp.example.org)", None)
            .ok_or(SetupError::Missing { what: "the SMTP server", flag: "--smtp-host" })?;
        config.host = Some(host.trim().to_string());
    }
    if config.port.is_none() && prompt.interactive() {
        let answer = prompt.ask("Its port: 587 (STARTTLS) or 465 (TLS)", Some("587")).unwrap_or_default();
        if let Ok(port) = answer.trim().parse::<u16>() {
            config.port = Some(port);
            if port == 465 && config.security == SmtpSecurity::Starttls {
                config.security = SmtpSecurity::Tls;
            }
        }
    }
    for _ in 0..TRIES {
        if config.from.as_deref().is_some_and(|f| f.trim().parse::<lettre::message::Mailbox>().is_ok()) {
            return Ok(());
        }
        if let Some(bad) = &config.from {
            prompt
                .say(&format!("✗ `{bad}` is not an address mail can be sent from: write `Name <address@example.org>`"));
        }
        let from = prompt
            .ask("Who the mail is from, as the lists allow it (e.g. LA/CWG <convoca@example.org>)", None)
            .ok_or(SetupError::Missing { what: "the address mail is from", flag: "--smtp-from" })?;
        config.from = Some(from.trim().to_string());
    }
    Ok(())
}

/// The account's name and password.
fn ask_account(config: &mut EmailConfig, prompt: &mut dyn Prompt) -> Result<(), SetupError> {
    if config.user.is_none() {
        let user = prompt
            .ask("The account to log in with (usually the address itself)", None)
            .ok_or(SetupError::Missing { what: "the SMTP account", flag: "--smtp-user" })?;
        config.user = Some(user.trim().to_string());
    }
    if config.password.is_none() {
        let password = prompt
            .secret("Its password")
            .and_then(|p| p.parse::<Secret>().ok())
            .ok_or(SetupError::Missing { what: "the SMTP password", flag: "--smtp-password" })?;
        config.password = Some(password);
    }
    Ok(())
}

/// Logs in and out with `config`, sending nothing; the server's name when that worked.
async fn login(config: &EmailConfig) -> Result<String, String> {
    let smtp = Smtp::new(config)?;
    match smtp.check_login().await {
        Ok(()) => Ok(smtp.server()),
        Err(Failure::Retry(why) | Failure::LoginRefused(why) | Failure::Refused(why) | Failure::Unknown(why)) => {
            Err(why)
        }
    }
}

/// The list every reminder goes to: given, or asked (Enter keeps the one already set up, or
/// none for now). Without a terminal it must be given (`none` for none).
fn mailing_list(given: Option<&str>, prompt: &mut dyn Prompt) -> Result<Option<String>, SetupError> {
    let current = std::env::var("CONVOCA_REMINDER_CHANNELS")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .find_map(|c| c.strip_prefix("mail:").map(str::to_string));
    for _ in 0..TRIES {
        let answer = match given {
            Some(list) => list.to_string(),
            None => prompt
                .ask(
                    "The mailing list every reminder goes to (its address; Enter: none for now)",
                    Some(current.as_deref().unwrap_or("")),
                )
                .ok_or(SetupError::Missing { what: "the mailing list", flag: "--mail-list ADDRESS|none" })?,
        };
        let answer = answer.trim().trim_start_matches("mail:");
        if answer.is_empty() || answer == "none" {
            return Ok(None);
        }
        let channel = crate::content::canonical_channel(&format!("mail:{answer}"));
        if crate::content::valid_channel(&channel) {
            return Ok(Some(channel));
        }
        let why = format!("`{answer}` is not a list's address: write the address alone, e.g. action-list@example.org");
        if given.is_some() || !prompt.interactive() {
            return Err(SetupError::Refused(why));
        }
        prompt.say(&format!("✗ {why}"));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers in order, as someone at the terminal would.
    struct Typed(Vec<&'static str>);

    impl Prompt for Typed {
        fn ask(&mut self, _: &str, _: Option<&str>) -> Option<String> {
            (!self.0.is_empty()).then(|| self.0.remove(0).to_string())
        }
        fn secret(&mut self, q: &str) -> Option<String> {
            self.ask(q, None)
        }
        fn say(&mut self, _: &str) {}
        fn interactive(&self) -> bool {
            true
        }
    }

    #[test]
    fn the_port_typed_is_the_port_used_and_465_means_tls() {
        let mut config = EmailConfig::default();
        ask_server(&mut config, &mut Typed(vec!["smtp.example.org", "2525", "convoca@example.org"])).unwrap();
        assert_eq!((config.port, config.security), (Some(2525), SmtpSecurity::Starttls));
        let mut config = EmailConfig::default();
        ask_server(&mut config, &mut Typed(vec!["smtp.example.org", "465", "convoca@example.org"])).unwrap();
        assert_eq!((config.port, config.security), (Some(465), SmtpSecurity::Tls));
    }

    #[test]
    fn a_sender_that_is_no_address_is_asked_again_before_any_password() {
        let mut config = EmailConfig::default();
        let mut typed = Typed(vec!["smtp.example.org", "587", "LA/CWG convoca@example.org", "LA/CWG <c@example.org>"]);
        ask_server(&mut config, &mut typed).unwrap();
        assert_eq!(config.from.as_deref(), Some("LA/CWG <c@example.org>"));
    }

    #[test]
    fn a_failure_asks_again_for_what_it_points_at() {
        let full = || EmailConfig {
            host: Some("h".into()),
            port: Some(587),
            from: Some("a@b.org".into()),
            user: Some("u".into()),
            password: Some("p".parse().unwrap()),
            ..EmailConfig::default()
        };
        let mut c = full();
        forget_what_failed(&mut c, "h:587 refused the login: 535");
        assert!(c.password.is_none() && c.host.is_some());
        let mut c = full();
        forget_what_failed(&mut c, "could not connect to h:587: refused");
        assert!(c.host.is_none() && c.port.is_none() && c.password.is_some());
    }
}

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
        // A relay on this machine takes no login (and must not get a password in clear).
        if config.security != SmtpSecurity::None {
            ask_account(&mut config, prompt)?;
        }
        match login(&config).await {
            Ok(server) => {
                prompt.say(&format!("✓ {server}: logged in and out, nothing sent"));
                return Ok(Found { config, list });
            }
            Err(failed) if attempt < TRIES && prompt.interactive() => {
                prompt.say(&format!("✗ {failed}"));
                forget_what_failed(&mut config, given, &failed);
            }
            Err(failed) => return Err(SetupError::Refused(failed.to_string())),
        }
    }
    Err(SetupError::Refused("the SMTP settings did not work".into()))
}

/// Why a check failed: settings that cannot work as written, or the server's answer.
#[derive(Debug, thiserror::Error)]
enum Failed {
    /// What the settings say cannot work (the variable named).
    #[error("{0}")]
    Settings(String),
    /// What the server did.
    #[error("{0}")]
    Server(Failure),
}

/// After a failed check, the answers it points at are asked again: the password for a
/// refused login, the sender for an address refused, else the server and its port (with
/// the protection as it was given).
fn forget_what_failed(config: &mut EmailConfig, given: &EmailConfig, failed: &Failed) {
    match failed {
        Failed::Server(Failure::LoginRefused(_)) => config.password = None,
        Failed::Settings(why) if why.contains("CONVOCA_SMTP_FROM") => config.from = None,
        _ => {
            config.host = None;
            config.port = None;
            config.security = given.security;
        }
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
    let mut tries = 0;
    while config.port.is_none() && prompt.interactive() && tries < TRIES {
        tries += 1;
        let default = config.port().to_string();
        let answer = prompt.ask("Its port: 587 (STARTTLS) or 465 (TLS)", Some(&default)).unwrap_or_default();
        match answer.trim().parse::<u16>() {
            Ok(port) => {
                config.port = Some(port);
                if port == 465 && config.security == SmtpSecurity::Starttls {
                    config.security = SmtpSecurity::Tls;
                }
            }
            Err(_) => prompt.say(&format!("✗ `{}` is not a port number", answer.trim())),
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
async fn login(config: &EmailConfig) -> Result<String, Failed> {
    let smtp = Smtp::new(config).map_err(Failed::Settings)?;
    smtp.check_login().await.map_err(Failed::Server)?;
    Ok(smtp.server())
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
        /// Enter (an empty answer) takes the default, as at the terminal.
        fn ask(&mut self, _: &str, default: Option<&str>) -> Option<String> {
            let typed = (!self.0.is_empty()).then(|| self.0.remove(0).to_string())?;
            Some(if typed.is_empty() { default.unwrap_or_default().to_string() } else { typed })
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
        // Not a number: asked again, not dropped; Enter takes the protection's own port.
        let mut config = EmailConfig { security: SmtpSecurity::Tls, ..EmailConfig::default() };
        ask_server(&mut config, &mut Typed(vec!["smtp.example.org", "sixty", "", "convoca@example.org"])).unwrap();
        assert_eq!(config.port, Some(465));
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
        let given = EmailConfig { security: SmtpSecurity::Tls, ..full() };
        let mut c = full();
        forget_what_failed(&mut c, &given, &Failed::Server(Failure::LoginRefused("535".into())));
        assert!(c.password.is_none() && c.host.is_some());
        let mut c = full();
        forget_what_failed(&mut c, &given, &Failed::Server(Failure::Retry("could not connect".into())));
        assert!(c.host.is_none() && c.port.is_none() && c.password.is_some());
        assert_eq!(c.security, SmtpSecurity::Tls, "the protection given stays");
        let mut c = full();
        forget_what_failed(&mut c, &given, &Failed::Settings("CONVOCA_SMTP_FROM: `x` is not an address".into()));
        assert!(c.from.is_none() && c.host.is_some());
    }
}

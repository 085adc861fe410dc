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
pub async fn setup(given: &EmailConfig, list: Option<&str>, prompt: &mut dyn Prompt) -> Result<Found, SetupError> {
    let mut config = given.clone();
    ask_server(&mut config, prompt)?;
    for attempt in 1..=TRIES {
        ask_account(&mut config, prompt)?;
        match login(&config).await {
            Ok(server) => {
                prompt.say(&format!("✓ {server}: logged in and out, nothing sent"));
                break;
            }
            Err(why) if attempt < TRIES && prompt.interactive() => {
                prompt.say(&format!("✗ {why}"));
                config.password = None;
            }
            Err(why) => return Err(SetupError::Refused(why)),
        }
    }
    let list = mailing_list(list, prompt)?;
    Ok(Found { config, list })
}

/// The server, its protection and the sender's address.
fn ask_server(config: &mut EmailConfig, prompt: &mut dyn Prompt) -> Result<(), SetupError> {
    if config.host.as_deref().is_none_or(|h| h.trim().is_empty()) {
        let host = prompt
            .ask("The SMTP server mail leaves through (e.g. smtp.example.org)", None)
            .ok_or(SetupError::Missing { what: "the SMTP server", flag: "--smtp-host" })?;
        config.host = Some(host.trim().to_string());
    }
    if config.from.is_none() {
        let from = prompt
            .ask("Who the mail is from, as the lists allow it (e.g. LA/CWG <convoca@example.org>)", None)
            .ok_or(SetupError::Missing { what: "the address mail is from", flag: "--smtp-from" })?;
        config.from = Some(from.trim().to_string());
    }
    if config.security == SmtpSecurity::Starttls && config.port.is_none() && prompt.interactive() {
        let port = prompt.ask("Its port: 587 (STARTTLS) or 465 (TLS)", Some("587")).unwrap_or_default();
        if port.trim() == "465" {
            config.security = SmtpSecurity::Tls;
        }
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

/// The list every reminder goes to: given, or asked (Enter: none for now).
fn mailing_list(given: Option<&str>, prompt: &mut dyn Prompt) -> Result<Option<String>, SetupError> {
    let answer = match given {
        Some(list) => list.to_string(),
        None => prompt
            .ask("The mailing list every reminder goes to (its address; Enter: none for now)", Some(""))
            .unwrap_or_default(),
    };
    let answer = answer.trim().trim_start_matches("mail:");
    if answer.is_empty() || answer == "none" {
        return Ok(None);
    }
    let channel = crate::content::canonical_channel(&format!("mail:{answer}"));
    if !crate::content::valid_channel(&channel) {
        return Err(SetupError::Refused(crate::content::not_a_channel(&channel)));
    }
    Ok(Some(channel))
}

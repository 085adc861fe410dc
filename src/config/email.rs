//! The settings of email, the platform that carries reminders to the group's mailing lists:
//! an SMTP submission server and the account convoca sends from.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::Secret;

/// How the connection to the SMTP server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS, required (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only to a relay on this machine (127.0.0.1, ::1 or localhost), without a
    /// password.
    None,
}

/// Email settings. Email is off without `CONVOCA_SMTP_HOST`.
#[derive(Args, Debug, Clone, Default)]
pub struct EmailConfig {
    /// The SMTP submission server that mail to `mail:` channels leaves through, e.g.
    /// smtp.example.org. Email is off without it.
    #[arg(id = "smtp_host", long = "smtp-host", env = "CONVOCA_SMTP_HOST")]
    pub host: Option<String>,
    /// Its port (587 with STARTTLS, 465 with TLS unless set).
    #[arg(id = "smtp_port", long = "smtp-port", env = "CONVOCA_SMTP_PORT")]
    pub port: Option<u16>,
    /// How the connection is protected: starttls, tls, or none (a relay on this machine only).
    #[arg(id = "smtp_security", long = "smtp-security", env = "CONVOCA_SMTP_SECURITY", value_enum, default_value_t = SmtpSecurity::Starttls)]
    pub security: SmtpSecurity,
    /// The account to log in with.
    #[arg(id = "smtp_user", long = "smtp-user", env = "CONVOCA_SMTP_USER")]
    pub user: Option<String>,
    /// Its password.
    #[arg(id = "smtp_password", long = "smtp-password", env = "CONVOCA_SMTP_PASSWORD", hide_env_values = true)]
    pub password: Option<Secret>,
    /// Who the mail is from, as the lists know the sender: `LA/CWG <convoca@example.org>`.
    /// Lists usually accept posts only from addresses subscribed or allowed.
    #[arg(id = "smtp_from", long = "smtp-from", env = "CONVOCA_SMTP_FROM")]
    pub from: Option<String>,
    /// A certificate authority (PEM) to trust besides the public ones, for a relay with a
    /// certificate of its own.
    #[arg(id = "smtp_ca_file", long = "smtp-ca-file", env = "CONVOCA_SMTP_CA_FILE")]
    pub ca_file: Option<PathBuf>,
}

impl EmailConfig {
    /// Whether email is on.
    pub fn enabled(&self) -> bool {
        self.host.as_deref().is_some_and(|h| !h.trim().is_empty())
    }

    /// The port to connect to.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.security {
            SmtpSecurity::Tls => 465,
            SmtpSecurity::Starttls | SmtpSecurity::None => 587,
        })
    }

    /// What is missing or contradictory, naming the variables; nothing when email is off.
    pub fn validate(&self) -> Result<(), String> {
        let Some(host) = self.host.as_deref().map(str::trim).filter(|h| !h.is_empty()) else { return Ok(()) };
        let Some(from) = self.from.as_deref().map(str::trim).filter(|f| !f.is_empty()) else {
            return Err(
                "CONVOCA_SMTP_FROM: the address mail is sent from is missing (e.g. `LA/CWG <convoca@example.org>`)"
                    .into(),
            );
        };
        if from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(format!(
                "CONVOCA_SMTP_FROM: `{from}` is not an address mail can be sent from; write `Name <address@example.org>` \
                 or the address alone"
            ));
        }
        if self.user.is_some() != self.password.is_some() {
            return Err("CONVOCA_SMTP_USER and CONVOCA_SMTP_PASSWORD go together: set both, or neither for a relay that needs no login".into());
        }
        if self.security == SmtpSecurity::None {
            if !matches!(host, "127.0.0.1" | "::1" | "localhost") {
                return Err(format!(
                    "CONVOCA_SMTP_SECURITY=none sends in clear: only to a relay on this machine, not to `{host}`"
                ));
            }
            if self.password.is_some() {
                return Err("CONVOCA_SMTP_SECURITY=none would send the password in clear: use starttls or tls".into());
            }
        }
        Ok(())
    }
}

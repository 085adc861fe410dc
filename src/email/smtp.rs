//! One SMTP submission, step by step, so that every failure says whether the message may have
//! reached the server: before the message's last line nothing was handed over; a connection
//! lost while waiting for the answer to it leaves the outcome unknown.

use std::time::Duration;

use lettre::address::Envelope;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Certificate, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Quit, Rcpt};
use lettre::transport::smtp::extension::ClientId;

use crate::config::{EmailConfig, SmtpSecurity};

/// How long connecting may take.
const STEP: Duration = Duration::from_secs(5);

/// How long a whole submission may take, inside the scheduler's bound on a send (10 s), so a
/// submission is never abandoned midway by the scheduler: past this before the message nothing
/// was handed over; past it during the message the outcome is unknown.
pub const BUDGET: Duration = Duration::from_secs(8);

/// How a submission failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// Nothing was handed over; worth trying again (a network error, a 4xx answer).
    #[error("{0}")]
    Retry(String),
    /// The server refused the login: nothing was handed over, and trying again before the
    /// settings change only risks the account being locked.
    #[error("{0}")]
    LoginRefused(String),
    /// Nothing was handed over, and trying again will not help (a 5xx answer to the sender or
    /// the list).
    #[error("{0}")]
    Refused(String),
    /// The whole message went out and no answer came: the server may have accepted it.
    #[error("{0}")]
    Unknown(String),
}

/// The server and the account mail goes through (`Debug` shows the server and sender,
/// never the password).
#[derive(Clone)]
pub struct Smtp {
    host: String,
    port: u16,
    security: SmtpSecurity,
    credentials: Option<Credentials>,
    tls: Option<TlsParameters>,
    /// Who mail is from.
    pub from: Mailbox,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Smtp({} as {})", self.server(), self.from)
    }
}

impl Smtp {
    /// The server `config` names, or what is wrong with the settings (naming the variable).
    pub fn new(config: &EmailConfig) -> Result<Smtp, String> {
        config.validate()?;
        let host = config.host.clone().unwrap_or_default().trim().to_string();
        let from: Mailbox = config
            .from
            .as_deref()
            .unwrap_or_default()
            .parse()
            .map_err(|e| format!("CONVOCA_SMTP_FROM is not an address mail can be sent from: {e}"))?;
        let tls = match config.security {
            SmtpSecurity::None => None,
            SmtpSecurity::Starttls | SmtpSecurity::Tls => Some(tls_for(&host, config.ca_file.as_deref())?),
        };
        let credentials = match (&config.user, &config.password) {
            (Some(user), Some(password)) => Some(Credentials::new(user.clone(), password.expose().to_string())),
            _ => None,
        };
        Ok(Smtp { host, port: config.port(), security: config.security, credentials, tls, from })
    }

    /// `host:port`, for messages.
    pub fn server(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// Connects, secures the connection and logs in: the part of a submission that hands
    /// nothing over. `doctor` stops here.
    pub async fn open(&self) -> Result<AsyncSmtpConnection, Failure> {
        let hello = ClientId::Domain(self.from.email.domain().to_string());
        let implicit = if self.security == SmtpSecurity::Tls { self.tls.clone() } else { None };
        let addr = (self.host.as_str(), self.port);
        let mut conn = AsyncSmtpConnection::connect_tokio1(addr, Some(STEP), &hello, implicit, None)
            .await
            .map_err(|e| Failure::Retry(format!("could not connect to {}: {e}{}", self.server(), self.hint(&e))))?;
        if self.security == SmtpSecurity::Starttls {
            let tls = self.tls.clone().ok_or_else(|| Failure::Refused("STARTTLS without TLS settings".into()))?;
            conn.starttls(tls, &hello).await.map_err(|e| {
                Failure::Retry(format!(
                    "{} did not secure the connection with STARTTLS: {e}{}",
                    self.server(),
                    self.hint(&e)
                ))
            })?;
        }
        if let Some(credentials) = &self.credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], credentials).await.map_err(|e| {
                // Only the server's no (5xx) is about the account; a dropped connection or a
                // 4xx is worth another try with the same password.
                if e.is_permanent() {
                    Failure::LoginRefused(format!(
                        "{} refused the login: {e} (check CONVOCA_SMTP_USER and CONVOCA_SMTP_PASSWORD)",
                        self.server()
                    ))
                } else {
                    Failure::Retry(format!("{} did not finish the login: {e}", self.server()))
                }
            })?;
        }
        Ok(conn)
    }

    /// Logs in and out, sending nothing, within [`BUDGET`].
    pub async fn check_login(&self) -> Result<(), Failure> {
        let mut conn = tokio::time::timeout(BUDGET, self.open()).await.map_err(|_| self.too_slow("logging in"))??;
        let _ = tokio::time::timeout(STEP, conn.command(Quit)).await;
        Ok(())
    }

    /// Hands `message` over for the envelope's recipients, within [`BUDGET`].
    pub async fn submit(&self, envelope: &Envelope, message: &[u8]) -> Result<(), Failure> {
        let deadline = tokio::time::Instant::now() + BUDGET;
        let ready = tokio::time::timeout_at(deadline, self.ready_for_data(envelope))
            .await
            .map_err(|_| self.too_slow("taking the recipients"))??;
        let mut conn = ready;
        match tokio::time::timeout_at(deadline, conn.message(message)).await {
            Ok(answer) => answer.map_err(|e| classify(e, true))?,
            Err(_) => {
                return Err(Failure::Unknown(format!(
                    "{} did not answer within {} s after the whole message went out",
                    self.server(),
                    BUDGET.as_secs()
                )));
            }
        };
        let _ = tokio::time::timeout(STEP, conn.command(Quit)).await;
        Ok(())
    }

    /// Everything before the message itself: the connection, the sender, the recipients and
    /// DATA. Nothing is handed over until this is done.
    async fn ready_for_data(&self, envelope: &Envelope) -> Result<AsyncSmtpConnection, Failure> {
        let mut conn = self.open().await?;
        let before = |e: lettre::transport::smtp::Error| classify(e, false);
        conn.command(Mail::new(envelope.from().cloned(), vec![])).await.map_err(before)?;
        for to in envelope.to() {
            conn.command(Rcpt::new(to.clone(), vec![])).await.map_err(before)?;
        }
        conn.command(Data).await.map_err(before)?;
        Ok(conn)
    }

    /// What to look at for a TLS failure: the security setting against the port, or the
    /// certificate authority.
    fn hint(&self, e: &lettre::transport::smtp::Error) -> String {
        let text = e.to_string();
        if text.contains("UnknownIssuer") || text.contains("certificate") {
            " (the server's certificate is not trusted: is it the right host, or does it need CONVOCA_SMTP_CA_FILE?)"
                .into()
        } else if text.contains("InvalidContentType") || text.contains("corrupt message") {
            match self.security {
                SmtpSecurity::Tls => format!(
                    " (CONVOCA_SMTP_SECURITY=tls speaks TLS from the first byte; the server on port {} may want \
                     starttls)",
                    self.port
                ),
                _ => format!(
                    " (the server on port {} may want TLS from the first byte: CONVOCA_SMTP_SECURITY=tls, usually \
                     port 465)",
                    self.port
                ),
            }
        } else if text.contains("not supported") {
            " (the server offers no STARTTLS: nothing, the password included, is sent over a connection in clear)"
                .into()
        } else {
            String::new()
        }
    }

    /// A step that took too long, before anything was handed over.
    fn too_slow(&self, doing: &str) -> Failure {
        Failure::Retry(format!(
            "{} was too slow {doing} (over {} s); nothing was sent",
            self.server(),
            BUDGET.as_secs()
        ))
    }
}

/// What a failed step means: an answer from the server says for sure; no answer after the
/// whole message went out leaves the outcome unknown.
fn classify(e: lettre::transport::smtp::Error, message_sent: bool) -> Failure {
    if e.is_permanent() {
        Failure::Refused(e.to_string())
    } else if e.is_transient() || !message_sent {
        Failure::Retry(e.to_string())
    } else {
        Failure::Unknown(format!("the connection ended before the server said whether it took the message: {e}"))
    }
}

/// TLS for `host`, trusting the public authorities and `ca_file` when given.
fn tls_for(host: &str, ca_file: Option<&std::path::Path>) -> Result<TlsParameters, String> {
    let mut builder = TlsParameters::builder(host.to_string());
    if let Some(path) = ca_file {
        let pem = std::fs::read(path).map_err(|e| format!("CONVOCA_SMTP_CA_FILE {}: {e}", path.display()))?;
        let cert = Certificate::from_pem(&pem)
            .map_err(|e| format!("CONVOCA_SMTP_CA_FILE {} is not a PEM certificate: {e}", path.display()))?;
        builder = builder.add_root_certificate(cert);
    }
    builder.build_rustls().map_err(|e| format!("TLS for {host}: {e}"))
}

//! Checking that an HTTP interaction really comes from Discord: an Ed25519 signature over
//! the timestamp and the body, and a timestamp recent enough that a captured request cannot
//! be replayed later.

use chrono::{DateTime, Utc};
use serenity::interactions_endpoint::Verifier;

/// How old a signed request may be.
pub const MAX_AGE_SECS: i64 = 300;

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// No signature or timestamp header.
    #[error("missing signature headers")]
    Missing,
    /// The timestamp is too far from now.
    #[error("stale or future timestamp")]
    Stale,
    /// The signature does not match.
    #[error("invalid signature")]
    BadSignature,
}

/// Verifies requests against the application's public key.
pub struct InteractionVerifier {
    verifier: Verifier,
}

impl InteractionVerifier {
    /// From the public key as shown in the developer portal (64 hex digits).
    pub fn new(public_key_hex: &str) -> Result<InteractionVerifier, String> {
        let bytes =
            hex::decode(public_key_hex.trim()).map_err(|_| "DISCORD_PUBLIC_KEY is not hexadecimal".to_string())?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| "DISCORD_PUBLIC_KEY must be 64 hex digits".to_string())?;
        let verifier =
            Verifier::try_new(key).map_err(|_| "DISCORD_PUBLIC_KEY is not a valid Ed25519 key".to_string())?;
        Ok(InteractionVerifier { verifier })
    }

    /// Checks the `X-Signature-Ed25519` and `X-Signature-Timestamp` headers for `body`.
    pub fn check(
        &self,
        signature: Option<&str>,
        timestamp: Option<&str>,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), Rejection> {
        let (Some(signature), Some(timestamp)) = (signature, timestamp) else { return Err(Rejection::Missing) };
        let at: i64 = timestamp.trim().parse().map_err(|_| Rejection::Stale)?;
        if (now.timestamp() - at).abs() > MAX_AGE_SECS {
            return Err(Rejection::Stale);
        }
        self.verifier.verify(signature, timestamp, body).map_err(|()| Rejection::BadSignature)
    }
}

//! Checking that an HTTP interaction really comes from Discord: an Ed25519 signature over
//! the timestamp and the body, and a timestamp recent enough that a captured request cannot
//! be replayed later.

use std::collections::HashMap;

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
    /// The same interaction was already received: a captured request sent again.
    #[error("interaction already received")]
    Replayed,
}

/// Verifies requests against the application's public key.
pub struct InteractionVerifier {
    verifier: Verifier,
    /// Interaction ids accepted within the last [`MAX_AGE_SECS`], with when: a signed request
    /// stays valid that long, so within it each id is processed once.
    seen: std::sync::Mutex<HashMap<String, DateTime<Utc>>>,
}

impl InteractionVerifier {
    /// From the public key as shown in the developer portal (64 hex digits).
    pub fn new(public_key_hex: &str) -> Result<InteractionVerifier, String> {
        let bytes =
            hex::decode(public_key_hex.trim()).map_err(|_| "DISCORD_PUBLIC_KEY is not hexadecimal".to_string())?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| "DISCORD_PUBLIC_KEY must be 64 hex digits".to_string())?;
        let verifier =
            Verifier::try_new(key).map_err(|_| "DISCORD_PUBLIC_KEY is not a valid Ed25519 key".to_string())?;
        Ok(InteractionVerifier { verifier, seen: Default::default() })
    }

    /// Records an interaction id as processed; `Err(Replayed)` when it already was within
    /// the last [`MAX_AGE_SECS`]. Older ids are forgotten: their signatures have expired.
    pub fn first_time(&self, id: &str, now: DateTime<Utc>) -> Result<(), Rejection> {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let horizon = now - chrono::Duration::seconds(MAX_AGE_SECS);
        seen.retain(|_, at| *at >= horizon);
        if seen.contains_key(id) {
            return Err(Rejection::Replayed);
        }
        seen.insert(id.to_string(), now);
        Ok(())
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
        // Checked: a timestamp near i64's ends must not overflow the difference.
        match now.timestamp().checked_sub(at) {
            Some(age) if age.unsigned_abs() <= MAX_AGE_SECS as u64 => {}
            _ => return Err(Rejection::Stale),
        }
        self.verifier.verify(signature, timestamp, body).map_err(|()| Rejection::BadSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verifier() -> InteractionVerifier {
        // The Ed25519 base point: a valid public key.
        InteractionVerifier::new("5866666666666666666666666666666666666666666666666666666666666666").unwrap()
    }

    #[test]
    fn extreme_timestamps_are_stale_not_a_panic() {
        let v = verifier();
        let now = Utc::now();
        for ts in [i64::MIN.to_string(), i64::MAX.to_string(), "-9223372036854775808".into(), "1".into()] {
            assert_eq!(v.check(Some("00"), Some(&ts), b"{}", now), Err(Rejection::Stale), "{ts}");
        }
    }

    #[test]
    fn an_interaction_id_is_processed_once_within_the_window() {
        let v = verifier();
        let now = Utc::now();
        assert_eq!(v.first_time("1", now), Ok(()));
        assert_eq!(v.first_time("1", now + chrono::Duration::seconds(10)), Err(Rejection::Replayed));
        assert_eq!(v.first_time("2", now), Ok(()));
        // Past the window the signature itself has expired; the id is forgotten.
        assert_eq!(v.first_time("1", now + chrono::Duration::seconds(MAX_AGE_SECS + 1)), Ok(()));
    }
}

//! Channel references in content files (`discord:…`, `matrix:…`, `mail:…`, `console:…`):
//! how they are written and how one is told from a typo. The configuration and setup check
//! theirs with the same `valid_channel`.

/// How channel references are written, for messages about one that is not.
pub const CHANNEL_FORMS: &str =
    "write discord:<channel id>, matrix:!room:server (a room id; aliases are not accepted) or mail:<list address>";

/// Checks a channel reference: `discord:<channel id>` (a non-zero snowflake),
/// `matrix:!room:server`, `mail:<address>` (a mailing list) or `console:<name>`. Matrix aliases are refused: `check` runs
/// offline and cannot resolve them, and an alias can be moved to another room by anyone who
/// claims it.
pub fn valid_channel(s: &str) -> bool {
    if let Some(id) = s.strip_prefix("discord:") {
        return id.parse::<u64>().is_ok_and(|n| n != 0) && id.chars().all(|c| c.is_ascii_digit());
    }
    if let Some(room) = s.strip_prefix("matrix:") {
        // `!opaque:server`, or, from room version 12, `!opaque` alone.
        let clean = !room.chars().any(|c| c.is_whitespace() || c.is_control());
        return clean
            && room.strip_prefix('!').is_some_and(|r| match r.split_once(':') {
                Some((local, server)) => !local.is_empty() && !server.is_empty(),
                None => !r.is_empty(),
            });
    }
    if let Some(address) = s.strip_prefix("mail:") {
        return mail_address(address);
    }
    if let Some(name) = s.strip_prefix("console:") {
        return !name.is_empty();
    }
    false
}

/// A plain `local@domain` address: one `@`, a dotted domain, nothing a mail header could be
/// split on (no spaces, angle brackets, commas or control characters).
fn mail_address(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else { return false };
    let clean = |t: &str| {
        !t.is_empty() && !t.chars().any(|c| c.is_whitespace() || c.is_control() || "<>,;:\"@()[]".contains(c))
    };
    clean(local) && clean(domain) && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
}

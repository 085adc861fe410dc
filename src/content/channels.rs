//! Channel references in content files (`discord:…`, `matrix:…`, `mail:…`, `console:…`):
//! how they are written and how one is told from a typo. The configuration and setup check
//! theirs with the same `valid_channel`.

/// A channel reference as convoca keeps it: a mailing list's address in lower case (mail
/// systems do not tell `Action-List@Example.org` from `action-list@example.org`, so neither
/// may convoca, or one list would get a reminder twice); any other reference as written.
pub fn canonical_channel(s: &str) -> String {
    let s = s.trim();
    match s.strip_prefix("mail:") {
        Some(address) => format!("mail:{}", address.to_lowercase()),
        None => s.to_string(),
    }
}

/// What to say of a reference that is not a channel: how they are written, and for a list
/// written with a name (`mail:Action list <a@b.org>`), to write the address alone.
pub fn not_a_channel(s: &str) -> String {
    let alone = if s.starts_with("mail:") && (s.contains('<') || s.contains(' ')) {
        " (for a list, the address alone: mail:action-list@example.org)"
    } else {
        ""
    };
    format!("`{s}` is not a channel: {CHANNEL_FORMS}{alone}")
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_is_one_list_however_its_address_is_written() {
        assert_eq!(canonical_channel(" mail:Action-List@Example.ORG "), "mail:action-list@example.org");
        assert_eq!(canonical_channel("matrix:!AbC:example.org"), "matrix:!AbC:example.org", "room ids keep their case");
        assert!(not_a_channel("mail:Action list <a@example.org>").contains("the address alone"));
        assert!(!not_a_channel("discord:x").contains("the address alone"));
    }
}

/// A home room as configured: a room id, or an alias to resolve and pin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HomeRoom {
    /// `!opaque:server`.
    Id(String),
    /// `#alias:server`.
    Alias(String),
}

impl HomeRoom {
    /// Reads `!id:server` or `#alias:server`.
    pub fn parse(s: &str) -> Result<HomeRoom, String> {
        let s = s.trim();
        let well_formed = |rest: &str| {
            rest.split_once(':').is_some_and(|(local, server)| {
                !local.is_empty() && !server.is_empty() && !s.chars().any(|c| c.is_whitespace() || c.is_control())
            })
        };
        // Room version 12's ids have no server part: `!opaque`.
        let clean = !s.chars().any(|c| c.is_whitespace() || c.is_control());
        match (s.strip_prefix('!'), s.strip_prefix('#')) {
            (Some(rest), _) if well_formed(rest) || (clean && !rest.is_empty() && !rest.contains(':')) => {
                Ok(HomeRoom::Id(s.to_string()))
            }
            (_, Some(rest)) if well_formed(rest) => Ok(HomeRoom::Alias(s.to_string())),
            _ => Err(format!("MATRIX_HOME_ROOMS: `{s}` is not a room id (!id:server) or alias (#name:server)")),
        }
    }
}

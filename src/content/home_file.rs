//! `[home]` in `group.toml` and `organization.toml`: where a group (or the organization)
//! lives on Discord and Matrix, and who organizes it there, checked into a [`Home`].
//!
//! ```toml
//! [home]
//! discord = ["111111111111111111", "222222222222222222/333333333333333333"]
//! organizer_role = "Organizers"
//! matrix = ["!abc:example.org", "#lacwg:example.org"]
//! organizer_power = 50
//! ```

use serde::Deserialize;
use toml::{Spanned, Value};

use super::channels::HomeRoom;
use super::files::Source;
use super::model::{DiscordPlace, Home};

/// Matrix's largest power level (2^53 - 1, canonical JSON's integer bound).
const MAX_POWER: i64 = 9_007_199_254_740_991;

/// How a Discord place is written, for messages about one that is not.
const DISCORD_FORMS: &str = "write a server id, or a server id and a channel or category id in it \
     (\"server/channel\"): the numbers Discord's Copy ID gives";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct HomeFile {
    /// Servers, or `server/channel-or-category`. A string; a bare number is read too, as
    /// that is how an id pasted from Discord looks.
    #[serde(default)]
    discord: Vec<Spanned<Value>>,
    organizer_role: Option<Spanned<String>>,
    #[serde(default)]
    matrix: Vec<Spanned<String>>,
    organizer_power: Option<Spanned<i64>>,
}

impl HomeFile {
    /// Where the group lives, with every mistake reported to `src` at its line. A wrong
    /// entry is left out; the same entry twice is reported at the second and kept once, so
    /// the checks across groups see each place a group claims once.
    pub fn check(self, src: &mut Source<'_>) -> Home {
        let mut discord: Vec<DiscordPlace> = Vec::new();
        for entry in &self.discord {
            let Some(place) = discord_place(entry, src) else { continue };
            if discord.contains(&place) {
                src.at(entry.span(), format!("the Discord home `{place}` is listed twice"));
            } else {
                discord.push(place);
            }
        }
        let mut matrix: Vec<String> = Vec::new();
        for entry in &self.matrix {
            let room = entry.get_ref().trim().to_string();
            if HomeRoom::parse(&room).is_err() {
                src.at(
                    entry.span(),
                    format!("`{room}` is not a Matrix room: write a room id (!id:server) or an alias (#name:server)"),
                );
            } else if matrix.contains(&room) {
                src.at(entry.span(), format!("the Matrix home `{room}` is listed twice"));
            } else {
                matrix.push(room);
            }
        }
        Home {
            discord,
            organizer_role: organizer_role(self.organizer_role, src),
            matrix,
            organizer_power: organizer_power(self.organizer_power, src),
        }
    }
}

/// One `discord` entry: `server` or `server/channel-or-category`, each a non-zero id.
fn discord_place(entry: &Spanned<Value>, src: &mut Source<'_>) -> Option<DiscordPlace> {
    let written = match entry.get_ref() {
        Value::String(s) => s.trim().to_string(),
        Value::Integer(n) => n.to_string(),
        other => other.to_string(),
    };
    let place = parse_discord_place(&written);
    if place.is_none() {
        src.at(entry.span(), format!("`{written}` is not a Discord place: {DISCORD_FORMS}"));
    }
    place
}

/// `server` or `server/channel-or-category`.
fn parse_discord_place(s: &str) -> Option<DiscordPlace> {
    Some(match s.split_once('/') {
        Some((server, within)) => DiscordPlace { server: snowflake(server)?, within: Some(snowflake(within)?) },
        None => DiscordPlace { server: snowflake(s)?, within: None },
    })
}

/// A Discord id: decimal digits only (no sign, no spaces), non-zero, within 64 bits.
fn snowflake(s: &str) -> Option<u64> {
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse::<u64>().ok().filter(|&n| n != 0)
}

/// `organizer_role`: a role's name or id, which cannot be blank.
fn organizer_role(written: Option<Spanned<String>>, src: &mut Source<'_>) -> Option<String> {
    let role = written?;
    let name = role.get_ref().trim();
    if name.is_empty() {
        src.at(
            role.span(),
            "`organizer_role` is empty: name the Discord role (or give its id) that makes a member an organizer",
        );
        return None;
    }
    Some(name.to_string())
}

/// `organizer_power`: a power level Matrix can hold, at least 1 (at 0 every member of the
/// room would organize).
fn organizer_power(written: Option<Spanned<i64>>, src: &mut Source<'_>) -> Option<i64> {
    let power = written?;
    let level = *power.get_ref();
    if !(1..=MAX_POWER).contains(&level) {
        src.at(
            power.span(),
            format!("`organizer_power = {level}` must be from 1 to {MAX_POWER} (at 0 every member would organize)"),
        );
        return None;
    }
    Some(level)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::content::ContentError;

    /// `[home]` as a file holding only it: the home read and the errors, each with its line.
    fn home(text: &str) -> (Home, Vec<ContentError>) {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Only {
            home: HomeFile,
        }
        let mut errors = Vec::new();
        let path = Path::new("group.toml");
        let mut src = Source { path, text, errors: &mut errors };
        let file: Only = src.parse().expect("the test's TOML parses");
        let home = file.home.check(&mut src);
        (home, errors)
    }

    #[test]
    fn every_kind_of_place_is_read() {
        let (home, errors) = home(
            "[home]\n\
             discord = [\"111\", \" 222/333 \", 444]\n\
             organizer_role = \" Organizers \"\n\
             matrix = [\"!abc:example.org\", \" #lacwg:example.org\"]\n\
             organizer_power = 50\n",
        );
        assert!(errors.is_empty(), "{errors:#?}");
        assert_eq!(
            home.discord,
            vec![
                DiscordPlace { server: 111, within: None },
                DiscordPlace { server: 222, within: Some(333) },
                DiscordPlace { server: 444, within: None },
            ]
        );
        assert_eq!(home.organizer_role.as_deref(), Some("Organizers"));
        assert_eq!(home.matrix, vec!["!abc:example.org".to_string(), "#lacwg:example.org".to_string()]);
        assert_eq!(home.organizer_power, Some(50));
        assert!(!home.is_empty());
        assert_eq!(DiscordPlace { server: 222, within: Some(333) }.to_string(), "222/333");
        assert!(Home::default().is_empty());
    }

    #[test]
    fn each_wrong_value_is_named_at_its_line() {
        let (home, mut errors) = home(
            "[home]\n\
             discord = [\n\
             \"0\",\n\
             \"111/\",\n\
             \"/222\",\n\
             \"111/0\",\n\
             \"-5\",\n\
             \"99999999999999999999\",\n\
             \"12a\",\n\
             \"111\",\n\
             \"111\",\n\
             ]\n\
             organizer_role = \"  \"\n\
             matrix = [\"lacwg\", \"!abc:example.org\", \"#nothing\", \"!abc:example.org\"]\n\
             organizer_power = 0\n",
        );
        // By line; the three on the `matrix` line in the order written.
        errors.sort_by_key(|e| e.line);
        let at: Vec<(Option<usize>, &str)> = errors.iter().map(|e| (e.line, e.message.as_str())).collect();
        let lines: Vec<usize> = errors.iter().filter_map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6, 7, 8, 9, 11, 13, 14, 14, 14, 15], "{at:#?}");
        assert!(errors[0].message.contains("`0` is not a Discord place"), "{at:#?}");
        assert!(errors[7].message.contains("`111` is listed twice"), "{at:#?}");
        assert!(errors[8].message.contains("organizer_role"), "{at:#?}");
        assert!(errors[9].message.contains("`lacwg` is not a Matrix room"), "{at:#?}");
        assert!(errors[10].message.contains("`#nothing` is not a Matrix room"), "{at:#?}");
        assert!(errors[11].message.contains("`!abc:example.org` is listed twice"), "{at:#?}");
        assert!(errors[12].message.contains("organizer_power = 0"), "{at:#?}");
        // What was right is kept, once.
        assert_eq!(home.discord, vec![DiscordPlace { server: 111, within: None }]);
        assert_eq!(home.matrix, vec!["!abc:example.org".to_string()]);
        assert_eq!((home.organizer_role, home.organizer_power), (None, None));
    }

    #[test]
    fn power_levels_beyond_matrix_are_refused() {
        let (_, errors) = home("[home]\norganizer_power = 9007199254740992\n");
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert_eq!(errors[0].line, Some(2));
        let (home, errors) = home("[home]\norganizer_power = 9007199254740991\n");
        assert!(errors.is_empty(), "{errors:#?}");
        assert_eq!(home.organizer_power, Some(MAX_POWER));
    }

    #[test]
    fn an_unknown_key_is_a_typo() {
        let (_, errors) = home("[home]\nmatrix = []\ndiscrod = [\"111\"]\n");
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert_eq!(errors[0].line, Some(3));
    }
}

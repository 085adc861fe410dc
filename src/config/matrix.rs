//! The settings of Matrix: the homeserver, the bot's account and store, and the group's home
//! rooms.

use std::path::PathBuf;

use clap::Args;

use super::{Secret, is_http_url};

/// Matrix settings.
#[derive(Args, Debug, Clone, Default)]
pub struct MatrixConfig {
    /// The homeserver URL, e.g. https://matrix.example.org. Matrix is off without it.
    #[arg(long = "matrix-homeserver", env = "MATRIX_HOMESERVER")]
    pub homeserver: Option<String>,
    /// The bot's user id or localpart.
    #[arg(id = "matrix_user", long = "matrix-user", env = "MATRIX_USER")]
    pub user: Option<String>,
    /// The bot's password (or use an access token).
    #[arg(long = "matrix-password", env = "MATRIX_PASSWORD", hide_env_values = true)]
    pub password: Option<Secret>,
    /// An access token instead of a password.
    #[arg(long = "matrix-access-token", env = "MATRIX_ACCESS_TOKEN", hide_env_values = true)]
    pub access_token: Option<Secret>,
    /// Where the Matrix client keeps its sync position, encryption keys and session.
    #[arg(long = "matrix-store-path", env = "MATRIX_STORE_PATH", default_value = "matrix-store")]
    pub store_path: PathBuf,
    /// The passphrase the Matrix store is encrypted with (its encryption keys and the rooms'
    /// history). Set it before the first start: a store made without it cannot be opened with
    /// it, nor the reverse.
    #[arg(long = "matrix-store-passphrase", env = "MATRIX_STORE_PASSPHRASE", hide_env_values = true)]
    pub store_passphrase: Option<Secret>,
    /// The group's home room(s), comma-separated: room ids (`!abc:example.org`) or aliases
    /// (`#lacwg:example.org`). An alias is resolved once and the room id pinned in the
    /// database; a later change of its target is refused. Organizer standing is read in these
    /// rooms only, and invitations are accepted only to them and to direct chats from their
    /// members. Required when Matrix is on.
    #[arg(id = "matrix_home", long = "matrix-home", env = "MATRIX_HOME_ROOMS", value_delimiter = ',')]
    pub home: Vec<String>,
    /// The power level in a home room from which a member is an organizer (a room's creator
    /// always is). At least 1.
    #[arg(long = "matrix-organizer-power", env = "MATRIX_ORGANIZER_POWER", default_value_t = 50)]
    pub organizer_power: i64,
}

/// Matrix's largest power level (2^53 - 1, canonical JSON's integer bound).
const MATRIX_MAX_POWER: i64 = 9_007_199_254_740_991;

pub use crate::content::HomeRoom;

impl MatrixConfig {
    /// The home rooms, read.
    pub fn homes(&self) -> Result<Vec<HomeRoom>, String> {
        self.home.iter().filter(|h| !h.trim().is_empty()).map(|h| HomeRoom::parse(h)).collect()
    }

    /// Refuses settings that cannot work, with one line saying which and why.
    pub fn validate(&self) -> Result<(), String> {
        self.validate_declared(false)
    }

    /// [`MatrixConfig::validate`], with `declared` true when the content's `[home]` tables
    /// give the groups' rooms (then `MATRIX_HOME_ROOMS` is not needed).
    pub fn validate_declared(&self, declared: bool) -> Result<(), String> {
        if self.organizer_power <= 0 {
            return Err(format!(
                "MATRIX_ORGANIZER_POWER must be at least 1 (it is {}): at 0 every member would organize",
                self.organizer_power
            ));
        }
        if self.organizer_power > MATRIX_MAX_POWER {
            return Err(format!(
                "MATRIX_ORGANIZER_POWER: {} is above Matrix's largest power level",
                self.organizer_power
            ));
        }
        if let Some(hs) = &self.homeserver
            && !is_http_url(hs)
        {
            return Err(format!("MATRIX_HOMESERVER: `{hs}` is not an http:// or https:// address"));
        }
        let homes = self.homes()?;
        if self.homeserver.is_some() && homes.is_empty() && !declared {
            return Err(
                "Matrix is on but no home room is set: set MATRIX_HOME_ROOMS to the group's room id(s) or alias(es), or give each group's in its group.toml ([home] matrix = [...])"
                    .into(),
            );
        }
        Ok(())
    }

    /// True when enough is set to connect.
    pub fn is_configured(&self) -> bool {
        self.homeserver.is_some() && (self.access_token.is_some() || (self.user.is_some() && self.password.is_some()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonsense_settings_are_refused_with_one_line() {
        let matrix = |f: &dyn Fn(&mut MatrixConfig)| {
            let mut c = MatrixConfig {
                homeserver: Some("http://127.0.0.1:8008".into()),
                home: vec!["#lacwg:example.org".into()],
                organizer_power: 50,
                ..Default::default()
            };
            f(&mut c);
            c.validate()
        };
        assert!(matrix(&|_| {}).is_ok());
        for (what, bad) in [
            ("power 0", &(|c: &mut MatrixConfig| c.organizer_power = 0) as &dyn Fn(&mut MatrixConfig)),
            ("power -5", &|c| c.organizer_power = -5),
            ("power huge", &|c| c.organizer_power = i64::MAX),
            ("no home", &|c| c.home.clear()),
            ("bad home", &|c| c.home = vec!["lacwg".into()]),
            ("alias without server", &|c| c.home = vec!["#abc".into()]),
            ("homeserver", &|c| c.homeserver = Some("matrix.org".into())),
        ] {
            let e = matrix(bad).expect_err(what);
            assert!(!e.contains('\n') && !e.is_empty(), "{what}: {e}");
        }
        assert_eq!(HomeRoom::parse(" !abc:example.org ").unwrap(), HomeRoom::Id("!abc:example.org".into()));
        assert_eq!(HomeRoom::parse("#lacwg:example.org").unwrap(), HomeRoom::Alias("#lacwg:example.org".into()));
        // Room version 12: no server part in the id.
        assert_eq!(HomeRoom::parse("!da_KAErnp30y65eCl4V5").unwrap(), HomeRoom::Id("!da_KAErnp30y65eCl4V5".into()));
        assert!(
            HomeRoom::parse("!").is_err() && HomeRoom::parse("#alias").is_err() && HomeRoom::parse("!a b").is_err()
        );
        assert!(crate::content::valid_channel("matrix:!da_KAErnp30y65eCl4V5"));
        assert!(crate::content::valid_channel("matrix:!abc:example.org"));
        assert!(!crate::content::valid_channel("matrix:!") && !crate::content::valid_channel("matrix:#a:b"));
    }
}

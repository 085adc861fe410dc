//! The settings of Discord: the bot's token, the group's home servers and who organizes there.

use clap::Args;

use super::{Secret, is_http_url};

/// Discord settings.
#[derive(Args, Debug, Clone, Default)]
pub struct DiscordConfig {
    /// The bot token from the Discord developer portal. Discord is off without it.
    #[arg(long = "discord-token", env = "DISCORD_TOKEN", hide_env_values = true)]
    pub token: Option<Secret>,
    /// The group's home server(s) on Discord, by id, comma-separated. Organizer standing is
    /// read there and only there; commands are registered and scheduled events kept there. In
    /// any other server the bot answers public questions only and records nothing. Required
    /// when Discord is on.
    #[arg(id = "discord_home", long = "discord-home", env = "DISCORD_HOME_GUILDS", value_delimiter = ',')]
    pub home: Vec<String>,
    /// The older name of a single home server (it used to mean "register commands in this
    /// server only"); added to `DISCORD_HOME_GUILDS`.
    #[arg(long = "discord-guild-id", env = "DISCORD_GUILD_ID")]
    pub guild_id: Option<u64>,
    /// The role (id or name) that makes a member an organizer, besides Administrator and the
    /// server's owner (who can grant it). No other permission counts.
    #[arg(long = "discord-organizer-role", env = "DISCORD_ORGANIZER_ROLE")]
    pub organizer_role: Option<String>,
    /// Send every REST call and gateway discovery here instead of https://discord.com (for
    /// tests and API proxies), e.g. http://127.0.0.1:3000.
    #[arg(long = "discord-api-base", env = "DISCORD_API_BASE")]
    pub api_base: Option<String>,
    /// The application's public key (hex), to accept interactions on the HTTP endpoint
    /// /discord/interactions.
    #[arg(long = "discord-public-key", env = "DISCORD_PUBLIC_KEY")]
    pub public_key: Option<String>,
    /// Keep a Discord scheduled event for each meeting's next occurrence.
    #[arg(
        long = "discord-scheduled-events",
        env = "DISCORD_SCHEDULED_EVENTS",
        default_value_t = false,
        num_args = 0..=1,
        default_missing_value = "true",
        action = clap::ArgAction::Set,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub scheduled_events: bool,
}

impl DiscordConfig {
    /// The home servers: `DISCORD_HOME_GUILDS` and `DISCORD_GUILD_ID` together, each once.
    pub fn homes(&self) -> Vec<u64> {
        let mut all: Vec<u64> = self.home.iter().filter_map(|h| h.trim().parse().ok()).filter(|id| *id != 0).collect();
        all.extend(self.guild_id);
        all.sort_unstable();
        all.dedup();
        all
    }

    /// Refuses settings that cannot work, with one line saying which and why. Only checked
    /// when Discord is on (a token is set), except for values that are wrong in any case.
    pub fn validate(&self) -> Result<(), String> {
        self.validate_declared(false)
    }

    /// [`DiscordConfig::validate`], with `declared` true when the content's `[home]` tables
    /// give the groups' servers (then `DISCORD_HOME_GUILDS` is not needed).
    pub fn validate_declared(&self, declared: bool) -> Result<(), String> {
        for home in self.home.iter().map(|h| h.trim()).filter(|h| !h.is_empty()) {
            if home.parse::<u64>().map_or(true, |id| id == 0) {
                return Err(format!("DISCORD_HOME_GUILDS: `{home}` is not a Discord server id"));
            }
        }
        if self.guild_id == Some(0) {
            return Err("DISCORD_GUILD_ID: 0 is not a Discord server id".into());
        }
        if let Some(role) = &self.organizer_role {
            let role = role.trim();
            if role.is_empty() || role == "0" {
                return Err(format!("DISCORD_ORGANIZER_ROLE: `{role}` is not a role id or name"));
            }
            if role.chars().all(|c| c.is_ascii_digit()) && role.parse::<u64>().is_err() {
                return Err(format!("DISCORD_ORGANIZER_ROLE: `{role}` is too large for a role id"));
            }
        }
        if let Some(base) = &self.api_base
            && !is_http_url(base)
        {
            return Err(format!("DISCORD_API_BASE: `{base}` is not an http:// or https:// address"));
        }
        if let Some(key) = &self.public_key {
            let key = key.trim();
            if key.len() != 64 || !key.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(
                    "DISCORD_PUBLIC_KEY must be 64 hexadecimal digits (the developer portal's Public Key)".into()
                );
            }
        }
        if (self.token.is_some() || self.public_key.is_some()) && self.homes().is_empty() && !declared {
            return Err(
                "Discord is on but no home server is set: set DISCORD_HOME_GUILDS to the group's server id(s), or give each group's in its group.toml ([home] discord = [...])".into()
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonsense_settings_are_refused_with_one_line() {
        let discord = |f: &dyn Fn(&mut DiscordConfig)| {
            let mut c =
                DiscordConfig { token: Some("t".parse().unwrap()), home: vec!["1".into()], ..Default::default() };
            f(&mut c);
            c.validate()
        };
        assert!(discord(&|_| {}).is_ok());
        for (what, bad) in [
            ("guild 0", &(|c: &mut DiscordConfig| c.guild_id = Some(0)) as &dyn Fn(&mut DiscordConfig)),
            ("home 0", &|c| c.home = vec!["0".into()]),
            ("home word", &|c| c.home = vec!["lacwg".into()]),
            ("no home", &|c| c.home.clear()),
            ("role 0", &|c| c.organizer_role = Some("0".into())),
            ("empty role", &|c| c.organizer_role = Some(" ".into())),
            ("huge role", &|c| c.organizer_role = Some("99999999999999999999999".into())),
            ("api base", &|c| c.api_base = Some("discord.com".into())),
            ("public key", &|c| c.public_key = Some("abc".into())),
        ] {
            let e = discord(bad).expect_err(what);
            assert!(!e.contains('\n') && !e.is_empty(), "{what}: {e}");
        }
        // Without a token Discord is off: no home needed.
        assert!(DiscordConfig::default().validate().is_ok());
    }
}

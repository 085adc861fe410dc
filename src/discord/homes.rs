//! Whose a Discord place is: each group's home (whole servers, or channels and categories
//! within a shared server) and the organization's, read from the content as it is now.
//!
//! A group added while the bot runs, or a `[home]` edited, counts at the next interaction:
//! the homes are read from the organization's current groups each time (a few groups, a
//! few places each), never kept.
//!
//! One rule decides which home a place belongs to: the most specific place listed wins (a
//! thread, then its channel, then the channel's category, then the whole server), and at
//! equal specificity a group before the organization. So a server shared by an
//! organization and its groups is the organization's except in the channels and categories
//! its groups claim.
//!
//! A deployment of one group whose content declares no Discord home (every deployment from
//! before organizations) lives where `DISCORD_HOME_GUILDS` says, organized by
//! `DISCORD_ORGANIZER_ROLE`, as it always has.

use std::collections::BTreeSet;

use serenity::all::{ChannelId, GuildId};

use crate::config::DiscordConfig;
use crate::content::{DiscordPlace, Home};
use crate::engine::{Engine, Organization, Whose};
use crate::group_id::GroupId;

/// Whose home a place is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    /// A group's.
    Group(GroupId),
    /// The organization's own.
    Organization,
}

impl Owner {
    /// The engine's name for it.
    pub fn whose(&self) -> Whose {
        match self {
            Owner::Group(id) => Whose::Group(id.clone()),
            Owner::Organization => Whose::Organization,
        }
    }
}

/// One group's (or the organization's) home on Discord.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiscordHome {
    /// Whose it is.
    pub owner: Owner,
    /// Its places: whole servers, or channels and categories within one.
    pub places: Vec<DiscordPlace>,
    /// The role (name or id) that makes a member an organizer of it.
    pub role: Option<String>,
}

impl DiscordHome {
    /// The servers it is in, each once.
    pub fn servers(&self) -> Vec<GuildId> {
        let set: BTreeSet<u64> = self.places.iter().map(|p| p.server).collect();
        set.into_iter().map(GuildId::new).collect()
    }

    /// Whether it holds the whole of `guild`: there, and only there, the server's owner and
    /// its Administrators organize it. A server's admin is not the organizer of every group
    /// that lives in one of its channels.
    pub fn whole(&self, guild: GuildId) -> bool {
        self.places.iter().any(|p| p.server == guild.get() && p.within.is_none())
    }

    /// The rule for standing read in `guild` for this home.
    pub fn rule(&self, guild: GuildId) -> Rule {
        Rule { guild, role: self.role.clone(), admin: self.whole(guild) }
    }
}

/// How organizer standing is read for one home in one of its servers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The server it is read in.
    pub guild: GuildId,
    /// The organizer role there, if the home names one.
    pub role: Option<String>,
    /// Whether the server's owner and Administrators count (the home is the whole server).
    pub admin: bool,
}

/// What a place in a server is: whose home, and how its organizers are told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// Whose home it is.
    pub owner: Owner,
    /// How standing is read there.
    pub rule: Rule,
}

/// Every home of a deployment, read from its organization's content on each question.
#[derive(Clone)]
pub struct Homes {
    org: Organization,
    /// `DISCORD_HOME_GUILDS`: the home of a one-group deployment that declares none.
    settings_servers: Vec<u64>,
    /// `DISCORD_ORGANIZER_ROLE`: that group's organizer role.
    settings_role: Option<String>,
}

impl Homes {
    /// The homes of `org`'s groups, with the settings' home for a one-group deployment.
    pub fn new(org: Organization, config: &DiscordConfig) -> Homes {
        Homes { org, settings_servers: config.homes(), settings_role: config.organizer_role.clone() }
    }

    /// The organization the homes are read from.
    pub fn organization(&self) -> &Organization {
        &self.org
    }

    /// Whether the homes come from the content (an organization, or a group with a
    /// `[home]`), rather than from `DISCORD_HOME_GUILDS`.
    pub fn declared(&self) -> bool {
        self.settings_home().is_none()
    }

    /// The single group of a one-group folder that declares no Discord home: its id.
    fn settings_home(&self) -> Option<GroupId> {
        let only = self.org.only()?;
        let content = only.content().current();
        (only.group().is_single() && content.group.home.discord.is_empty()).then(|| only.group().clone())
    }

    /// Each group's home that is on Discord, then the organization's, as the content says
    /// now.
    pub fn all(&self) -> Vec<DiscordHome> {
        if let Some(single) = self.settings_home() {
            let places = self.settings_servers.iter().map(|&server| DiscordPlace { server, within: None }).collect();
            return vec![DiscordHome { owner: Owner::Group(single), places, role: self.settings_role.clone() }];
        }
        let groups = self.org.groups();
        // The single group declaring a home without a role keeps the settings' role.
        let one_folder = groups.len() == 1 && groups.keys().all(GroupId::is_single);
        let mut all: Vec<DiscordHome> = groups
            .values()
            .filter_map(|engine| {
                let home = engine.content().current().group.home.clone();
                let fallback = if one_folder { self.settings_role.clone() } else { None };
                of(Owner::Group(engine.group().clone()), home, fallback)
            })
            .collect();
        if let Some(about) = self.org.about() {
            all.extend(of(Owner::Organization, about.home.clone(), None));
        }
        all
    }

    /// Every server some home is in: where commands are registered and membership read.
    pub fn servers(&self) -> Vec<GuildId> {
        let set: BTreeSet<GuildId> = self.all().iter().flat_map(DiscordHome::servers).collect();
        set.into_iter().collect()
    }

    /// Whose home a place in `guild` is. `chain` is the place and what holds it, most
    /// specific first: a thread, its channel, the channel's category; or a channel and its
    /// category. `None`: no home's (another server, or a server's part no home claims).
    pub fn find(&self, guild: GuildId, chain: &[ChannelId]) -> Option<Found> {
        find_in(&self.all(), guild, chain)
    }

    /// Whether some home claims a channel or category (not a whole server) in `guild`: only
    /// then is the category of a thread's channel worth asking Discord for.
    pub fn claims_within(&self, guild: GuildId) -> bool {
        self.all().iter().flat_map(|h| &h.places).any(|p| p.server == guild.get() && p.within.is_some())
    }

    /// Each group's home on Discord with its engine: whose standing a direct message reads.
    pub fn groups(&self) -> Vec<(Engine, DiscordHome)> {
        self.all()
            .into_iter()
            .filter_map(|home| match &home.owner {
                Owner::Group(id) => self.org.group(id).map(|engine| (engine, home)),
                Owner::Organization => None,
            })
            .collect()
    }

    /// Each group with the servers it holds whole: where its meetings become the server's
    /// scheduled events. A group living in channels of a shared server has none there (the
    /// server's one Events list would mix several groups' meetings); groups with no whole
    /// server are listed with none, so the caller can say so.
    pub fn event_servers(&self) -> Vec<(Engine, Vec<GuildId>)> {
        self.groups()
            .into_iter()
            .map(|(engine, home)| {
                let whole = home.servers().into_iter().filter(|g| home.whole(*g)).collect();
                (engine, whole)
            })
            .collect()
    }
}

/// A home from `[home]`, when it names a Discord place.
fn of(owner: Owner, home: Home, fallback_role: Option<String>) -> Option<DiscordHome> {
    if home.discord.is_empty() {
        return None;
    }
    Some(DiscordHome { owner, places: home.discord, role: home.organizer_role.or(fallback_role) })
}

/// [`Homes::find`] over a given list of homes.
pub fn find_in(homes: &[DiscordHome], guild: GuildId, chain: &[ChannelId]) -> Option<Found> {
    let found = |home: &DiscordHome| Found { owner: home.owner.clone(), rule: home.rule(guild) };
    // Groups come before the organization at each step: `all()` lists them first, and a
    // stable search keeps that order.
    let claims = |home: &DiscordHome, within: Option<u64>| {
        home.places.iter().any(|p| p.server == guild.get() && p.within == within)
    };
    for channel in chain {
        if let Some(home) = homes.iter().find(|h| claims(h, Some(channel.get()))) {
            return Some(found(home));
        }
    }
    homes.iter().find(|h| claims(h, None)).map(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home(owner: Owner, places: &[(u64, Option<u64>)], role: &str) -> DiscordHome {
        DiscordHome {
            owner,
            places: places.iter().map(|&(server, within)| DiscordPlace { server, within }).collect(),
            role: Some(role.into()),
        }
    }

    fn group(slug: &str) -> Owner {
        Owner::Group(GroupId::named(slug))
    }

    #[test]
    fn the_most_specific_place_wins_and_a_group_before_the_organization() {
        let (g, c) = (GuildId::new, ChannelId::new);
        let homes = [
            // The organization comes last, as `Homes::all` lists it.
            home(group("lacwg"), &[(100, Some(1100))], "LACWG organizers"),
            home(group("sur"), &[(100, Some(1200))], "Sur organizers"),
            home(group("west"), &[(200, None)], "West"),
            home(group("youth"), &[(100, Some(1300))], "Youth"),
            home(Owner::Organization, &[(100, None), (100, Some(1300))], "Board"),
        ];
        let owner = |guild, chain: &[ChannelId]| find_in(&homes, g(guild), chain).map(|f| f.owner);
        // lacwg's category: its channel, and a thread in that channel (the category found).
        assert_eq!(owner(100, &[c(1101), c(1100)]), Some(group("lacwg")));
        assert_eq!(owner(100, &[c(1102), c(1101), c(1100)]), Some(group("lacwg")));
        // sur's channel itself, and a thread in it.
        assert_eq!(owner(100, &[c(1200)]), Some(group("sur")));
        assert_eq!(owner(100, &[c(1201), c(1200)]), Some(group("sur")));
        // Any other channel of server 100: the organization's.
        assert_eq!(owner(100, &[c(1400), c(1450)]), Some(Owner::Organization));
        assert_eq!(owner(100, &[]), Some(Owner::Organization));
        // The same channel listed by a group and the organization: the group's.
        assert_eq!(owner(100, &[c(1300)]), Some(group("youth")));
        // A channel in lacwg's category that sur claims by itself: sur's (channel beats category).
        let more = [home(group("sur"), &[(100, Some(1105))], "Sur"), homes[0].clone()];
        assert_eq!(find_in(&more, g(100), &[c(1105), c(1100)]).map(|f| f.owner), Some(group("sur")));
        // West's whole server; a server nobody claims.
        assert_eq!(owner(200, &[c(2100)]), Some(group("west")));
        assert_eq!(owner(300, &[c(3100)]), None);
        // A channel id of server 100 asked about in another server is not server 100's.
        assert_eq!(owner(200, &[c(1101)]), Some(group("west")));
        assert_eq!(owner(300, &[c(1101), c(1100)]), None);
    }

    #[test]
    fn administrators_organize_only_homes_that_are_whole_servers() {
        let (g, c) = (GuildId::new, ChannelId::new);
        let homes = [
            home(group("lacwg"), &[(100, Some(1100)), (300, None)], "LACWG organizers"),
            home(Owner::Organization, &[(100, None)], "Board"),
        ];
        let rule = |guild, chain: &[ChannelId]| find_in(&homes, g(guild), chain).map(|f| f.rule);
        assert_eq!(
            rule(100, &[c(1101), c(1100)]),
            Some(Rule { guild: g(100), role: Some("LACWG organizers".into()), admin: false })
        );
        assert_eq!(
            rule(300, &[c(3100)]),
            Some(Rule { guild: g(300), role: Some("LACWG organizers".into()), admin: true })
        );
        assert_eq!(rule(100, &[c(1400)]), Some(Rule { guild: g(100), role: Some("Board".into()), admin: true }));
        assert_eq!(homes[0].servers(), vec![g(100), g(300)]);
    }
}

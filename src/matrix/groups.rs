//! Which group a Matrix room belongs to: each group's home rooms and the organization's, as
//! the content declares them (`[home] matrix`), resolved, joined and kept current while
//! groups come and go.
//!
//! A deployment of one group whose content declares no Matrix home lives where
//! `MATRIX_HOME_ROOMS` says, with `MATRIX_ORGANIZER_POWER`, as before organizations. A home
//! room that is a space brings its children (its `m.space.child` rooms, one level down) into
//! the same home: the space's admins decide what is in it, as they decide who is.
//!
//! When two claims meet in one room, the room named explicitly wins over a space's child, a
//! group's explicit claim over the organization's; two groups claiming the same room (an id
//! and an alias of it, or a child of both groups' spaces) leave it to neither: authority
//! never crosses groups because of an ambiguity.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, RwLock};

use matrix_sdk::Client;
use matrix_sdk::ruma::api::client::state::get_state_events::v3::Request as GetState;
use matrix_sdk::ruma::{OwnedRoomId, RoomId};
use serde_json::Value;
use tokio::sync::Notify;

use super::home;
use crate::config::{HomeRoom, MatrixConfig};
use crate::engine::Organization;
use crate::group_id::GroupId;

/// Whose home a room is.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Owner {
    /// One group's.
    Group(GroupId),
    /// The organization's own.
    Organization,
}

impl std::fmt::Display for Owner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Owner::Group(id) if id.is_single() => f.write_str("the group's home (MATRIX_HOME_ROOMS)"),
            Owner::Group(id) => write!(f, "group {id}'s [home] matrix"),
            Owner::Organization => f.write_str("the organization's [home] matrix"),
        }
    }
}

/// One group's (or the organization's) home on Matrix, resolved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Home {
    /// The rooms standing is read in: those declared (aliases resolved and pinned), then the
    /// children of those that are spaces.
    pub rooms: Vec<OwnedRoomId>,
    /// The power level in one of them from which a member organizes.
    pub power: i64,
}

/// Every home at one moment: cheap to take, never changes under its holder.
#[derive(Debug, Default)]
pub(crate) struct Homes {
    /// Whose each home room is, for routing a message.
    owners: HashMap<OwnedRoomId, Owner>,
    groups: BTreeMap<GroupId, Home>,
    organization: Option<Home>,
}

impl Homes {
    /// Whose home `room` is, if anyone's.
    pub fn owner(&self, room: &RoomId) -> Option<&Owner> {
        self.owners.get(room)
    }

    /// Whether `room` is any home: a group's or the organization's.
    pub fn is_home(&self, room: &RoomId) -> bool {
        self.owners.contains_key(room) || self.organization.as_ref().is_some_and(|o| o.rooms.iter().any(|r| r == room))
    }

    /// Each group with a Matrix home, and that home.
    pub fn groups(&self) -> impl Iterator<Item = (&GroupId, &Home)> {
        self.groups.iter()
    }

    /// One group's home.
    pub fn group(&self, id: &GroupId) -> Option<&Home> {
        self.groups.get(id)
    }

    /// The organization's home, when it declares one on Matrix.
    pub fn organization(&self) -> Option<&Home> {
        self.organization.as_ref()
    }

    /// Every group's home rooms, then the organization's, each once.
    pub fn rooms(&self) -> Vec<OwnedRoomId> {
        let mut all: Vec<OwnedRoomId> = Vec::new();
        for home in self.groups.values().chain(self.organization.as_ref()) {
            for room in &home.rooms {
                if !all.contains(room) {
                    all.push(room.clone());
                }
            }
        }
        all
    }
}

/// One home as declared, before its aliases are resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Declared {
    owner: Owner,
    rooms: Vec<HomeRoom>,
    power: i64,
}

/// Whether the deployment's home on Matrix is `MATRIX_HOME_ROOMS`: one group, whose content
/// declares no Matrix home (every deployment before organizations).
pub(crate) fn from_settings(org: &Organization) -> bool {
    let groups = org.groups();
    groups.len() == 1 && groups.values().all(|e| e.content().current().group.home.matrix.is_empty())
}

/// The homes the content (or, see [`from_settings`], the settings) declares now.
fn declared(org: &Organization, config: &MatrixConfig) -> Result<Vec<Declared>, String> {
    let mut out = Vec::new();
    if from_settings(org) {
        if let Some(engine) = org.only() {
            let owner = Owner::Group(engine.group().clone());
            out.push(Declared { owner, rooms: config.homes()?, power: config.organizer_power });
        }
    } else {
        for (id, engine) in org.groups().iter() {
            let content = engine.content().current();
            let home = &content.group.home;
            if home.matrix.is_empty() {
                continue;
            }
            let owner = Owner::Group(id.clone());
            let rooms = parse(&owner, &home.matrix)?;
            out.push(Declared { owner, rooms, power: home.organizer_power.unwrap_or(config.organizer_power) });
        }
    }
    if let Some(about) = org.about()
        && !about.home.matrix.is_empty()
    {
        let rooms = parse(&Owner::Organization, &about.home.matrix)?;
        let power = about.home.organizer_power.unwrap_or(config.organizer_power);
        out.push(Declared { owner: Owner::Organization, rooms, power });
    }
    Ok(out)
}

fn parse(owner: &Owner, rooms: &[String]) -> Result<Vec<HomeRoom>, String> {
    rooms
        .iter()
        .map(|r| {
            HomeRoom::parse(r)
                .map_err(|_| format!("{owner}: `{r}` is not a room id (!id:server) or alias (#name:server)"))
        })
        .collect()
}

/// The homes, shared by the handlers, the reminder sender and the task that keeps them
/// current.
#[derive(Default)]
pub(crate) struct Routes {
    now: RwLock<Arc<Homes>>,
    known: tokio::sync::Mutex<Known>,
    /// Home rooms whose space children changed since the last resolution (a plain mutex,
    /// held for an insert: the sync loop's handler never waits for a resolution under way).
    stale: std::sync::Mutex<HashSet<OwnedRoomId>>,
    /// A home space's children changed: resolve again.
    changed: Notify,
}

/// What one resolution learned that the next need not ask the homeserver again.
#[derive(Default)]
struct Known {
    /// Aliases resolved (and pinned) by this process.
    aliases: HashMap<String, OwnedRoomId>,
    /// Declared rooms that are spaces, with their children as last read.
    spaces: HashMap<OwnedRoomId, Vec<OwnedRoomId>>,
    /// Declared rooms known not to be spaces (a room's type never changes).
    plain: HashSet<OwnedRoomId>,
    /// Whether `MATRIX_HOME_ROOMS` was said to be unused.
    warned: bool,
}

impl Routes {
    /// The homes now.
    pub fn now(&self) -> Arc<Homes> {
        Arc::clone(&self.now.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Resolves every declared home (aliases resolved and pinned, spaces' children read),
    /// joins its rooms and makes it the current one. With `strict` (at start) a declared room
    /// that cannot be resolved or joined fails, in one line; afterwards it is logged and left
    /// out until the next time, the rest going on.
    pub async fn refresh(
        &self,
        client: &Client,
        org: &Organization,
        config: &MatrixConfig,
        strict: bool,
    ) -> anyhow::Result<()> {
        let mut known = self.known.lock().await;
        for room in std::mem::take(&mut *self.stale.lock().unwrap_or_else(|p| p.into_inner())) {
            known.spaces.remove(&room);
        }
        let declared = match declared(org, config) {
            Ok(d) => d,
            Err(e) if strict => return Err(anyhow::anyhow!(e)),
            Err(e) => {
                tracing::error!(error = %e, "Matrix: the homes are not updated");
                return Ok(());
            }
        };
        if !declared.iter().any(|d| matches!(d.owner, Owner::Group(_))) {
            let e = "Matrix is on but no group has a Matrix home: set [home] matrix in a group's group.toml (or, \
                     for a deployment of one group, MATRIX_HOME_ROOMS)";
            if strict {
                return Err(anyhow::anyhow!(e));
            }
            tracing::warn!("{e}");
        }
        if !from_settings(org) && !config.home.is_empty() && !known.warned {
            known.warned = true;
            tracing::warn!("Matrix: MATRIX_HOME_ROOMS is not used: the groups' homes are declared in their content");
        }
        let store = org.any().store();
        let mut explicit: Vec<(Owner, Vec<OwnedRoomId>, i64)> = Vec::new();
        for d in &declared {
            let mut ids: Vec<OwnedRoomId> = Vec::new();
            for room in &d.rooms {
                let resolved = match room {
                    HomeRoom::Id(id) => {
                        RoomId::parse(id).map_err(|e| anyhow::anyhow!("{}: `{id}` is not a room id: {e}", d.owner))
                    }
                    HomeRoom::Alias(alias) => match known.aliases.get(alias) {
                        Some(id) => Ok(id.clone()),
                        None => home::resolve_alias(client, store, alias).await.inspect(|id| {
                            known.aliases.insert(alias.clone(), id.clone());
                        }),
                    },
                };
                let id = match resolved {
                    Ok(id) => id,
                    Err(e) if strict => return Err(e.context(format!("Matrix: {}", d.owner))),
                    Err(e) => {
                        tracing::error!(home = %d.owner, error = %e, "Matrix: a home room is left out until it can be resolved");
                        continue;
                    }
                };
                if let Err(e) = home::join(client, &id).await {
                    if strict {
                        return Err(e.context(format!("Matrix: {}", d.owner)));
                    }
                    tracing::error!(home = %d.owner, error = %e, "Matrix: a home room the bot is not in");
                }
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            explicit.push((d.owner.clone(), ids, d.power));
        }
        let mut children: HashMap<OwnedRoomId, Vec<OwnedRoomId>> = HashMap::new();
        for id in explicit.iter().flat_map(|(_, ids, _)| ids) {
            if known.plain.contains(id) {
                continue;
            }
            if let Some(c) = known.spaces.get(id) {
                children.insert(id.clone(), c.clone());
                continue;
            }
            match read_space(client, id).await {
                Ok(None) => {
                    known.plain.insert(id.clone());
                }
                Ok(Some(c)) => {
                    // Read afresh: join what is new in it (a child the bot cannot join yet is
                    // joined when it is invited, being home).
                    for child in &c {
                        if let Err(e) = home::join(client, child).await {
                            tracing::warn!(space = %id, error = %e, "Matrix: a home space's room the bot cannot join yet");
                        }
                    }
                    known.spaces.insert(id.clone(), c.clone());
                    children.insert(id.clone(), c);
                }
                Err(e) => {
                    tracing::warn!(room = %id, error = %e, "Matrix: cannot read a home room's state (is it a space?)")
                }
            }
        }
        let (homes, conflicts) = assemble(&explicit, &children);
        for room in conflicts {
            tracing::error!(room = %room, "Matrix: a room claimed by two groups is neither's home (say it in one group's [home] only)");
        }
        let before = self.now();
        if before.groups != homes.groups || before.organization != homes.organization {
            for (id, home) in &homes.groups {
                let rooms: Vec<&str> = home.rooms.iter().map(|r| r.as_str()).collect();
                tracing::info!(group = %id, rooms = %rooms.join(", "), power = home.power, "Matrix: home rooms");
            }
            if let Some(home) = &homes.organization {
                let rooms: Vec<&str> = home.rooms.iter().map(|r| r.as_str()).collect();
                tracing::info!(rooms = %rooms.join(", "), power = home.power, "Matrix: the organization's rooms");
            }
        }
        *self.now.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(homes);
        Ok(())
    }

    /// An `m.space.child` event arrived in `room`: when it is a home, its children (if it is
    /// a space) are read again at the next resolution, which is woken.
    pub fn space_changed(&self, room: &RoomId) {
        if self.now().is_home(room) {
            self.stale.lock().unwrap_or_else(|p| p.into_inner()).insert(room.to_owned());
            self.changed.notify_one();
        }
    }

    /// Resolves until `stop`: whenever groups are added or removed, a group's content is
    /// reloaded (its home may have changed), or a home space's children change.
    pub async fn follow(
        self: Arc<Self>,
        client: Client,
        org: Organization,
        config: MatrixConfig,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) {
        let mut groups = org.watch_groups();
        loop {
            // Watched before resolving, so that a change made meanwhile is not missed.
            let mut plans: Vec<_> = org.groups().values().map(|e| e.watch_plan()).collect();
            if let Err(e) = self.refresh(&client, &org, &config, false).await {
                tracing::error!(error = %e, "Matrix: the homes are not updated");
            }
            let reloaded = async {
                if plans.is_empty() {
                    std::future::pending::<()>().await;
                }
                let each = plans.iter_mut().map(|p| Box::pin(p.changed()));
                let _ = futures_util::future::select_all(each).await;
            };
            tokio::select! {
                _ = stop.wait_for(|s| *s) => return,
                changed = groups.changed() => if changed.is_err() { return },
                () = reloaded => {}
                () = self.changed.notified() => {}
            }
        }
    }
}

/// Whether `room` is a space and, if so, its children: read from the homeserver (the bot's
/// copy of a room it has just joined may not have the state yet). A child counts while its
/// `m.space.child` event names servers to join it through (an emptied one is a removal).
async fn read_space(client: &Client, room: &RoomId) -> matrix_sdk::HttpResult<Option<Vec<OwnedRoomId>>> {
    let state = client.send(GetState::new(room.to_owned())).await?;
    let mut space = false;
    let mut children = Vec::new();
    for event in &state.room_state {
        let kind: Option<String> = event.get_field("type").ok().flatten();
        let content: Option<Value> = event.get_field("content").ok().flatten();
        match kind.as_deref() {
            Some("m.room.create") => {
                space = content.as_ref().and_then(|c| c.get("type")).and_then(Value::as_str) == Some("m.space");
            }
            Some("m.space.child") => {
                let via = content.as_ref().and_then(|c| c.get("via")).and_then(Value::as_array);
                let key: Option<String> = event.get_field("state_key").ok().flatten();
                if via.is_some_and(|v| !v.is_empty())
                    && let Some(child) = key.and_then(|k| RoomId::parse(k).ok())
                    && !children.contains(&child)
                {
                    children.push(child);
                }
            }
            _ => {}
        }
    }
    Ok(space.then_some(children))
}

/// The homes from the rooms each declares and the children of those that are spaces; and
/// the rooms left to nobody because two groups claim them.
fn assemble(
    explicit: &[(Owner, Vec<OwnedRoomId>, i64)],
    children: &HashMap<OwnedRoomId, Vec<OwnedRoomId>>,
) -> (Homes, Vec<OwnedRoomId>) {
    let mut owners: HashMap<OwnedRoomId, Owner> = HashMap::new();
    let mut contested: HashSet<OwnedRoomId> = HashSet::new();
    let claim = |owners: &mut HashMap<OwnedRoomId, Owner>,
                 contested: &mut HashSet<OwnedRoomId>,
                 room: &OwnedRoomId,
                 owner: &Owner| {
        if contested.contains(room) {
            return;
        }
        match owners.get(room) {
            None => {
                owners.insert(room.clone(), owner.clone());
            }
            Some(o) if o == owner => {}
            Some(_) => {
                owners.remove(room);
                contested.insert(room.clone());
            }
        }
    };
    // The groups' rooms named explicitly, then the organization's where no group's is.
    let groups = || explicit.iter().filter(|(o, ..)| matches!(o, Owner::Group(_)));
    let organization = || explicit.iter().filter(|(o, ..)| *o == Owner::Organization);
    for (owner, rooms, _) in groups() {
        for room in rooms {
            claim(&mut owners, &mut contested, room, owner);
        }
    }
    let named: HashSet<OwnedRoomId> = owners.keys().chain(contested.iter()).cloned().collect();
    for (owner, rooms, _) in organization() {
        for room in rooms.iter().filter(|r| !named.contains(*r)) {
            owners.insert(room.clone(), owner.clone());
        }
    }
    // Then the children of spaces, where nothing named them: the groups' first.
    let named: HashSet<OwnedRoomId> = owners.keys().chain(contested.iter()).cloned().collect();
    for (owner, rooms, _) in groups() {
        for child in rooms.iter().filter_map(|r| children.get(r)).flatten().filter(|c| !named.contains(*c)) {
            claim(&mut owners, &mut contested, child, owner);
        }
    }
    let named: HashSet<OwnedRoomId> = owners.keys().chain(contested.iter()).cloned().collect();
    for (owner, rooms, _) in organization() {
        for child in rooms.iter().filter_map(|r| children.get(r)).flatten().filter(|c| !named.contains(*c)) {
            owners.insert(child.clone(), owner.clone());
        }
    }
    let mut homes = Homes::default();
    for (owner, rooms, power) in explicit {
        let mut home = Home { rooms: Vec::new(), power: *power };
        let declared_then_children = rooms.iter().chain(rooms.iter().filter_map(|r| children.get(r)).flatten());
        for room in declared_then_children {
            // The organization reads its organizers in every room it names, a group's too.
            let theirs = owners.get(room) == Some(owner) || (*owner == Owner::Organization && rooms.contains(room));
            if theirs && !home.rooms.contains(room) {
                home.rooms.push(room.clone());
            }
        }
        match owner {
            Owner::Group(id) => {
                homes.groups.insert(id.clone(), home);
            }
            Owner::Organization => homes.organization = Some(home),
        }
    }
    homes.owners = owners;
    let mut contested: Vec<OwnedRoomId> = contested.into_iter().collect();
    contested.sort();
    (homes, contested)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room(s: &str) -> OwnedRoomId {
        RoomId::parse(format!("!{s}:example.org")).unwrap()
    }

    fn group(s: &str) -> Owner {
        Owner::Group(GroupId::named(s))
    }

    #[test]
    fn named_rooms_win_over_children_groups_over_the_organization_and_a_contested_room_is_nobodys() {
        let explicit = vec![
            (group("lacwg"), vec![room("lacwg"), room("both")], 50),
            (group("sur"), vec![room("sur"), room("both"), room("sur-space")], 30),
            (Owner::Organization, vec![room("org-space"), room("lacwg")], 100),
        ];
        let children = HashMap::from([
            (room("org-space"), vec![room("lacwg"), room("sur"), room("lobby")]),
            (room("sur-space"), vec![room("sur-extra"), room("lobby"), room("lacwg")]),
        ]);
        let (homes, contested) = assemble(&explicit, &children);
        assert_eq!(contested, vec![room("both")]);
        assert_eq!(homes.owner(&room("lacwg")), Some(&group("lacwg")), "named by lacwg, a child of sur's space");
        assert_eq!(homes.owner(&room("sur")), Some(&group("sur")));
        assert_eq!(homes.owner(&room("sur-extra")), Some(&group("sur")), "a child of sur's space");
        assert_eq!(homes.owner(&room("lobby")), Some(&group("sur")), "a group's space before the organization's");
        assert_eq!(homes.owner(&room("org-space")), Some(&Owner::Organization));
        assert_eq!(homes.owner(&room("both")), None);
        let sur = homes.group(&GroupId::named("sur")).unwrap();
        assert_eq!(sur.rooms, vec![room("sur"), room("sur-space"), room("sur-extra"), room("lobby")]);
        assert_eq!(sur.power, 30);
        assert_eq!(homes.group(&GroupId::named("lacwg")).unwrap().rooms, vec![room("lacwg")]);
        // The organization reads its organizers in the rooms it names, a group's included.
        assert_eq!(homes.organization().unwrap().rooms, vec![room("org-space"), room("lacwg")]);
        assert!(homes.is_home(&room("lacwg")) && !homes.is_home(&room("both")));
    }
}

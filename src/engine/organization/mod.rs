//! Every group one deployment answers for: an engine per group, kept current as the content
//! root changes while the bot runs.
//!
//! A group's engine has its own content and its own rows of the store; a person, their flood
//! limit and the deployment's counters are shared (see [`Engine::another`]). Which group a
//! message is for is the adapters' to say, from the homes each group declares: the engine
//! never reads a platform's places.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use chrono::Utc;

mod asked;

pub use asked::Whose;

use super::{Engine, Settings};
use crate::content::{self, Content, ContentErrors, ContentHandle};
use crate::group_id::GroupId;
use crate::store::Store;

/// The groups, by id, as one snapshot: cheap to take, never changes under its holder.
pub type Groups = Arc<BTreeMap<GroupId, Engine>>;

/// Every group of a deployment, and the organization above them when the content is one.
#[derive(Clone)]
pub struct Organization {
    inner: Arc<Inner>,
}

struct Inner {
    dir: PathBuf,
    /// The engine new groups share their deployment-wide parts with.
    first: Engine,
    about: RwLock<Option<Arc<content::Organization>>>,
    groups: RwLock<Groups>,
    /// The errors of the last reload, by group (`None`: the root itself), while those groups
    /// answer from their last good content or are not started.
    stale: RwLock<BTreeMap<Option<GroupId>, ContentErrors>>,
    /// Moves when groups are added or removed, for whoever runs something per group.
    changed: tokio::sync::watch::Sender<u64>,
    /// Each group folder's files as last loaded: a reload replans only the groups whose
    /// files changed, not a thousand because one did.
    seen: std::sync::Mutex<BTreeMap<GroupId, Fingerprint>>,
}

/// A folder's files, names, times and sizes (see [`content::watch::fingerprint`]).
type Fingerprint = Vec<(String, Option<std::time::SystemTime>, u64)>;

/// What a reload did, for the log and for whoever starts and stops each group's tasks.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reloaded {
    /// Groups that appeared.
    pub added: Vec<GroupId>,
    /// Groups whose folder is gone.
    pub removed: Vec<GroupId>,
    /// Groups whose content changed.
    pub changed: Vec<GroupId>,
    /// Groups (or, `None`, the root) whose files have errors: they keep their last good
    /// content, or are not started when they never had any.
    pub failed: Vec<Option<GroupId>>,
}

impl Organization {
    /// Every group under `dir`, all of whose files must be valid (start-up), each answering
    /// from its own rows of `store`.
    pub fn open(dir: &Path, store: Store, settings: Settings) -> Result<Organization, ContentErrors> {
        let (org, broken) = Organization::open_each(dir, store, settings)?;
        if broken.is_empty() {
            return Ok(org);
        }
        // File by file, line by line, as `convoca check` lists them.
        let mut errors: Vec<content::ContentError> = broken.into_iter().flat_map(|(_, e)| e.0).collect();
        errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        Err(ContentErrors(errors))
    }

    /// Every group under `dir` whose files are valid; a group whose files have errors is left
    /// out (returned with them, and reported stale until a reload finds it fixed), so that
    /// one group's typo does not keep the others from answering. Errors of the root itself,
    /// or of every group, refuse it all.
    pub fn open_each(
        dir: &Path,
        store: Store,
        settings: Settings,
    ) -> Result<(Organization, Vec<(GroupId, ContentErrors)>), ContentErrors> {
        let loaded = content::load_each(dir, Utc::now());
        let mut root_errors = loaded.errors;
        if let Some(Err(e)) = &loaded.organization {
            root_errors.extend(e.0.iter().cloned());
        }
        let (good, bad): (Vec<_>, Vec<_>) = loaded.groups.into_iter().partition(|(_, r)| r.is_ok());
        let broken: Vec<(GroupId, ContentErrors)> =
            bad.into_iter().filter_map(|(id, r)| r.err().map(|e| (id, e))).collect();
        if !root_errors.is_empty() || good.is_empty() {
            root_errors.extend(broken.into_iter().flat_map(|(_, e)| e.0));
            if root_errors.is_empty() {
                root_errors.push(content::ContentError::file(dir, "this content root holds no group"));
            }
            return Err(ContentErrors(root_errors));
        }
        let mut contents = good.into_iter().filter_map(|(_, r)| r.ok());
        let Some(first) = contents.next() else { unreachable!("checked above: a group loaded") };
        let first = Engine::new(ContentHandle::fixed(&group_dir(dir, &first), first), store, settings);
        let org = Organization::at(dir, first);
        *org.inner.about.write().unwrap_or_else(|p| p.into_inner()) =
            loaded.organization.and_then(Result::ok).map(Arc::new);
        let mut all = BTreeMap::clone(&org.groups());
        for content in contents {
            let engine = org.inner.first.another(ContentHandle::fixed(&group_dir(dir, &content), content));
            all.insert(engine.group().clone(), engine);
        }
        let mut seen = org.inner.seen.lock().unwrap_or_else(|p| p.into_inner());
        for (id, engine) in &all {
            seen.insert(id.clone(), content::watch::fingerprint(engine.content().dir()));
        }
        drop(seen);
        *org.inner.groups.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(all);
        let mut stale = org.inner.stale.write().unwrap_or_else(|p| p.into_inner());
        for (id, errors) in &broken {
            stale.insert(Some(id.clone()), errors.clone());
        }
        drop(stale);
        Ok((org, broken))
    }

    /// A deployment of one group, answered by `engine` (tests, and the terminal's commands).
    pub fn of(engine: Engine) -> Organization {
        let dir = engine.content().dir().to_path_buf();
        Organization::at(&dir, engine)
    }

    /// The groups under the content root `dir`, `engine`'s first.
    fn at(dir: &Path, engine: Engine) -> Organization {
        let dir = dir.to_path_buf();
        let groups = BTreeMap::from([(engine.group().clone(), engine.clone())]);
        Organization {
            inner: Arc::new(Inner {
                dir,
                first: engine,
                about: RwLock::new(None),
                groups: RwLock::new(Arc::new(groups)),
                stale: RwLock::new(BTreeMap::new()),
                changed: tokio::sync::watch::Sender::new(0),
                seen: Default::default(),
            }),
        }
    }

    /// The groups now.
    pub fn groups(&self) -> Groups {
        Arc::clone(&self.inner.groups.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// One group's engine, if the deployment has that group now.
    pub fn group(&self, id: &GroupId) -> Option<Engine> {
        self.groups().get(id).cloned()
    }

    /// The only group, when there is exactly one (a one-group deployment, or an organization
    /// of one group so far).
    pub fn only(&self) -> Option<Engine> {
        let groups = self.groups();
        (groups.len() == 1).then(|| groups.values().next().cloned()).flatten()
    }

    /// An engine for what is the deployment's rather than a group's (flood limits, counters,
    /// settings, the instance id): each group's engine shares them.
    pub fn any(&self) -> &Engine {
        &self.inner.first
    }

    /// The organization, when the content root is one.
    pub fn about(&self) -> Option<Arc<content::Organization>> {
        self.inner.about.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The content root's folder.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// Moves whenever groups are added or removed.
    pub fn watch_groups(&self) -> tokio::sync::watch::Receiver<u64> {
        self.inner.changed.subscribe()
    }

    /// While some files do not load: their errors, by group (`None` for the root's own).
    pub fn stale(&self) -> Vec<(Option<GroupId>, ContentErrors)> {
        let stale = self.inner.stale.read().unwrap_or_else(|p| p.into_inner());
        stale.iter().map(|(g, e)| (g.clone(), e.clone())).collect()
    }

    /// Reads the root again. A group whose files are valid answers from them now (a new
    /// folder starts a new group, a removed one stops); a group whose files have errors
    /// keeps its last good content; the others are not touched. Errors in the root itself
    /// (`organization.toml`) change nothing at all.
    pub fn reload(&self) -> Reloaded {
        let done = self.read_again();
        crate::memory::give_back_freed();
        done
    }

    fn read_again(&self) -> Reloaded {
        let loaded = content::load_each(&self.inner.dir, Utc::now());
        let mut done = Reloaded::default();
        let mut stale = BTreeMap::new();
        let root_failed = !loaded.errors.is_empty() || matches!(loaded.organization, Some(Err(_)));
        if root_failed {
            let mut errors = loaded.errors.clone();
            if let Some(Err(e)) = &loaded.organization {
                errors.extend(e.0.iter().cloned());
            }
            stale.insert(None, ContentErrors(errors));
            done.failed.push(None);
            *self.inner.stale.write().unwrap_or_else(|p| p.into_inner()) = stale;
            return done;
        }
        let before = self.groups();
        // A one-group folder that became an organization (or back) while the bot runs: its
        // rows belong to the group they were made in, and moving them is a step of its own
        // (`migrate --into-group`), with the bot stopped. Until then nothing switches.
        let was_single = before.keys().any(GroupId::is_single);
        if was_single != loaded.groups.iter().any(|(id, _)| id.is_single()) && !loaded.groups.is_empty() {
            let why = if was_single {
                "this content folder became an organization while the bot runs: the bot keeps answering as the one \
                 group it was. Stop it, run `convoca migrate --into-group NAME` to move the group's records into its \
                 folder, and start it again"
            } else {
                "this content folder became one group while the bot runs: restart the bot to answer from it"
            };
            stale.insert(None, ContentErrors(vec![content::ContentError::file(&self.inner.dir, why)]));
            done.failed.push(None);
            *self.inner.stale.write().unwrap_or_else(|p| p.into_inner()) = stale;
            return done;
        }
        let mut after = BTreeMap::new();
        let mut seen = self.inner.seen.lock().unwrap_or_else(|p| p.into_inner());
        for (id, result) in loaded.groups {
            match (result, before.get(&id)) {
                (Ok(content), Some(engine)) => {
                    let print = content::watch::fingerprint(&group_dir(&self.inner.dir, &content));
                    let same = seen.get(&id) == Some(&print) && engine.content().stale().is_none();
                    if !same {
                        engine.content().replace(content);
                        engine.notify_changed();
                        done.changed.push(id.clone());
                        seen.insert(id.clone(), print);
                    }
                    after.insert(id, engine.clone());
                }
                (Ok(content), None) => {
                    let dir = group_dir(&self.inner.dir, &content);
                    seen.insert(id.clone(), content::watch::fingerprint(&dir));
                    let engine = self.inner.first.another(ContentHandle::fixed(&dir, content));
                    done.added.push(id.clone());
                    after.insert(id, engine);
                }
                (Err(errors), kept) => {
                    if let Some(engine) = kept {
                        engine.content().set_stale(Some(errors.clone()));
                        after.insert(id.clone(), engine.clone());
                    }
                    stale.insert(Some(id.clone()), errors);
                    done.failed.push(Some(id));
                }
            }
        }
        done.removed = before.keys().filter(|id| !after.contains_key(*id)).cloned().collect();
        seen.retain(|id, _| after.contains_key(id));
        drop(seen);
        if let Some(Ok(about)) = loaded.organization {
            *self.inner.about.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(about));
        } else if loaded.organization.is_none() {
            *self.inner.about.write().unwrap_or_else(|p| p.into_inner()) = None;
        }
        *self.inner.groups.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(after);
        *self.inner.stale.write().unwrap_or_else(|p| p.into_inner()) = stale;
        if !done.added.is_empty() || !done.removed.is_empty() {
            self.inner.changed.send_modify(|n| *n = n.wrapping_add(1));
        }
        done
    }
}

impl Organization {
    /// Erases what the store keeps of groups whose folder is gone (no engine answers for
    /// them, so no group's daily erasure reaches them): their records untouched for the
    /// shortest retention any current group keeps, as a group erases a campaign removed from
    /// its files. Nothing when no group sets a retention (data is then kept until people
    /// erase it themselves, as everywhere).
    pub async fn erase_orphans(
        &self,
        now: chrono::DateTime<Utc>,
    ) -> Result<crate::store::Purged, crate::store::StoreError> {
        use crate::store::{Expired, Older, Purged};
        let groups = self.groups();
        let shortest = |f: fn(&content::Retention) -> Option<chrono::Duration>| {
            groups.values().filter_map(|e| f(&e.content().current().group.retention)).min()
        };
        let signups = shortest(|r| r.signups_after);
        let answers = shortest(|r| r.rsvps_after).or(signups);
        let mut purged = Purged::default();
        let Some(keep) = signups.or(answers) else { return Ok(purged) };
        for id in self.any().store().groups_on_record().await? {
            if groups.contains_key(&id) || id.is_single() {
                continue;
            }
            let store = self.any().store().for_group(&id);
            let expired: Vec<Expired> = store
                .actions_on_record()
                .await?
                .iter()
                .map(|(campaign, action)| Expired::untouched(campaign, action, now - keep))
                .collect();
            let older = Older {
                rsvps_before: answers.map(|k| (now - k).date_naive()),
                messages_before: None,
                withdrawn_before: Some(now - keep),
                feeds_before: None,
                dashboard_at: Some(now),
            };
            let done = store.erase_older(&expired, older).await?;
            purged.signups += done.signups;
            purged.rsvps += done.rsvps;
            purged.reactions += done.reactions;
            purged.people += done.people;
        }
        Ok(purged)
    }
}

/// The folder a group's files are in: the root for the single group, `groups/<slug>/`
/// otherwise.
fn group_dir(root: &Path, content: &Content) -> PathBuf {
    if content.group.id.is_single() { root.to_path_buf() } else { root.join("groups").join(content.group.id.as_str()) }
}

impl From<Engine> for Organization {
    /// A deployment of the one group `engine` answers for.
    fn from(engine: Engine) -> Organization {
        Organization::of(engine)
    }
}

//! A request to a deployment of several groups: answered by the group whose home it was
//! asked in, by the organization where it is the organization's, or, in a direct chat, by
//! the group the person belongs to (asked which when they belong to several).

use std::sync::Arc;

use super::Organization;
use crate::agenda::{Agenda, Cancelled, Which};
use crate::chat::Standing;
use crate::content::Content;
use crate::engine::answers::{groups, help};
use crate::engine::{Asked, Command, Engine, Reply, Request, delivery, texts};
use crate::group_id::GroupId;

/// Whose question a request is, as the adapter found from where it was asked (the homes
/// each group declares, never what a place says of itself), with the asker's standing read
/// there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Whose {
    /// A group's home: that group answers, by the standing in its home the request carries.
    Group(GroupId),
    /// The organization's own home: its list of groups and, for its organizers (the
    /// request's `organizer`), counts across groups; never a group's names.
    Organization,
    /// The bot's direct chat: each group whose home the person belongs to, with their
    /// standing there (none: they belong to no group's home).
    Direct(Vec<(GroupId, Standing)>),
    /// No group's home and not the organization's.
    Elsewhere,
}

impl Organization {
    /// Answers one request for whoever it is for. Never fails (as [`Engine::handle`]).
    pub async fn handle(&self, req: &Request, whose: &Whose) -> Reply {
        // A person's own list spans every group they signed up in, wherever they ask.
        if matches!(req.command, Command::MySignUps) && !self.is_one_group() && *whose != Whose::Elsewhere {
            let asked = if matches!(whose, Whose::Direct(_)) { Asked::Direct } else { Asked::Home };
            return self.my_signups(&Request { asked, ..req.clone() }).await;
        }
        match whose {
            Whose::Group(id) => match self.group(id) {
                Some(engine) => self.in_group_home(&engine, req).await,
                // A group removed between the adapter's look and now.
                None => self.elsewhere(req).await,
            },
            Whose::Organization => self.at_organization(req).await,
            Whose::Direct(theirs) => self.direct(req, theirs).await,
            Whose::Elsewhere => self.elsewhere(req).await,
        }
    }

    async fn in_group_home(&self, engine: &Engine, req: &Request) -> Reply {
        let req = Request { asked: Asked::Home, ..req.clone() };
        match &req.command {
            Command::Groups if !self.is_one_group() => self.groups_list(&req, false).await,
            Command::Group { .. } if !self.is_one_group() => {
                self.fit(&req, groups::here(&req, &engine.content().current()))
            }
            _ => engine.handle(&req).await,
        }
    }

    /// Where the organization lives: the list of groups, meetings across groups, counts for
    /// its organizers; a group's own questions are sent to the group's place.
    async fn at_organization(&self, req: &Request) -> Reply {
        let req = Request { asked: Asked::Home, member: false, ..req.clone() };
        let reply = match &req.command {
            Command::Groups | Command::Help | Command::Empty => return self.groups_list(&req, false).await,
            Command::Meeting { meeting: None } => return self.groups_list(&req, true).await,
            Command::Roster { campaign } | Command::Export { campaign } if req.organizer => {
                return self.counts_across(&req, campaign.as_deref()).await;
            }
            command if command.is_for_organizers() && !req.organizer => {
                help::organizers_only(&req, &self.any().content().current())
            }
            // The terminal has no group's place to go to: it names the group with a flag.
            _ if !req.on.read_by_others => {
                let all: Vec<Arc<Content>> = self.groups().values().map(|e| e.content().current()).collect();
                groups::ask_with_group(&req, &all.iter().map(|c| &**c).collect::<Vec<_>>())
            }
            _ => groups::ask_in_group(&req),
        };
        self.fit(&req, reply)
    }

    /// The bot's direct chat: the one group the person belongs to answers; someone in
    /// several says which (`/group`), and until then only what is theirs across groups
    /// (`/forgetme`, `/myreminders`) is answered.
    async fn direct(&self, req: &Request, theirs: &[(GroupId, Standing)]) -> Reply {
        let all = self.groups();
        if let Some(only) = self.only() {
            let standing = theirs.iter().find(|(id, _)| id == only.group()).map(|(_, s)| *s).unwrap_or_default();
            return only.handle(&as_member(req, Asked::Direct, standing)).await;
        }
        let mine: Vec<(GroupId, Standing)> =
            theirs.iter().filter(|(id, s)| s.member && all.contains_key(id)).cloned().collect();
        let contents: Vec<Arc<Content>> =
            mine.iter().filter_map(|(id, _)| all.get(id)).map(|e| e.content().current()).collect();
        let refs: Vec<&Content> = contents.iter().map(|c| &**c).collect();
        match &req.command {
            Command::Groups => return self.groups_list(req, false).await,
            Command::Group { group } => return self.choose(req, group.as_deref(), &mine, &refs).await,
            _ => {}
        }
        let chosen = match mine.as_slice() {
            [one] => Some(one.clone()),
            [] => None,
            several => match self.any().store().direct_group(&req.user).await {
                Ok(Some(g)) => several.iter().find(|(id, _)| *id == g).cloned(),
                Ok(None) => None,
                Err(e) => {
                    tracing::warn!(error = %e, "could not read which group a direct chat answers for");
                    None
                }
            },
        };
        if let Some((id, standing)) = chosen
            && let Some(engine) = all.get(&id)
        {
            return engine.handle(&as_member(req, Asked::Direct, standing)).await;
        }
        // Theirs in every group: erasing oneself, stopping one's messages.
        if matches!(req.command, Command::ForgetMe { .. } | Command::MyReminders { .. }) {
            return self.any().handle(&as_member(req, Asked::Direct, Standing::default())).await;
        }
        let reply = match &req.command {
            Command::Help | Command::Empty | Command::Meeting { meeting: None } if mine.is_empty() => {
                return self.groups_list(req, true).await;
            }
            _ if mine.is_empty() => groups::in_none(req),
            _ => groups::choose_first(req, &refs),
        };
        self.fit(req, reply)
    }

    /// `/group`: which group the direct chat answers for, or the one it should.
    async fn choose(
        &self,
        req: &Request,
        name: Option<&str>,
        mine: &[(GroupId, Standing)],
        theirs: &[&Content],
    ) -> Reply {
        let all = self.groups();
        let Some(name) = name else {
            let current = match self.any().store().direct_group(&req.user).await {
                Ok(Some(g)) if mine.iter().any(|(id, _)| *id == g) => all.get(&g).map(|e| e.content().current()),
                _ if mine.len() == 1 => all.get(&mine[0].0).map(|e| e.content().current()),
                _ => None,
            };
            return self.fit(req, groups::which(req, current.as_deref(), theirs));
        };
        let wanted = GroupId::named(&name.trim().to_lowercase());
        let Some(engine) = all.get(&wanted) else {
            let every: Vec<Arc<Content>> = all.values().map(|e| e.content().current()).collect();
            let every: Vec<&Content> = every.iter().map(|c| &**c).collect();
            return self.fit(req, groups::unknown(req, name, &every));
        };
        let content = engine.content().current();
        if !mine.iter().any(|(id, _)| *id == wanted) {
            return self.fit(req, groups::not_yours(req, &content, theirs));
        }
        match self.any().store().set_direct_group(&req.user, &wanted, req.now).await {
            Ok(()) => self.fit(req, groups::chosen(req, &content)),
            Err(e) => {
                tracing::error!(error = %e, "could not record which group a direct chat answers for");
                self.fit(req, Reply::refusal(texts::store_error(req.locale)))
            }
        }
    }

    /// Not any group's home: a one-group deployment answers as it always has (public
    /// answers only); several groups have only their list to offer there.
    async fn elsewhere(&self, req: &Request) -> Reply {
        let req = Request { asked: Asked::Elsewhere, member: false, organizer: false, ..req.clone() };
        if let Some(only) = self.only() {
            return only.handle(&req).await;
        }
        match &req.command {
            Command::Groups | Command::Help | Command::Empty | Command::Meeting { meeting: None } => {
                self.groups_list(&req, true).await
            }
            _ => self.fit(&req, groups::ask_in_group(&req)),
        }
    }

    /// Every group with its next meeting (organizers' changes applied) and how to join.
    async fn groups_list(&self, req: &Request, meetings: bool) -> Reply {
        let all = self.groups();
        let mut contents = Vec::with_capacity(all.len());
        for engine in all.values() {
            let content = engine.content().current();
            let next = match engine.calendar_changes().await {
                Ok(changes) => {
                    Agenda::new(&content, &changes).upcoming(Which::All, req.now, 1, Cancelled::Skipped).pop()
                }
                Err(e) => {
                    tracing::warn!(group = %engine.group(), error = %e, "the groups' list: a calendar could not be read");
                    None
                }
            };
            contents.push((content, next));
        }
        let listed: Vec<groups::Listed<'_>> =
            contents.iter().map(|(c, next)| groups::Listed { content: c, next: next.clone() }).collect();
        let about = self.about();
        let org = about.as_ref().map(|o| o.name.get(req.locale));
        let mut reply = groups::list(req, org, &listed);
        if meetings {
            reply = reply.titled(texts::org_meetings_title(req.locale));
        }
        self.fit(req, reply)
    }

    /// `/signups <campaign>` by an organizer of the organization: how many signed up and
    /// did it in each group that has the campaign. Numbers only, never a name.
    async fn counts_across(&self, req: &Request, campaign: Option<&str>) -> Reply {
        let l = req.locale;
        let Some(slug) = campaign.map(str::trim).filter(|s| !s.is_empty()) else {
            return self.groups_list(req, false).await;
        };
        let mut lines = Vec::new();
        for engine in self.groups().values() {
            let content = engine.content().current();
            let Some(c) = content.campaign(slug) else { continue };
            let store = engine.store();
            let (people, counts) = match (store.people_in(&c.slug).await, store.counts(&c.slug).await) {
                (Ok(p), Ok(c)) => (p, c),
                (Err(e), _) | (_, Err(e)) => {
                    tracing::error!(group = %engine.group(), error = %e, "counts across groups: database error");
                    return self.fit(req, Reply::refusal(texts::store_error(l)));
                }
            };
            let done: i64 = counts.iter().map(|c| c.done).sum();
            let people = texts::count(people.max(0) as usize, texts::one_person, texts::n_people, l);
            lines.push(fill_line(l, &content.group.short_name, &people, done));
        }
        let reply = if lines.is_empty() {
            Reply::refusal(texts::fill(texts::org_counts_none(l), &[("campaign", &texts::literal(slug))]))
        } else {
            Reply::private()
                .titled(texts::fill(texts::org_counts_title(l), &[("campaign", slug)]))
                .text(lines.join("\n"))
                .text(texts::org_counts_note(l))
        };
        self.fit(req, reply)
    }

    /// `/mysignups` across every group, privately.
    async fn my_signups(&self, req: &Request) -> Reply {
        let all = self.groups();
        let contents: Vec<(Arc<Content>, &Engine)> = all.values().map(|e| (e.content().current(), e)).collect();
        let parts: Vec<(&Content, &crate::store::Store)> = contents.iter().map(|(c, e)| (&**c, e.store())).collect();
        match crate::engine::answers::signup::mine_everywhere(req, &parts).await {
            Ok(reply) => self.fit(req, reply),
            Err(e) => {
                tracing::error!(error = %e, "my sign-ups across groups: database error");
                self.fit(req, Reply::refusal(texts::store_error(req.locale)))
            }
        }
    }

    /// Whether the deployment is one group (`/groups` and `/group` are then the group's).
    fn is_one_group(&self) -> bool {
        self.only().is_some_and(|e| e.group().is_single())
    }

    /// A reply of the organization's own, fitted to where it goes as a group's would be.
    fn fit(&self, req: &Request, reply: Reply) -> Reply {
        delivery::fit(req, &self.any().content().current(), reply)
    }
}

/// One group's line of counts across groups.
fn fill_line(l: crate::locale::Locale, group: &str, people: &str, done: i64) -> String {
    texts::fill(texts::org_counts_line(l), &[("group", group), ("people", people), ("done", &done.to_string())])
}

/// The request as asked by someone with `standing` in the group that answers it.
fn as_member(req: &Request, asked: Asked, standing: Standing) -> Request {
    Request { asked, member: standing.member, organizer: standing.organizer, ..req.clone() }
}

//! The public site: which page an address asks for, made from the organization's current
//! content and records, and kept a few seconds so that a busy day (a thousand visitors a
//! second after a newsletter) costs one rendering per page and language, not one each.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::address::Address;
use super::render::{self, GroupLine, OrganizationPage};
use super::view::GroupPage;
use super::{json, language};
use crate::agenda::{Agenda, Cancelled, Which};
use crate::calendar::format;
use crate::engine::{Engine, Organization};
use crate::group_id::GroupId;
use crate::locale::Locale;

/// How long a rendered page is served as it is. Organizers' changes and sign-ups show
/// within this (the counts themselves are read at most every three seconds).
pub const FRESH_FOR: Duration = Duration::from_secs(5);
/// Pages kept at most: a thousand groups' pages in two languages and three forms would
/// otherwise stay in memory after one crawler's visit.
const KEPT_MAX: usize = 256;

/// Which page.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Whose {
    /// The front page: the only group's, or the organization's.
    Front,
    /// A group of an organization.
    Group(GroupId),
}

/// Which form of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Form {
    /// The whole page.
    Page,
    /// The fragment another website embeds.
    Embed,
    /// The JSON feed.
    Json,
}

/// A page ready to send.
pub struct Rendered {
    /// The bytes (a clone shares them).
    pub body: bytes::Bytes,
    /// Its entity tag: a hash of the bytes, so an unchanged page re-rendered keeps its tag
    /// and a browser's copy stays good.
    pub etag: String,
    /// `text/html; charset=utf-8` or `application/json`.
    pub content_type: &'static str,
    /// Its language.
    pub lang: Locale,
}

type Key = (Whose, Form, Locale);
/// Pages made lately, each with when it was made.
type Kept = Arc<Mutex<HashMap<Key, (Instant, Arc<Rendered>)>>>;
/// Where the site's "now" comes from.
type Now = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The site. Clones share the pages kept.
#[derive(Clone)]
pub struct Site {
    org: Organization,
    fresh_for: Duration,
    kept: Kept,
    now: Now,
}

impl Site {
    /// The site of `org`, on the system's clock.
    pub fn new(org: Organization) -> Site {
        Site::with_clock(org, Arc::new(Utc::now))
    }

    /// The site of `org` at the instants `now` gives (tests fix it).
    pub fn with_clock(org: Organization, now: Now) -> Site {
        Site { org, fresh_for: FRESH_FOR, kept: Arc::default(), now }
    }

    /// Pages kept this long instead of [`FRESH_FOR`] (zero: every request renders; tests).
    pub fn fresh_for(mut self, fresh_for: Duration) -> Site {
        self.fresh_for = fresh_for;
        self
    }

    /// The site's "now": the system's clock, or the one tests fix.
    pub fn now(&self) -> DateTime<Utc> {
        (self.now)()
    }

    /// The language a request without one in its address gets: by `accept_language`, else
    /// the page's own.
    pub fn language_for(&self, whose: &Whose, accept_language: Option<&str>) -> Option<Locale> {
        let own = match self.public(whose)? {
            Public::Group(engine) => engine.content().current().group.language,
            Public::Organization => self.org.about()?.language,
        };
        Some(language::negotiate(accept_language, own))
    }

    /// The page, or `None` when there is no such public page (no such group, or one that
    /// wants no page).
    pub async fn get(&self, whose: &Whose, form: Form, lang: Locale) -> Option<Arc<Rendered>> {
        let key = (whose.clone(), form, lang);
        if let Some(hit) = self.kept_fresh(&key) {
            return Some(hit);
        }
        let public = self.public(whose)?;
        let now = (self.now)();
        let (body, content_type) = match (public, form) {
            (Public::Organization, Form::Page) => (self.organization_page(lang, now).await?, HTML),
            (Public::Organization, _) => return None,
            (Public::Group(engine), form) => {
                let mut page = group_page(&engine, lang, now).await;
                page.organization = self.organization_link(lang);
                match form {
                    Form::Page => (render::group_page(&page), HTML),
                    Form::Embed => (render::embed(&page), HTML),
                    Form::Json => (json::feed(&page), JSON),
                }
            }
        };
        let rendered = Arc::new(Rendered { etag: etag(&body), body: bytes::Bytes::from(body), content_type, lang });
        self.keep(key, Arc::clone(&rendered));
        Some(rendered)
    }

    /// What `whose` names, if it has a public page.
    fn public(&self, whose: &Whose) -> Option<Public> {
        match whose {
            Whose::Front => match self.org.only() {
                Some(engine) => Some(Public::Group(engine)).filter(|_| wants_page(&self.org, None)),
                None => self.org.about().filter(|o| o.web.public).map(|_| Public::Organization),
            },
            Whose::Group(id) if id.is_single() => None,
            Whose::Group(id) => self.org.group(id).filter(|_| wants_page(&self.org, Some(id))).map(Public::Group),
        }
    }

    /// The organization's name and page, when a group of it links there (it has a page).
    fn organization_link(&self, lang: Locale) -> Option<(String, String)> {
        let about = self.org.about().filter(|o| o.web.public)?;
        let base = self.org.any().settings().public_url.clone();
        Some((about.name.get(lang).to_string(), Address::organization(base.as_deref()).page(lang)))
    }

    /// The organization's page: its groups that have pages, each with its next meeting.
    async fn organization_page(&self, lang: Locale, now: DateTime<Utc>) -> Option<String> {
        let about = self.org.about()?;
        let base = self.org.any().settings().public_url.clone();
        let address = Address::organization(base.as_deref());
        let mut groups = Vec::new();
        for (id, engine) in self.org.groups().iter() {
            let content = engine.content().current();
            if !content.group.web.public {
                continue;
            }
            let changes = engine.calendar_changes().await.unwrap_or_default();
            let agenda = Agenda::new(&content, &changes);
            let next = agenda
                .upcoming(Which::All, now, 1, Cancelled::Skipped)
                .pop()
                .map(|o| (o.start.to_rfc3339(), format::span(o.start, o.end, o.zone, lang)));
            groups.push(GroupLine {
                name: content.group.name.get(lang).to_string(),
                href: address.of_group(id, lang),
                next,
            });
        }
        let page = OrganizationPage {
            lang,
            name: about.name.get(lang).to_string(),
            website: about.website.clone(),
            groups,
            here: address.page(lang),
            other_href: address.page(lang.other()),
        };
        Some(render::organization_page(&page))
    }

    fn kept_fresh(&self, key: &Key) -> Option<Arc<Rendered>> {
        let kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        kept.get(key).filter(|(at, _)| at.elapsed() < self.fresh_for).map(|(_, page)| Arc::clone(page))
    }

    fn keep(&self, key: Key, page: Arc<Rendered>) {
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        if kept.len() >= KEPT_MAX {
            kept.retain(|_, (at, _)| at.elapsed() < self.fresh_for);
        }
        if kept.len() >= KEPT_MAX
            && let Some(oldest) = kept.iter().min_by_key(|(_, (at, _))| *at).map(|(k, _)| k.clone())
        {
            kept.remove(&oldest);
        }
        kept.insert(key, (Instant::now(), page));
    }
}

/// What a public address names.
enum Public {
    Group(Engine),
    Organization,
}

const HTML: &str = "text/html; charset=utf-8";
const JSON: &str = "application/json";

/// Whether the group (`None`: the only one) asked for a public page.
fn wants_page(org: &Organization, id: Option<&GroupId>) -> bool {
    let engine = match id {
        Some(id) => org.group(id),
        None => org.only(),
    };
    engine.is_some_and(|e| e.content().current().group.web.public)
}

/// A group's page data: its content, calendar changes and sign-up counts as they are now.
/// A database that cannot be read shows the page without changes or counts rather than
/// none (the log says why).
pub async fn group_page(engine: &Engine, lang: Locale, now: DateTime<Utc>) -> GroupPage {
    let content = engine.content().current();
    let changes = engine.calendar_changes().await.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "public page: calendar changes unavailable");
        Default::default()
    });
    let agenda = Agenda::new(&content, &changes);
    let mut counts = Vec::new();
    for c in &content.campaigns {
        match engine.signup_counts(&c.slug).await {
            Ok(n) => counts.push((c.slug.clone(), n)),
            Err(e) => tracing::warn!(error = %e, campaign = %c.slug, "public page: sign-up counts unavailable"),
        }
    }
    let settings = engine.settings();
    let address = Address::group(settings.public_url.as_deref(), engine.group(), &settings.calendar_path);
    GroupPage::new(&content, &agenda, &counts, address, lang, now)
}

/// A strong entity tag from the bytes.
fn etag(body: &str) -> String {
    let digest = Sha256::digest(body.as_bytes());
    format!("\"{}\"", hex::encode(&digest[..12]))
}

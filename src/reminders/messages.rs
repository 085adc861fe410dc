//! The posts a scheduler pass sends, built once for each distinct message: a thousand
//! channels getting the same reminder share one post.

use std::collections::HashMap;
use std::sync::Arc;

use super::plan::{Item, Plan, Subject, Target};
use crate::agenda::Agenda;
use crate::calendar::Lead;
use crate::chat::Abilities;
use crate::content::Content;
use crate::engine::answers::follow_up::{follow_up_message, offer_message};
use crate::engine::answers::reminder_post::{
    Readers, change_notice, deadline_reminder, meeting_reminder, personal_deadline_reminder, personal_meeting_reminder,
    with_stop,
};
use crate::engine::{Engine, Reply};
use crate::store::Store;

/// Reminder posts built once per pass for each distinct (subject, lead, language, audience,
/// command prefix): a thousand channels getting the same reminder share one post.
pub(super) struct Messages<'a> {
    content: &'a Content,
    agenda: &'a Agenda<'a>,
    store: &'a Store,
    engine: &'a Engine,
    built: HashMap<SameMessage, Arc<Reply>>,
    /// When this pass posts: relative words ("today at 6:00 PM") are counted from the later
    /// of this and the reminder's due instant, so a late post never says what was true when
    /// it should have gone out.
    now: chrono::DateTime<chrono::Utc>,
    /// People signed up per campaign; `None` when the count could not be read (the post
    /// goes out without it rather than waiting).
    counts: HashMap<String, Option<i64>>,
}

/// What makes two reminder posts one message: the same subject and lead, for the same
/// readers, on platforms that type commands alike (the only thing of a platform's a post's
/// text depends on: buttons go with every post, and each adapter shows them or not).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct SameMessage {
    subject: u32,
    lead: Lead,
    locale: crate::locale::Locale,
    members: bool,
    prefix: &'static str,
    /// To one person rather than a channel.
    personal: bool,
}

impl<'a> Messages<'a> {
    pub(super) fn new(
        content: &'a Content,
        agenda: &'a Agenda<'a>,
        store: &'a Store,
        engine: &'a Engine,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Self {
        Messages { content, agenda, store, engine, built: HashMap::new(), counts: HashMap::new(), now }
    }

    pub(super) async fn get(
        &mut self,
        plan: &Plan,
        item: &Item,
        target: &Target,
        on: &'static Abilities,
    ) -> Arc<Reply> {
        let k = SameMessage {
            subject: item.subject,
            lead: item.lead,
            locale: target.locale,
            members: target.audience == crate::content::Audience::Members,
            prefix: on.prefix,
            personal: target.person().is_some(),
        };
        if let Some(reply) = self.built.get(&k) {
            return Arc::clone(reply);
        }
        let readers = Readers { locale: target.locale, audience: target.audience, on };
        let posted = item.due.max(self.now);
        let reply = match plan.subject(item) {
            Subject::Meeting { slug, occurrence } => {
                let meeting = self.agenda.meeting(slug);
                let mut counts = Vec::new();
                // Sign-up counts are for channels; a person going gets what concerns them.
                let related = meeting.filter(|_| !k.personal).map(|m| m.campaigns.as_slice());
                for campaign in related.unwrap_or_default() {
                    if !self.counts.contains_key(campaign) {
                        let n = self.store.people_in(campaign).await.ok();
                        self.counts.insert(campaign.clone(), n);
                    }
                    if let Some(Some(n)) = self.counts.get(campaign) {
                        counts.push((campaign.clone(), *n));
                    }
                }
                meeting.map(|m| {
                    let reply =
                        meeting_reminder(m, occurrence, readers, self.content, &counts, self.engine.settings(), posted);
                    if k.personal { personal_meeting_reminder(reply, m, occurrence, readers) } else { reply }
                })
            }
            Subject::Changed { slug, occurrence } => {
                self.agenda.meeting(slug).map(|m| change_notice(m, occurrence, readers, self.engine.settings(), posted))
            }
            Subject::FollowUp { campaign, action, .. } => {
                follow_up_message(self.content, campaign, action, readers).map(|r| with_stop(r, readers))
            }
            // Asked for by joining the waitlist: no "stop" line, it comes whatever that says.
            Subject::Offer { campaign, action, expires_at, .. } => {
                offer_message(self.content, campaign, action, *expires_at, readers)
            }
            Subject::Deadline { campaign, action, at } => {
                deadline_reminder(self.content, campaign, action, *at, readers, posted)
                    .map(|reply| if k.personal { personal_deadline_reminder(reply, readers) } else { reply })
            }
        };
        let mut reply = reply.unwrap_or_else(|| Reply::public().text(plan.subject(item).name()));
        reply.group = Some(plan.group.clone()).filter(|g| !g.is_single());
        let reply = Arc::new(reply);
        self.built.insert(k, Arc::clone(&reply));
        reply
    }
}

//! Where reminders go: a meeting, or a deadline, whose reminders reach no channel is the
//! mistake a new deployment makes first (the shipped content lists none), and nothing else
//! would say so until a meeting passes unannounced.

use chrono::{DateTime, Utc};

use super::Line;
use crate::content::Content;
use crate::store::{ALL, Subscription};

/// The fix, said once: the chat command, the setup flag, or the content file.
fn how_to_fix(content: &Content, slug: &str) -> String {
    if !content.group.id.is_single() {
        // CONVOCA_REMINDER_CHANNELS and setup's channel are every group's: not the fix for one.
        return format!(
            "an organizer of the group sends `/remind here` (Matrix: `!remind here`) in the channel or room where its \
             reminders belong, or list it (or a mailing list, mail:LIST_ADDRESS) in `channels = [...]` under \
             [reminders] in groups/{}/meetings/{slug}.toml",
            content.group.id.as_str()
        );
    }
    format!(
        "an organizer sends `/remind here` (Matrix: `!remind here`) in the channel or room where reminders belong, \
         or run `convoca setup --reminder-channel discord:CHANNEL_ID` (or matrix:!room:server), or list it \
         (or a mailing list, mail:LIST_ADDRESS) in `channels = [...]` under [reminders] in meetings/{slug}.toml or in \
         CONVOCA_REMINDER_CHANNELS"
    )
}

/// What a line is about: `reminders monthly`, or `reminders sur/monthly` in an organization.
fn about(content: &Content, what: &str) -> String {
    if content.group.id.is_single() {
        format!("reminders {what}")
    } else {
        format!("reminders {}/{what}", content.group.id.as_str())
    }
}

/// One line per meeting (and per upcoming deadline) saying where its reminders go.
pub fn check(content: &Content, subscriptions: &[Subscription], now: DateTime<Utc>, lines: &mut Vec<Line>) {
    // The terminal's channel is for trying things: a deployed bot has no terminal.
    let chat = |channel: &str| !channel.starts_with("console:");
    let subscribed = |slug: &str| {
        subscriptions.iter().filter(|s| (s.meeting == slug || s.meeting == ALL) && chat(&s.channel)).count()
    };
    for meeting in &content.meetings {
        // Each channel once, however many times it is named (the content and a subscription).
        let mut named: Vec<&str> = meeting.reminders.channels.iter().map(String::as_str).collect();
        named.extend(
            subscriptions.iter().filter(|s| s.meeting == meeting.slug || s.meeting == ALL).map(|s| s.channel.as_str()),
        );
        named.retain(|c| chat(c));
        named.sort_unstable();
        named.dedup();
        let n = named.len();
        let what = about(content, &meeting.slug);
        if n == 0 {
            lines.push(Line::warn(
                what,
                "go to no channel: only people who said they're going hear of a meeting",
                how_to_fix(content, &meeting.slug),
            ));
        } else {
            lines.push(Line::ok(what, format!("posted in {n} channel(s)")));
        }
    }
    let everywhere = subscriptions.iter().any(|s| s.meeting == ALL && chat(&s.channel));
    for campaign in &content.campaigns {
        let channels = everywhere
            || content
                .meetings
                .iter()
                .filter(|m| m.campaigns.contains(&campaign.slug))
                .any(|m| m.reminders.channels.iter().any(|c| chat(c)) || subscribed(&m.slug) > 0);
        for action in campaign.actions.iter().filter(|a| a.deadline.is_some_and(|d| d.at > now)) {
            if !channels {
                let slug = content.meetings.first().map_or("monthly", |m| m.slug.as_str());
                lines.push(Line::warn(
                    about(content, &format!("{}/{}", campaign.slug, action.slug)),
                    "its deadline is announced in no channel (only to those signed up)",
                    format!(
                        "{} (a channel of a meeting that lists campaigns = [\"{}\"], or one reminded of every meeting)",
                        how_to_fix(content, slug),
                        campaign.slug
                    ),
                ));
            }
        }
    }
}

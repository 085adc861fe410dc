//! `remind here|off|list`: which channels get reminders, from chat.

use crate::content::Content;
use crate::engine::texts::{self, fill};
use crate::engine::{Block, RemindAction, Reply, Request, Tone, catalog};
use crate::locale::Locale;
use crate::store::{ALL, Result, Store, Subscription};

/// The channel reference of the place a request came from: `discord:<id>`, `matrix:<room>`,
/// or the terminal's one channel. `None` in a direct conversation on a chat platform.
pub fn channel_of(req: &Request) -> Option<String> {
    let channel = req.channel.as_deref().or(req.on.only_channel)?;
    Some(format!("{}:{channel}", req.platform().as_str()))
}

/// `/remind here`, `/recordatorios aqui`: a sub-command as typed in the asker's language.
fn words(req: &Request, sub: &str) -> String {
    let sub = match (req.locale, sub) {
        (Locale::En, sub) => sub,
        (Locale::Es, "here") => "aqui",
        (Locale::Es, "off") => "no",
        (Locale::Es, _) => "lista",
    };
    req.cmd(&catalog::REMIND, sub)
}

/// Carries out a `remind` command. `here` and `off` are for organizers (checked by the
/// engine); `list` and the explanation are for anyone.
#[allow(clippy::too_many_arguments)]
pub async fn remind(
    req: &Request,
    content: &Content,
    store: &Store,
    set: &[String],
    action: RemindAction,
    meeting: Option<&str>,
    locale: Option<Locale>,
) -> Result<Reply> {
    let l = req.locale;
    if action == RemindAction::Help {
        return Ok(usage(req));
    }
    let Some(channel) = channel_of(req) else {
        return Ok(Reply::refusal(texts::remind_no_channel(l)));
    };
    if let Some(m) = meeting
        && content.meeting(m).is_none()
    {
        return Ok(unknown_meeting(content, m, l));
    }
    let what = match meeting.and_then(|m| content.meeting(m)) {
        Some(m) => format!("**{}**", m.title.get(l)),
        None => texts::remind_everything(l).to_string(),
    };
    let slug = meeting.map(str::to_lowercase).unwrap_or_else(|| ALL.to_string());
    match action {
        RemindAction::Here => {
            let sub = Subscription { channel, meeting: slug, locale: locale.unwrap_or(l) };
            here(req, content, store, &sub, &what).await
        }
        RemindAction::Off if set.contains(&channel) => Ok(Reply::refusal(texts::remind_off_settings(l))),
        RemindAction::Off => off(store, &channel, meeting.map(|_| slug.as_str()), &what, l).await,
        RemindAction::List | RemindAction::Help => list(req, content, store, set, &channel).await,
    }
}

/// How to use `remind`, with its sub-commands as typed in the asker's language.
fn usage(req: &Request) -> Reply {
    Reply::private().text(fill(
        texts::remind_usage(req.locale),
        &[("here", &words(req, "here")), ("off", &words(req, "off")), ("list", &words(req, "list"))],
    ))
}

/// The refusal of a meeting that does not exist, naming those that do.
fn unknown_meeting(content: &Content, m: &str, l: Locale) -> Reply {
    let names: Vec<String> = content.meetings.iter().map(|m| format!("`{}`", m.slug)).collect();
    Reply::refusal(format!(
        "{} {}: {}",
        fill(texts::unknown_meeting(l), &[("name", m)]),
        texts::meetings(l),
        names.join(", ")
    ))
}

/// `remind here`: subscribes the channel to `sub.meeting` (or everything), in `sub.locale`;
/// says so, with the lead times, or that it already was.
async fn here(req: &Request, content: &Content, store: &Store, sub: &Subscription, what: &str) -> Result<Reply> {
    let l = req.locale;
    let leads = content
        .meeting(&sub.meeting)
        .or(content.meetings.first())
        .map(|m| m.reminders.before.iter().map(|x| x.label(l)).collect::<Vec<_>>().join(", "))
        .unwrap_or_default();
    if store.subscribe(sub, &req.user, &req.origin(), req.now).await? {
        tracing::info!(channel = %sub.channel, meeting = %sub.meeting, "channel subscribed to reminders");
        Ok(Reply::private()
            .tone(Tone::Done)
            .text(fill(texts::remind_subscribed(l), &[("what", what), ("lang", sub.locale.tag()), ("leads", &leads)])))
    } else {
        Ok(Reply::private().text(fill(texts::remind_already(l), &[("what", what)])))
    }
}

/// `remind off`: unsubscribes the channel from `meeting` (`None`: from everything); says
/// whether there was anything to stop.
async fn off(store: &Store, channel: &str, meeting: Option<&str>, what: &str, l: Locale) -> Result<Reply> {
    let n = store.unsubscribe(channel, meeting).await?;
    let template = if n > 0 { texts::remind_off(l) } else { texts::remind_off_none(l) };
    Ok(Reply::private().tone(if n > 0 { Tone::Done } else { Tone::Info }).text(fill(template, &[("what", what)])))
}

/// `remind list`: everything the channel gets reminders of, from subscriptions, the content
/// and the bot's settings, in that order; or how to get some.
async fn list(req: &Request, content: &Content, store: &Store, set: &[String], channel: &str) -> Result<Reply> {
    let l = req.locale;
    let mut items: Vec<String> = store
        .subscriptions()
        .await?
        .into_iter()
        .filter(|s| s.channel == channel)
        .map(|s| match content.meeting(&s.meeting) {
            Some(m) => format!("{} ({})", m.title.get(l), s.locale.tag()),
            None if s.meeting == ALL => format!("{} ({})", texts::remind_everything(l), s.locale.tag()),
            None => format!("`{}` ({})", s.meeting, s.locale.tag()),
        })
        .collect();
    for m in content.meetings.iter().filter(|m| m.reminders.channels.iter().any(|c| c == channel)) {
        items.push(format!("{} {}", m.title.get(l), texts::remind_from_content(l)));
    }
    if set.iter().any(|c| c == channel) {
        items.push(format!("{} {}", texts::remind_everything(l), texts::remind_from_settings(l)));
    }
    if items.is_empty() {
        return Ok(Reply::private().text(fill(texts::remind_list_none(l), &[("cmd", &words(req, "here"))])));
    }
    Ok(Reply::private().titled(texts::remind_list(l)).block(Block::List { label: String::new(), items }))
}

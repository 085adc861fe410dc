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
        return Ok(Reply::private().text(fill(
            texts::remind_usage(l),
            &[("here", &words(req, "here")), ("off", &words(req, "off")), ("list", &words(req, "list"))],
        )));
    }
    let Some(channel) = channel_of(req) else {
        return Ok(Reply::refusal(texts::remind_no_channel(l)));
    };
    if let Some(m) = meeting
        && content.meeting(m).is_none()
    {
        let names: Vec<String> = content.meetings.iter().map(|m| format!("`{}`", m.slug)).collect();
        return Ok(Reply::refusal(format!(
            "{} {}: {}",
            fill(texts::unknown_meeting(l), &[("name", m)]),
            texts::meetings(l),
            names.join(", ")
        )));
    }
    let what = match meeting.and_then(|m| content.meeting(m)) {
        Some(m) => format!("**{}**", m.title.get(l)),
        None => texts::remind_everything(l).to_string(),
    };
    let slug = meeting.map(str::to_lowercase).unwrap_or_else(|| ALL.to_string());
    match action {
        RemindAction::Here => {
            let locale = locale.unwrap_or(l);
            let sub = Subscription { channel, meeting: slug.clone(), locale };
            let leads = content
                .meeting(&slug)
                .or(content.meetings.first())
                .map(|m| m.reminders.before.iter().map(|x| x.label(l)).collect::<Vec<_>>().join(", "))
                .unwrap_or_default();
            if store.subscribe(&sub, &req.user, &req.origin(), req.now).await? {
                tracing::info!(channel = %sub.channel, meeting = %slug, "channel subscribed to reminders");
                Ok(Reply::private().tone(Tone::Done).text(fill(
                    texts::remind_subscribed(l),
                    &[("what", &what), ("lang", locale.tag()), ("leads", &leads)],
                )))
            } else {
                Ok(Reply::private().text(fill(texts::remind_already(l), &[("what", &what)])))
            }
        }
        RemindAction::Off if set.contains(&channel) => Ok(Reply::refusal(texts::remind_off_settings(l))),
        RemindAction::Off => {
            let n = store.unsubscribe(&channel, meeting.map(|_| slug.as_str())).await?;
            let template = if n > 0 { texts::remind_off(l) } else { texts::remind_off_none(l) };
            Ok(Reply::private()
                .tone(if n > 0 { Tone::Done } else { Tone::Info })
                .text(fill(template, &[("what", &what)])))
        }
        RemindAction::List | RemindAction::Help => {
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
            for m in content.meetings.iter().filter(|m| m.reminders.channels.contains(&channel)) {
                items.push(format!("{} {}", m.title.get(l), texts::remind_from_content(l)));
            }
            if set.contains(&channel) {
                items.push(format!("{} {}", texts::remind_everything(l), texts::remind_from_settings(l)));
            }
            if items.is_empty() {
                return Ok(Reply::private().text(fill(texts::remind_list_none(l), &[("cmd", &words(req, "here"))])));
            }
            Ok(Reply::private().titled(texts::remind_list(l)).block(Block::List { label: String::new(), items }))
        }
    }
}

//! A [`Reply`] the Discord way: an embed, timestamps every member sees in their own zone,
//! buttons, ephemeral when private.

use serenity::all::{
    ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateAttachment, CreateButton, CreateEmbed,
    CreateEmbedFooter, CreateInteractionResponseFollowup, CreateInteractionResponseMessage, CreateMessage,
};

use crate::engine::{Block, Button, Event, Reply, Tone, Visibility, catalog};
use crate::group_id::GroupId;
use crate::locale::Locale;
use crate::store::Outcome;

/// Embed colors by tone: an answer, something done, a polite no, our error.
fn color(tone: Tone) -> u32 {
    match tone {
        Tone::Info => 0x2f6fb3,
        Tone::Done => 0x2e8b57,
        Tone::Refusal => 0xd49a1a,
        Tone::Error => 0xc0392b,
    }
}

/// Cuts `s` to at most `max` characters, marking the cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// An event: Discord timestamps (shown in each reader's zone) and the meeting's own time in
/// words.
fn event(e: &Event, l: Locale) -> String {
    let (start, end) = (e.start.timestamp(), e.end.timestamp());
    let mut text = format!("**{}**\n<t:{start}:F> – <t:{end}:t> (<t:{start}:R>)\n{}", e.title, e.when);
    if let Some(place) = &e.place {
        text.push_str(&format!(" · {place}"));
    }
    if let Some(link) = &e.link {
        text.push_str(&format!("\n{link}"));
    }
    if let Some(note) = &e.note {
        text.push_str(&format!("\n*{note}*"));
    }
    if let Some(cal) = &e.calendar {
        let label = crate::engine::texts::add_to_calendar(l);
        text.push_str(&format!("\n[{label}]({cal})"));
    }
    text
}

/// The embed for a reply.
pub fn embed(reply: &Reply, l: Locale) -> CreateEmbed {
    embed_with(reply, l, None)
}

/// The footer line that carries a reminder's key: Discord keeps a nonce only for minutes and
/// returns none when messages are fetched, so a later attempt looks for this line instead.
pub fn reference_line(key: &str) -> String {
    format!("ref {key}")
}

/// The embed, with `reference` as the footer's last line when given.
fn embed_with(reply: &Reply, l: Locale, reference: Option<&str>) -> CreateEmbed {
    let mut description = Vec::new();
    let mut fields = Vec::new();
    let mut notes = Vec::new();
    for block in &reply.blocks {
        match block {
            Block::Text(t) => description.push(t.clone()),
            Block::Event(e) => description.push(event(e, l)),
            Block::List { label, items } => {
                let list = items.iter().map(|i| format!("• {i}")).collect::<Vec<_>>().join("\n");
                if label.is_empty() {
                    description.push(list);
                } else {
                    fields.push((label.clone(), list));
                }
            }
            Block::Field { label, value } => fields.push((label.clone(), value.clone())),
            Block::Note(n) => notes.push(n.clone()),
            // The buttons are there.
            Block::Unpressed { .. } | Block::DirectChat => {}
        }
    }
    let reference = reference.map(reference_line);
    let footer_room = 2048 - reference.as_ref().map_or(0, |r| r.chars().count() + 1);
    let mut footer = clip(&notes.join("\n"), footer_room);
    if let Some(r) = reference {
        if !footer.is_empty() {
            footer.push('\n');
        }
        footer.push_str(&r);
    }
    let mut embed = CreateEmbed::new().color(color(reply.tone)).description(clip(&description.join("\n\n"), 4000));
    if let Some(title) = &reply.title {
        embed = embed.title(clip(title, 256));
    }
    if let Some(url) = &reply.url {
        embed = embed.url(url);
    }
    for (label, value) in fields.into_iter().take(25) {
        embed = embed.field(clip(&label, 256), clip(&value, 1024), false);
    }
    if !footer.is_empty() {
        embed = embed.footer(CreateEmbedFooter::new(footer));
    }
    embed
}

/// A button's custom id: the command it runs (by its English name), in which language the
/// message was written, and the command's two arguments (campaign and action, or meeting and
/// date). At most 100 characters, as Discord requires. Buttons already posted keep working:
/// the form is the one sign-up buttons always had.
pub fn custom_id(verb: &str, l: Locale, first: &str, second: Option<&str>) -> String {
    custom_id_of(None, verb, l, first, second)
}

/// [`custom_id`] for a message of one group of an organization: the group travels after the
/// language (`cv:done:en@sur:jilamito:petition`), so a button pressed in a direct chat
/// answers the group that sent it.
pub fn custom_id_of(group: Option<&GroupId>, verb: &str, l: Locale, first: &str, second: Option<&str>) -> String {
    let tag = match group.filter(|g| !g.is_single()) {
        Some(g) => format!("{}@{}", l.tag(), g.as_str()),
        None => l.tag().to_string(),
    };
    clip(&format!("cv:{verb}:{tag}:{first}:{}", second.unwrap_or("")), 100)
}

/// The group a custom id names (see [`custom_id_of`]), if any.
pub fn group_of_custom_id(id: &str) -> Option<GroupId> {
    let tag = id.split(':').nth(2)?;
    let (_, group) = tag.split_once('@')?;
    crate::content::valid_slug(group).then(|| GroupId::named(group))
}

/// The custom id's verb of an answer button: the `done` choice's value (`notyet`).
fn answer_verb(outcome: Outcome) -> &'static str {
    catalog::how_choice(outcome).value
}

/// The custom id's verb of an offer button: the `place` choice's value (`accept`).
fn offer_verb(accept: bool) -> &'static str {
    catalog::place_choice(accept).value
}

/// What a pressed button asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Pressed {
    /// Sign up for, or withdraw from, a campaign (`signup`, `withdraw`).
    SignUp {
        /// `signup` or `withdraw`.
        verb: String,
        /// The language of the message the button is on.
        locale: Locale,
        /// The campaign.
        campaign: String,
        /// The action, if any.
        action: Option<String>,
    },
    /// An answer to "did you do it?" (`done`, `notyet`, `couldnt`).
    Answer {
        /// What they say.
        outcome: Outcome,
        /// The campaign.
        campaign: String,
        /// The action.
        action: String,
    },
    /// Accepting or declining an offered place (`accept`, `decline`).
    Offer {
        /// Accept, or decline.
        accept: bool,
        /// The campaign.
        campaign: String,
        /// The action.
        action: String,
    },
    /// Going, or not, to one occurrence (`going`, `notgoing`).
    Rsvp {
        /// Going, or not.
        going: bool,
        /// The meeting.
        meeting: String,
        /// The occurrence's regular date, as typed (`2026-12-07`).
        date: String,
    },
}

/// Reads a custom id made by [`custom_id`]; `None` for anything else (an old message from
/// another version, another bot's button).
pub fn parse_custom_id(id: &str) -> Option<Pressed> {
    let mut parts = id.splitn(5, ':');
    if parts.next()? != "cv" {
        return None;
    }
    let verb = parts.next()?;
    let locale = Locale::from_tag(parts.next()?.split('@').next().unwrap_or_default());
    let first = parts.next()?.to_string();
    let second = parts.next().filter(|a| !a.is_empty()).map(str::to_string);
    if verb == catalog::SIGN_UP.name.0 || verb == catalog::WITHDRAW.name.0 {
        return Some(Pressed::SignUp { verb: verb.to_string(), locale, campaign: first, action: second });
    }
    if let Some(outcome) = Outcome::ALL.into_iter().find(|o| answer_verb(*o) == verb) {
        return Some(Pressed::Answer { outcome, campaign: first, action: second? });
    }
    if let Some(accept) = [true, false].into_iter().find(|a| offer_verb(*a) == verb) {
        return Some(Pressed::Offer { accept, campaign: first, action: second? });
    }
    let going = match verb {
        v if v == catalog::GOING.name.0 => true,
        v if v == catalog::NOT_GOING.name.0 => false,
        _ => return None,
    };
    Some(Pressed::Rsvp { going, meeting: first, date: second? })
}

/// Rows of buttons, five to a row, a sign-up and its withdraw side by side.
pub fn components(reply: &Reply, l: Locale) -> Vec<CreateActionRow> {
    let group = reply.group.as_ref();
    let buttons: Vec<CreateButton> = reply
        .buttons
        .iter()
        .take(25)
        .map(|b| match b {
            Button::SignUp { campaign, action, label } => {
                CreateButton::new(custom_id_of(group, catalog::SIGN_UP.name.0, l, campaign, action.as_deref()))
                    .label(clip(label, 80))
                    .style(ButtonStyle::Success)
            }
            Button::Withdraw { campaign, action, label } => {
                CreateButton::new(custom_id_of(group, catalog::WITHDRAW.name.0, l, campaign, action.as_deref()))
                    .label(clip(label, 80))
                    .style(ButtonStyle::Secondary)
            }
            Button::Rsvp { at, going, label } => {
                let verb = if *going { catalog::GOING.name.0 } else { catalog::NOT_GOING.name.0 };
                CreateButton::new(custom_id_of(group, verb, l, &at.meeting, Some(&at.date.to_string())))
                    .label(clip(label, 80))
                    .style(if *going { ButtonStyle::Success } else { ButtonStyle::Secondary })
            }
            Button::Answer { campaign, action, outcome, label } => {
                CreateButton::new(custom_id_of(group, answer_verb(*outcome), l, campaign, Some(action)))
                    .label(clip(label, 80))
                    .style(match outcome {
                        Outcome::Done => ButtonStyle::Success,
                        Outcome::NotYet => ButtonStyle::Primary,
                        Outcome::Couldnt => ButtonStyle::Secondary,
                    })
            }
            Button::Offer { campaign, action, accept, label } => {
                CreateButton::new(custom_id_of(group, offer_verb(*accept), l, campaign, Some(action)))
                    .label(clip(label, 80))
                    .style(if *accept { ButtonStyle::Success } else { ButtonStyle::Secondary })
            }
            Button::Link { label, url } => CreateButton::new_link(url).label(clip(label, 80)),
        })
        .collect();
    // Pairs (sign up + withdraw) stay on one row: two pairs per row.
    let per_row = if reply.buttons.iter().any(|b| matches!(b, Button::Withdraw { .. })) { 4 } else { 5 };
    buttons.chunks(per_row).map(|row| CreateActionRow::Buttons(row.to_vec())).collect()
}

/// No mention in any message of the bot pings anyone: a display name such as `@everyone`
/// in a roster or a reply stays text.
fn no_pings() -> CreateAllowedMentions {
    CreateAllowedMentions::new().empty_users().empty_roles().everyone(false).replied_user(false)
}

/// A reply to an interaction.
pub fn response(reply: &Reply, l: Locale) -> CreateInteractionResponseMessage {
    let mut msg = CreateInteractionResponseMessage::new()
        .allowed_mentions(no_pings())
        .embed(embed(reply, l))
        .components(components(reply, l))
        .ephemeral(reply.visibility == Visibility::Private);
    if let Some(file) = &reply.attachment {
        msg = msg.add_file(CreateAttachment::bytes(file.data.clone(), file.filename.clone()));
    }
    msg
}

/// A follow-up message (the ephemeral confirmation after a button click).
pub fn followup(reply: &Reply, l: Locale) -> CreateInteractionResponseFollowup {
    CreateInteractionResponseFollowup::new()
        .allowed_mentions(no_pings())
        .embed(embed(reply, l))
        .ephemeral(reply.visibility == Visibility::Private)
}

/// A channel message (a reminder), carrying its key in the footer.
pub fn message(reply: &Reply, l: Locale, key: &str) -> CreateMessage {
    CreateMessage::new()
        .allowed_mentions(no_pings())
        .embed(embed_with(reply, l, Some(key)))
        .components(components(reply, l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_groups_buttons_name_the_group_and_read_back() {
        let mut reply = Reply::private();
        reply.buttons.push(Button::Answer {
            outcome: Outcome::Done,
            campaign: "jilamito".into(),
            action: "petition".into(),
            label: "Done".into(),
        });
        reply.group = Some(GroupId::named("sur"));
        let rows = serde_json::to_string(&components(&reply, Locale::En)).unwrap();
        assert!(rows.contains("cv:done:en@sur:jilamito:petition"), "{rows}");
        assert_eq!(group_of_custom_id("cv:done:en@sur:jilamito:petition"), Some(GroupId::named("sur")));
        assert_eq!(
            parse_custom_id("cv:done:en@sur:jilamito:petition"),
            Some(Pressed::Answer { outcome: Outcome::Done, campaign: "jilamito".into(), action: "petition".into() })
        );
        // The single group's ids, and those posted before groups, name none.
        assert_eq!(group_of_custom_id("cv:done:en:jilamito:petition"), None);
    }

    #[test]
    fn custom_ids_round_trip() {
        let id = custom_id("signup", Locale::Es, "jilamito", Some("petition"));
        assert_eq!(id, "cv:signup:es:jilamito:petition");
        assert_eq!(
            parse_custom_id(&id),
            Some(Pressed::SignUp {
                verb: "signup".into(),
                locale: Locale::Es,
                campaign: "jilamito".into(),
                action: Some("petition".into())
            })
        );
        let general = parse_custom_id(&custom_id("withdraw", Locale::En, "cuba-sst", None)).unwrap();
        assert!(matches!(general, Pressed::SignUp { action: None, .. }));
        assert_eq!(parse_custom_id("other-bot:thing"), None);
        assert_eq!(parse_custom_id("cv:delete:en:x:"), None);
        assert_eq!(
            parse_custom_id(&custom_id("notgoing", Locale::En, "monthly", Some("2026-12-07"))),
            Some(Pressed::Rsvp { going: false, meeting: "monthly".into(), date: "2026-12-07".into() })
        );
        // An RSVP button names its date.
        assert_eq!(parse_custom_id("cv:going:en:monthly:"), None);
        for outcome in Outcome::ALL {
            let id = custom_id(answer_verb(outcome), Locale::Es, "jilamito", Some("letter"));
            assert_eq!(
                parse_custom_id(&id),
                Some(Pressed::Answer { outcome, campaign: "jilamito".into(), action: "letter".into() }),
                "{id}"
            );
        }
        assert_eq!(
            parse_custom_id("cv:decline:en:jilamito:rally"),
            Some(Pressed::Offer { accept: false, campaign: "jilamito".into(), action: "rally".into() })
        );
        assert_eq!(parse_custom_id("cv:accept:en:jilamito:"), None, "an offer names its action");
    }

    #[test]
    fn clipping_marks_the_cut() {
        assert_eq!(clip("abc", 5), "abc");
        assert_eq!(clip("abcdef", 4), "abc…");
    }
}

//! Organizers' view of sign-ups: `signups <campaign>` and `export <campaign>`. Always
//! private: names never reach a public reply.

use chrono::SecondsFormat;

use crate::content::Content;
use crate::engine::answers::campaign::{action_title, unknown};
use crate::engine::answers::follow_up::state_label;
use crate::engine::texts::{self, fill};
use crate::engine::{Attachment, Block, Reply, Request, Spec, Tone, Visibility, catalog};
use crate::store::{Outcome, Result, RosterEntry, Store};

fn find<'c>(
    req: &Request,
    content: &'c Content,
    campaign: Option<&str>,
    verb: &Spec,
) -> std::result::Result<&'c crate::content::Campaign, Reply> {
    let l = req.locale;
    let Some(slug) = campaign else {
        let example = content.campaigns.first().map_or("jilamito", |c| c.slug.as_str());
        return Err(Reply::refusal(fill(texts::which_campaign(l), &[("cmd", &req.cmd(verb, example))])));
    };
    content.campaign(slug).ok_or_else(|| {
        let mut reply = unknown(req, content, slug);
        reply.visibility = Visibility::Private;
        reply
    })
}

/// The roster, grouped by action.
pub async fn roster(req: &Request, content: &Content, store: &Store, campaign: Option<&str>) -> Result<Reply> {
    let c = match find(req, content, campaign, &catalog::ROSTER) {
        Ok(c) => c,
        Err(reply) => return Ok(reply),
    };
    let l = req.locale;
    let entries = store.roster(&c.slug).await?;
    let mut reply = Reply::private().titled(fill(texts::roster_title(l), &[("campaign", c.title.get(l))]));
    if entries.is_empty() {
        return Ok(reply.text(texts::roster_empty(l)));
    }
    reply = reply.text(summary(req, &entries));
    let zone = content.group.zone;
    let mut actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    actions.dedup();
    for action in actions {
        let items = entries
            .iter()
            .filter(|e| e.action == action)
            .map(|e| format!("{} · {}", who_when(&e.name, &e.platform, e.at, zone), state_of(e, l)))
            .collect::<Vec<_>>();
        let title = action_title(req, c, action);
        let mut chars = title.chars();
        let title: String = chars.next().map(|f| f.to_uppercase().chain(chars).collect()).unwrap_or_default();
        reply = reply.block(Block::List { label: format!("{title} ({})", items.len()), items });
    }
    let people = people(&entries);
    let signups = texts::count(entries.len(), texts::one_signup, texts::n_signups, l);
    let people = texts::count(people, texts::one_person, texts::n_people, l);
    Ok(reply.block(Block::Note(fill(texts::roster_total(l), &[("signups", &signups), ("people", &people)]))))
}

/// A person on an organizer's list: "Ana (discord, 2026-11-28 12:00 EST)", the name as text
/// (never markup or a mention), the time in `zone`.
pub fn who_when(name: &str, platform: &str, at: chrono::DateTime<chrono::Utc>, zone: chrono_tz::Tz) -> String {
    let when = at.with_timezone(&zone);
    format!(
        "{} ({platform}, {} {})",
        texts::literal(name),
        when.format("%Y-%m-%d %H:%M"),
        crate::calendar::format::abbreviation(at, zone)
    )
}

/// Where one sign-up stands, for organizers: "no answer" too.
fn state_of(e: &RosterEntry, l: crate::locale::Locale) -> String {
    // Told of someone else: "no pudo", not the person's own "no pude".
    if !e.waitlisted && e.outcome == Some(Outcome::Couldnt) {
        return texts::state_couldnt(l).to_string();
    }
    state_label(e.waitlisted, e.outcome, l).unwrap_or_else(|| texts::state_no_answer(l).to_string())
}

/// Where one sign-up stands, as the export's `state` column says it.
fn state_word(e: &RosterEntry) -> &'static str {
    match (e.waitlisted, e.outcome) {
        (true, _) => "waitlisted",
        (false, Some(o)) => o.as_str(),
        (false, None) => "no_answer",
    }
}

/// "40 signed up · 25 done · 5 not yet · 0 couldn't · 10 no answer · 3 waitlisted".
pub fn summary(req: &Request, entries: &[RosterEntry]) -> String {
    let l = req.locale;
    let placed = entries.iter().filter(|e| !e.waitlisted);
    let count = |o: Option<Outcome>| placed.clone().filter(|e| e.outcome == o).count().to_string();
    let line = fill(
        texts::progress_summary(l),
        &[
            ("signed_up", &placed.clone().count().to_string()),
            ("done", &count(Some(Outcome::Done))),
            ("not_yet", &count(Some(Outcome::NotYet))),
            ("couldnt", &count(Some(Outcome::Couldnt))),
            ("none", &count(None)),
        ],
    );
    let waiting = entries.iter().filter(|e| e.waitlisted).count();
    if waiting == 0 {
        line
    } else {
        format!("{line}{}", fill(texts::progress_waiting(l), &[("n", &waiting.to_string())]))
    }
}

fn people(entries: &[RosterEntry]) -> usize {
    let mut ids: Vec<(&str, &str)> = entries.iter().map(|e| (e.platform.as_str(), e.user_id.as_str())).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len()
}

/// The roster as CSV, attached to a private reply.
pub async fn export(req: &Request, content: &Content, store: &Store, campaign: Option<&str>) -> Result<Reply> {
    let c = match find(req, content, campaign, &catalog::EXPORT) {
        Ok(c) => c,
        Err(reply) => return Ok(reply),
    };
    let entries = store.roster(&c.slug).await?;
    let data = match csv(&c.slug, &entries) {
        Ok(data) => data,
        Err(e) => {
            tracing::error!(error = %e, "cannot write CSV");
            return Ok(Reply::private().tone(Tone::Error).text(texts::store_error(req.locale)));
        }
    };
    let mut reply = Reply::private().tone(Tone::Done).text(summary(req, &entries)).text(fill(
        texts::export_ready(req.locale),
        &[
            ("campaign", c.title.get(req.locale)),
            ("rows", &texts::count(entries.len(), texts::one_row, texts::n_rows, req.locale)),
        ],
    ));
    reply.attachment = Some(Attachment {
        filename: format!("{}-signups-{}.csv", c.slug, req.now.format("%Y-%m-%d")),
        media_type: "text/csv".into(),
        data,
    });
    Ok(reply)
}

/// A cell a spreadsheet shows as text: one that begins with `=`, `+`, `-`, `@`, a tab or a
/// carriage return would be read as a formula (a display name like `=HYPERLINK(…)` runs when
/// an organizer opens the export), so it gets a leading apostrophe.
pub fn cell(value: &str) -> std::borrow::Cow<'_, str> {
    // Invisible formatting (a right-to-left override in a name) could make a row read
    // otherwise than it is.
    let value: std::borrow::Cow<'_, str> = if value.chars().any(crate::engine::command::is_invisible) {
        value.chars().filter(|c| !crate::engine::command::is_invisible(*c)).collect::<String>().into()
    } else {
        value.into()
    };
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        value
    }
}

/// The CSV file: one row per sign-up, instants in UTC (RFC 3339).
pub fn csv(campaign: &str, entries: &[RosterEntry]) -> std::result::Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["campaign", "action", "name", "platform", "user_id", "signed_up_at", "state"])?;
    for e in entries {
        w.write_record([
            cell(campaign).as_bytes(),
            cell(&e.action).as_bytes(),
            cell(&e.name).as_bytes(),
            cell(&e.platform).as_bytes(),
            cell(&e.user_id).as_bytes(),
            e.at.to_rfc3339_opts(SecondsFormat::Secs, true).as_bytes(),
            state_word(e).as_bytes(),
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

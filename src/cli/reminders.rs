//! `convoca reminders`: what will be (or was) reminded, when, where, and its state.

use std::collections::{BTreeMap, HashMap};
use std::process::ExitCode;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use crate::agenda::Agenda;
use crate::calendar::format;
use crate::config::{Global, RemindersArgs};
use crate::content::Content;
use crate::engine::Engine;
use crate::reminders::Subject;
use crate::reminders::plan::{NOWHERE, Plan, plan};
use crate::store::{Store, StoreError};

/// A listing line: due instant, subject index, lead time.
type LineKey = (chrono::DateTime<Utc>, u32, String);
/// A listing line's channels and how many reminders are in each state.
type Line = (Vec<String>, BTreeMap<String, usize>);

/// Prints one line per reminder (a subject at a lead time), with its channels.
pub async fn reminders(global: &Global, args: RemindersArgs) -> ExitCode {
    // A channel that is not one is said, as `run` says it, not dropped from the listing.
    let reminder_channels = match args.reminders.read() {
        Ok(channels) => channels,
        Err(why) => {
            eprintln!("convoca: {why}");
            return ExitCode::from(2);
        }
    };
    let engine = match super::open_existing_engine_with(
        global,
        crate::engine::Settings { reminder_channels, ..Default::default() },
    )
    .await
    {
        Ok(e) => e,
        Err(code) => return code,
    };
    let from = args.from.unwrap_or_else(Utc::now);
    let until = args.until.unwrap_or(from + Duration::days(60));
    let content = engine.content().current();
    let (plan, lines) = match listing(&engine, &content, from, until).await {
        Ok(x) => x,
        Err(e) => {
            eprintln!("convoca: {e}");
            return ExitCode::FAILURE;
        }
    };
    print_listing(&content, &plan, &lines);
    engine.store().close().await;
    ExitCode::SUCCESS
}

/// The plan from `from` to `until` (reminders nobody gets included) and its listing lines,
/// with each reminder's state on record: everything read before anything is printed.
async fn listing(
    engine: &Engine,
    content: &Content,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<(Plan, BTreeMap<LineKey, Line>), StoreError> {
    let store = engine.store();
    let changes = crate::engine::load_calendar_changes(store).await?;
    let subscriptions = engine.subscriptions().await?;
    let agenda = Agenda::new(content, &changes);
    let people = crate::reminders::People::load(store, from).await?;
    let plan = plan(content, &agenda, &subscriptions, &people, from, until, true);
    let keys: Vec<String> = plan.items.iter().map(|i| plan.key(i)).collect();
    let states = recorded_states(store, &keys).await?;
    let lines = group_lines(&plan, &keys, &states);
    Ok((plan, lines))
}

/// Each idempotency key's state on record, as its word; keys never recorded are absent.
async fn recorded_states(store: &Store, keys: &[String]) -> Result<HashMap<String, String>, StoreError> {
    let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    Ok(store.ledger_states(&key_refs).await?.into_iter().map(|(k, s, _)| (k, s.word().to_string())).collect())
}

/// One line per (due, subject, lead): its channels and their states. A reminder nobody gets
/// still makes its line, with no channel and no state.
fn group_lines(plan: &Plan, keys: &[String], states: &HashMap<String, String>) -> BTreeMap<LineKey, Line> {
    let mut lines: BTreeMap<LineKey, Line> = BTreeMap::new();
    for (item, key) in plan.items.iter().zip(keys) {
        let line = lines.entry((item.due, item.subject, item.lead.to_string())).or_default();
        if item.target == NOWHERE {
            continue;
        }
        if let Some(t) = plan.target(item) {
            // People are counted, not named: this listing is for whoever runs the bot.
            let shown = if t.person().is_some() { "@person".to_string() } else { t.channel.to_string() };
            line.0.push(shown);
        }
        let state = states.get(key).cloned().unwrap_or_else(|| "planned".into());
        *line.1.entry(state).or_default() += 1;
    }
    lines
}

/// Prints the header, a row per line, and, when some reminder reaches no channel, how to
/// give it one.
fn print_listing(content: &Content, plan: &Plan, lines: &BTreeMap<LineKey, Line>) {
    println!("{:<18} {:<44} {:<28} {:<5} {:<30} STATE", "DUE (UTC)", "LOCAL TIME", "WHAT", "LEAD", "CHANNELS");
    let nowhere = lines.values().any(|(channels, _)| channels.is_empty());
    for ((due, subject, lead), (channels, states)) in lines {
        let subject = &plan.subjects[*subject as usize];
        let zone = zone_of(content, subject);
        let channels = shown_channels(channels);
        let state = shown_states(states);
        println!(
            "{:<18} {:<44} {:<28} {:<5} {:<30} {state}",
            due.format("%Y-%m-%dT%H:%MZ"),
            format::instant(*due, zone, content.group.language),
            subject.name(),
            lead,
            channels
        );
    }
    if nowhere {
        println!(
            "\n(none): no channel gets these. In the Discord channel or Matrix room where reminders belong, an \
             organizer sends `/remind here` (Matrix: `!remind here`); or run `convoca setup --reminder-channel \
             discord:CHANNEL_ID`; or list channels in [reminders] of the meeting's file."
        );
    }
}

/// The zone a reminder's local time is shown in: its occurrence's for a meeting, the
/// group's for the rest.
fn zone_of(content: &Content, subject: &Subject) -> Tz {
    match subject {
        Subject::Meeting { occurrence, .. } | Subject::Changed { occurrence, .. } => occurrence.zone,
        Subject::Deadline { .. } | Subject::FollowUp { .. } | Subject::Offer { .. } => content.group.zone,
    }
}

/// A line's channels as shown: channels by name, then people counted ("2 people"), or
/// `(none)`.
fn shown_channels(channels: &[String]) -> String {
    let people = channels.iter().filter(|c| *c == "@person").count();
    let mut shown: Vec<String> = channels.iter().filter(|c| *c != "@person").cloned().collect();
    if people > 0 {
        shown.push(format!("{people} {}", if people == 1 { "person" } else { "people" }));
    }
    if shown.is_empty() { "(none)".to_string() } else { shown.join(",") }
}

/// A line's state as shown: the one state, or each state with its count, or `no channel`.
fn shown_states(states: &BTreeMap<String, usize>) -> String {
    if states.is_empty() {
        "no channel".to_string()
    } else if states.len() == 1 {
        states.keys().next().cloned().unwrap_or_default()
    } else {
        states.iter().map(|(s, n)| format!("{s} {n}")).collect::<Vec<_>>().join(", ")
    }
}

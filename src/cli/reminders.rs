//! `convoca reminders`: what will be (or was) reminded, when, where, and its state.

use std::collections::BTreeMap;
use std::process::ExitCode;

use chrono::{Duration, Utc};

use crate::agenda::Agenda;
use crate::calendar::format;
use crate::config::{Global, RemindersArgs};
use crate::reminders::plan::{NOWHERE, plan};

/// A listing line: due instant, subject index, lead time.
type LineKey = (chrono::DateTime<Utc>, u32, String);
/// A listing line's channels and how many reminders are in each state.
type Line = (Vec<String>, BTreeMap<String, usize>);

/// Prints one line per reminder (a subject at a lead time), with its channels.
pub async fn reminders(global: &Global, args: RemindersArgs) -> ExitCode {
    let engine = match super::open_existing_engine_with(
        global,
        crate::engine::Settings { reminder_channels: args.reminders.read().unwrap_or_default(), ..Default::default() },
    )
    .await
    {
        Ok(e) => e,
        Err(code) => return code,
    };
    let from = args.from.unwrap_or_else(Utc::now);
    let until = args.until.unwrap_or(from + Duration::days(60));
    let store = engine.store();
    let content = engine.content().current();
    let listed = async {
        let changes = crate::engine::load_calendar_changes(store).await?;
        let subscriptions = engine.subscriptions().await?;
        let agenda = Agenda::new(&content, &changes);
        let people = crate::reminders::People::load(store, from).await?;
        let plan = plan(&content, &agenda, &subscriptions, &people, from, until, true);
        let keys: Vec<String> = plan.items.iter().map(|i| plan.key(i)).collect();
        let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let states: std::collections::HashMap<String, String> =
            store.ledger_states(&key_refs).await?.into_iter().map(|(k, s, _)| (k, s.word().to_string())).collect();
        // One line per (due, subject, lead): its channels and their states.
        let mut lines: BTreeMap<LineKey, Line> = BTreeMap::new();
        for (item, key) in plan.items.iter().zip(&keys) {
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
        Ok::<_, crate::store::StoreError>((plan, lines))
    }
    .await;
    let (plan, lines) = match listed {
        Ok(x) => x,
        Err(e) => {
            eprintln!("convoca: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{:<18} {:<44} {:<28} {:<5} {:<30} STATE", "DUE (UTC)", "LOCAL TIME", "WHAT", "LEAD", "CHANNELS");
    let nowhere = lines.values().any(|(channels, _)| channels.is_empty());
    for ((due, subject, lead), (channels, states)) in &lines {
        let subject = &plan.subjects[*subject as usize];
        let zone = match subject {
            crate::reminders::Subject::Meeting { occurrence, .. }
            | crate::reminders::Subject::Changed { occurrence, .. } => occurrence.zone,
            crate::reminders::Subject::Deadline { .. }
            | crate::reminders::Subject::FollowUp { .. }
            | crate::reminders::Subject::Offer { .. } => content.group.zone,
        };
        let people = channels.iter().filter(|c| *c == "@person").count();
        let mut shown: Vec<String> = channels.iter().filter(|c| *c != "@person").cloned().collect();
        if people > 0 {
            shown.push(format!("{people} {}", if people == 1 { "person" } else { "people" }));
        }
        let channels = if shown.is_empty() { "(none)".to_string() } else { shown.join(",") };
        let state = if states.is_empty() {
            "no channel".to_string()
        } else if states.len() == 1 {
            states.keys().next().cloned().unwrap_or_default()
        } else {
            states.iter().map(|(s, n)| format!("{s} {n}")).collect::<Vec<_>>().join(", ")
        };
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
    engine.store().close().await;
    ExitCode::SUCCESS
}

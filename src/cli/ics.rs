//! `convoca ics`: the meetings as an iCalendar file.

use std::process::ExitCode;

use chrono::Utc;

use crate::agenda::{Agenda, ics};
use crate::calendar::Lead;
use crate::config::{Global, IcsArgs};
use crate::locale::Locale;

/// Writes the feed to standard output or `--out`.
pub async fn ics(global: &Global, args: IcsArgs) -> ExitCode {
    let engine = match super::open_engine(global).await {
        Ok(e) => e,
        Err(code) => return code,
    };
    let content = engine.content().current();
    let changes = match engine.calendar_changes().await {
        Ok(o) => o,
        Err(e) => {
            eprintln!("convoca: {e}");
            return ExitCode::FAILURE;
        }
    };
    let agenda = Agenda::new(&content, &changes);
    if let Some(m) = &args.meeting
        && agenda.meeting(m).is_none()
    {
        let names: Vec<_> = agenda.meetings().map(|m| m.slug.as_str()).collect();
        eprintln!("convoca: no meeting is called `{m}`; meetings: {}", names.join(", "));
        return ExitCode::from(2);
    }
    let feed = ics::write(
        &agenda,
        ics::FeedOptions {
            only: args.meeting.as_deref(),
            locale: args.locale.as_deref().map_or(content.group.language, Locale::from_tag),
            now: args.now.unwrap_or_else(Utc::now),
            alarm: Some(Lead::HOUR),
        },
    );
    match &args.out {
        None => {
            print!("{feed}");
            ExitCode::SUCCESS
        }
        Some(path) => match std::fs::write(path, feed) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("convoca: cannot write {}: {e}", path.display());
                ExitCode::FAILURE
            }
        },
    }
}

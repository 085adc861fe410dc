//! Time: recurrence rules, one-off changes, people-readable times and iCalendar files.
//!
//! Instants are `DateTime<Utc>` everywhere; a meeting's zone is carried beside them and
//! used only to expand its rule (so 5:00 pm stays 5:00 pm across daylight-saving changes)
//! and to show local times.

mod agenda;
pub mod format;
pub mod ics;
mod lead;
mod occurrence;
mod schedule;

pub use agenda::{Agenda, Overrides};
pub use lead::Lead;
pub use occurrence::{Change, ChangeKind, Occurrence, Status, occurrences};
pub use schedule::{Schedule, resolve_local};

use chrono::{Datelike, NaiveDate};

/// The years content files and the database may name. Nothing a group plans lies outside
/// them, and keeping every date inside keeps all time arithmetic far from chrono's limits.
pub const SANE_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// How far from today an organizer's chat command may reach: ten years either way.
pub const CHAT_WINDOW_YEARS: i32 = 10;

/// Whether `date` lies in [`SANE_YEARS`].
pub fn in_sane_range(date: NaiveDate) -> bool {
    SANE_YEARS.contains(&date.year())
}

/// Whether `date` lies within [`CHAT_WINDOW_YEARS`] of `today`, either way.
pub fn in_chat_window(date: NaiveDate, today: NaiveDate) -> bool {
    let shift = |years: i32| {
        today.with_year(today.year() + years).or_else(|| (today - chrono::Days::new(1)).with_year(today.year() + years))
    };
    match (shift(-CHAT_WINDOW_YEARS), shift(CHAT_WINDOW_YEARS)) {
        (Some(from), Some(to)) => in_sane_range(date) && date >= from && date <= to,
        _ => false,
    }
}

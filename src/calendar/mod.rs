//! Time: recurrence rules, one-off changes, lead times and people-readable times. It knows
//! no meeting: [`crate::content`] builds meetings from it, and [`crate::agenda`] puts them
//! on the group's calendar.
//!
//! Instants are `DateTime<Utc>` everywhere; a meeting's zone is carried beside them and
//! used only to expand its rule (so 5:00 pm stays 5:00 pm across daylight-saving changes)
//! and to show local times.

pub mod format;
mod lead;
mod occurrence;
mod schedule;

pub use lead::Lead;
pub use occurrence::{Change, ChangeKind, Occurrence, Status, occurrence_on, occurrences};
pub use schedule::{Schedule, resolve_local};

use chrono::{Datelike, NaiveDate};

/// The years content files and the database may name. Nothing a group plans lies outside
/// them, and keeping every date inside keeps all time arithmetic far from chrono's limits.
pub const SANE_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// How far from today an organizer's chat command may reach: ten years either way.
pub const CHAT_WINDOW_YEARS: u32 = 10;

/// Whether `date` lies in [`SANE_YEARS`].
pub fn in_sane_range(date: NaiveDate) -> bool {
    SANE_YEARS.contains(&date.year())
}

/// Whether `date` lies within [`CHAT_WINDOW_YEARS`] of `today`, either way.
pub fn in_chat_window(date: NaiveDate, today: NaiveDate) -> bool {
    let span = chrono::Months::new(CHAT_WINDOW_YEARS * 12);
    match (today.checked_sub_months(span), today.checked_add_months(span)) {
        (Some(from), Some(to)) => in_sane_range(date) && (from..=to).contains(&date),
        _ => false,
    }
}

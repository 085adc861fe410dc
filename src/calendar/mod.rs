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

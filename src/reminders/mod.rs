//! Reminders posted to channels before meetings and campaign deadlines, and sent by direct
//! message to each person going or signed up (with a notice when their meeting is cancelled
//! or moved), each exactly once.
//!
//! - [`plan`] works out what is due when and where (pure: content, calendar changes,
//!   subscriptions and the people to reach in, a sorted list out).
//! - `triage` sorts what a pass could post into on time, late, missed and held elsewhere
//!   (pure: ledger states and the clock in).
//! - [`Scheduler`] sleeps until the next one is due, claims it in the database, posts it
//!   through a [`Sender`] with its idempotency key, and records it.
//! - `room` limits the posts under way per platform across every group's scheduler, to
//!   what the platform's sender takes at once.
//! - [`Clock`] is the scheduler's only source of time (corrected to the database's), so tests
//!   move time by hand.

mod clock;
mod delivery;
mod messages;
mod pass;
pub mod plan;
mod room;
mod scheduler;
mod sender;
mod triage;

pub use clock::{CHECK_EVERY, Clock, DatabaseTime, ManualClock, SteppedClock, SystemClock};
pub use plan::{Item, People, Plan, Subject, Target, key_of};
pub use scheduler::{Scheduler, SchedulerConfig, Status};
pub use sender::{Found, Later, Post, SendError, Sender, Senders, To};

//! One answer per command, each a plain function from the request and the content to a
//! [`Reply`](super::Reply), as poise advises: business logic in functions that tests can call.

pub mod attendees;
pub mod briefing;
pub mod campaign;
pub mod dashboard;
pub mod follow_up;
pub mod groups;
pub mod help;
pub mod meeting;
pub mod mission;
pub mod personal;
pub mod progress;
pub mod remind;
pub mod reminder_post;
pub mod roster;
pub mod rsvp;
pub mod schedule;
pub mod signup;

//! The organizers' dashboard: a group's campaigns (signed up, done, not yet, couldn't, no
//! answer, waitlisted; now and over time) and meetings (who answered for each date over the
//! past months, the next date's list), with the same CSV downloads as `/export`. Read-only.
//! Who may see it is decided by the HTTP layer's session, from the group's home.

pub mod chart;
pub mod pages;
pub mod view;
pub mod words;

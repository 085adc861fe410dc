//! The group on the web: its public page (and the organization's), a fragment other
//! websites embed, and a JSON feed of the same, made from the content, the organizers'
//! calendar changes and the sign-up counts the chat answers come from — so the page is
//! never behind the bot. Opt-in per group (`[web] public = true`); server-rendered from
//! templates, no JavaScript, in English and Spanish.
//!
//! - [`view`] works out what a page shows (pure data);
//! - [`render`] lays it out from `templates/web/`, [`json`] serves it as JSON, [`chart`]
//!   draws a campaign's progress;
//! - [`site`] picks the page an address asks for and keeps it a few seconds;
//! - [`address`], [`language`], [`calendar_links`] and [`words`] are where pages live, which
//!   language a visitor gets, the calendar links and the page's own words.

pub mod address;
pub mod calendar_links;
pub mod chart;
pub mod dashboard;
pub mod json;
pub mod language;
pub mod render;
pub mod site;
pub mod view;
pub mod words;

pub use site::{Form, Rendered, Site, Whose};

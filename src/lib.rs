//! # convoca
//!
//! A chat bot for organizing spaces. It sits in a group's Discord server and Matrix rooms at
//! once, answers questions about the group from content the organizers keep in
//! `commands/`, posts reminders before meetings, and keeps a private roster of who signed up
//! to act.
//!
//! # Layout
//!
//! - [`content`] loads and checks the organizers' files in `commands/` (TOML, with Markdown
//!   prose in English and Spanish) and keeps the last good version while the bot runs.
//! - [`calendar`] is time: recurrence rules expanded in each meeting's zone, one-off changes,
//!   people-readable times, and iCalendar files.
//! - [`engine`] is the platform-neutral core: the command grammar, a [`engine::Request`] in
//!   and a [`engine::Reply`] out, texts in both languages. It never imports a chat SDK.
//! - [`console`] renders replies as plain text for the terminal; [`discord`] is the Discord
//!   adapter (serenity): commands, buttons, reminders, the HTTP interactions endpoint.
//! - [`service`] runs the long-lived bot: scheduler, content watcher, platforms, signals.
//! - [`config`] is the one typed configuration (flags and environment).
//! - [`cli`] holds the subcommands `main.rs` hands off to.
//! - [`store`] is the database (SQLite or PostgreSQL through one code path): sign-ups,
//!   organizers' calendar changes.
//! - [`reminders`] plans reminders and posts each exactly once through platform senders.
//! - [`matrix`] is the Matrix adapter (matrix-sdk): commands, DMs, reactions, reminders.
//! - [`http`] is the HTTP server (axum): Discord's interactions endpoint, calendar feed,
//!   health and metrics.
//! - [`metrics`] counts what `/metrics` shows.
//! - [`locale`] names the languages convoca speaks.
//! - [`owner_only`] creates files and folders only their owner can read (database, Matrix
//!   store, exported rosters).

#![warn(missing_docs, rust_2018_idioms)]

pub mod calendar;
pub mod cli;
pub mod config;
pub mod console;
pub mod content;
pub mod discord;
pub mod engine;
pub mod http;
pub mod locale;
pub mod matrix;
pub mod metrics;
pub mod owner_only;
pub mod reminders;
pub mod service;
pub mod store;

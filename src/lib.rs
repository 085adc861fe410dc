//! # convoca
//!
//! A chat bot for organizing spaces. It sits in a group's Discord server and Matrix rooms at
//! once, answers questions about the group from content the organizers keep in
//! `commands/`, posts reminders before meetings, and keeps a private roster of who signed up
//! to act.
//!
//! # Layout
//!
//! From the bottom up; each layer imports only layers above it in this list.
//!
//! - [`locale`], [`suggest`], [`config`], [`metrics`], [`owner_only`], [`supervisor`],
//!   [`memory`]: the languages convoca speaks, the nearest valid word to a mistyped one, the one typed
//!   configuration (flags, environment and the env file), the counters `/metrics` shows,
//!   files only their owner can read, the watch that restarts a long-running task that
//!   dies, and freed memory given back after a burst.
//! - [`group_id`] names one working group of an organization, for every layer above.
//! - [`chat`] names a person on a chat platform, for the store and the engine alike, what a
//!   platform can do, and how it reads a person's standing in a group's home.
//! - [`calendar`] is time: recurrence rules expanded in each meeting's zone, one-off
//!   changes, lead times, people-readable times.
//! - [`content`] loads and checks the organizers' files in `commands/` (TOML, with Markdown
//!   prose in English and Spanish) and keeps the last good version while the bot runs.
//! - [`agenda`] is the group's calendar: the content's meetings plus organizers' changes from
//!   chat, and the iCalendar files made from it.
//! - [`store`] is the database (SQLite or PostgreSQL through one code path): sign-ups, RSVPs
//!   and what personal messages need, organizers' calendar changes, reminder subscriptions
//!   and the delivery ledger.
//! - [`engine`] is the platform-neutral core: every command declared once, a
//!   [`engine::Request`] in and a [`engine::Reply`] out, texts in both languages. It never
//!   imports a chat SDK.
//! - [`reminders`] plans reminders (to channels, and by direct message to each person going
//!   or signed up) and posts each exactly once through platform senders.
//! - The adapters, which only translate: [`console`] (plain text in the terminal),
//!   [`discord`] (serenity: commands, buttons, reminders, the HTTP interactions endpoint),
//!   [`matrix`] (matrix-sdk: commands, direct rooms, reactions, reminders), [`email`]
//!   (SMTP: reminders to the group's mailing lists). Each declares what its platform can do
//!   ([`chat::Abilities`]); the engine reads that and never asks which platform it serves.
//! - [`web`] is the group on the web: public pages (and the organization's), the fragment
//!   other websites embed and its JSON feed, from templates, never behind the chat.
//! - [`http`] is the HTTP server (axum): Discord's interactions endpoint, calendar feed,
//!   public pages, health and metrics, and the organizers' dashboard and its door.
//! - [`service`] starts the long-lived bot (platforms, scheduler, content watcher, HTTP) and
//!   stops it on a signal.
//! - [`doctor`] checks a deployment from outside: content, database, Discord, Matrix, HTTP.
//! - [`setup`] is the first run for whoever deploys: questions (or flags), each answer
//!   checked live, the env file written.
//! - [`cli`] holds the subcommands `main.rs` hands off to.

#![warn(missing_docs, rust_2018_idioms)]

pub mod agenda;
pub mod calendar;
pub mod chat;
pub mod cli;
pub mod config;
pub mod console;
pub mod content;
pub mod discord;
pub mod doctor;
pub mod email;
pub mod engine;
pub mod group_id;
pub mod http;
pub mod locale;
pub mod matrix;
pub mod memory;
pub mod metrics;
pub mod owner_only;
pub mod reminders;
pub mod service;
pub mod setup;
pub mod store;
pub mod suggest;
pub mod supervisor;
pub mod web;

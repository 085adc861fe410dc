//! Which answer each command gets, and what it refreshes afterwards: the one place the
//! engine matches on [`Command`] to answer (the compiler names a variant missing here).

use super::answers::*;
use super::{Command, Effect, Engine, Reply, Request, Tone};
use crate::agenda::Agenda;
use crate::content::Content;
use crate::store::StoreError;

impl Engine {
    /// The answer to `req`, from the content and the database, then what it changed
    /// refreshed.
    pub(super) async fn answer_command(&self, req: &Request, content: &Content) -> Result<Reply, StoreError> {
        let store = &self.inner.store;
        let settings = &self.inner.settings;
        let reply = match &req.command {
            Command::Help | Command::Empty => help::help(req, content),
            Command::Mission => mission::mission(req, content),
            // The organization answers these before any group does (`Organization::handle`);
            // a group alone is its own list.
            Command::Groups | Command::Group { .. } => groups::only_this(req, content),
            Command::Meeting { meeting } => self.meeting_with_going(req, content, meeting.as_deref()).await?,
            Command::Campaign { campaign: None } => campaign::list(req, content),
            Command::Campaign { campaign: Some(slug) } => self.campaign_with_counts(req, content, slug).await,
            Command::Briefing { briefing } => briefing::briefing(req, content, briefing.as_deref()),
            Command::SignUp { campaign, action } => {
                signup::sign_up(req, content, store, campaign.as_deref(), action.as_deref()).await?
            }
            Command::Withdraw { campaign, action } => {
                signup::withdraw(req, content, store, campaign.as_deref(), action.as_deref()).await?
            }
            Command::MySignUps => signup::mine(req, content, store).await?,
            Command::Done { campaign, action, outcome } => {
                progress::done(req, content, store, campaign.as_deref(), action.as_deref(), *outcome).await?
            }
            Command::Place { accept, campaign, action } => {
                progress::place(req, content, store, *accept, campaign.as_deref(), action.as_deref()).await?
            }
            Command::Rsvp { going, at } => {
                let changes = self.calendar_changes().await?;
                rsvp::rsvp(req, &Agenda::new(content, &changes), store, *going, at).await?
            }
            Command::MyReminders { on } => personal::my_reminders(req, store, *on).await?,
            Command::MyCalendar { reset } => personal::my_calendar(req, store, settings, *reset).await?,
            Command::ForgetMe { confirmed } => signup::forget_me(req, store, *confirmed).await?,
            Command::Dashboard => dashboard::link(req, content, store, settings).await?,
            Command::Roster { .. }
            | Command::Export { .. }
            | Command::Attendees { .. }
            | Command::Cancel { .. }
            | Command::Uncancel { .. }
            | Command::Move { .. }
            | Command::AddMeeting(_)
            | Command::Remind { .. } => self.answer_organizer(req, content).await?,
            Command::Unknown { word, suggestion } => help::unknown(req, content, word, *suggestion),
            Command::Unclear(unclear) => help::unclear(req, unclear),
            Command::TooLong { bytes } => help::too_long(req, *bytes),
        };
        self.changed(&req.command);
        Ok(reply)
    }

    /// The organizers' commands: rosters, the attendee list, calendar changes, reminder
    /// channels. Each reads the calendar as organizers changed it (a cached read).
    async fn answer_organizer(&self, req: &Request, content: &Content) -> Result<Reply, StoreError> {
        let store = &self.inner.store;
        let changes = self.calendar_changes().await?;
        let agenda = Agenda::new(content, &changes);
        Ok(match &req.command {
            Command::Roster { campaign } => roster::roster(req, content, store, campaign.as_deref()).await?,
            Command::Export { campaign } => roster::export(req, content, store, campaign.as_deref()).await?,
            Command::Attendees { at, csv } => attendees::attendees(req, &agenda, store, at, *csv).await?,
            Command::Cancel { at } => schedule::cancel(req, &agenda, store, at).await?,
            Command::Uncancel { at } => schedule::uncancel(req, &agenda, store, at).await?,
            Command::Move { at, to } => schedule::move_to(req, &agenda, store, at, *to).await?,
            Command::AddMeeting(new) => schedule::add_meeting(req, &agenda, store, new).await?,
            Command::Remind { action, meeting, locale } => {
                let set = &self.inner.settings.reminder_channels;
                remind::remind(req, content, store, set, *action, meeting.as_deref(), *locale).await?
            }
            // Only organizers' commands come here; anything else gets the help.
            _ => help::help(req, content),
        })
    }

    /// `meeting`, with how many are going to the next occurrence and how to answer.
    async fn meeting_with_going(
        &self,
        req: &Request,
        content: &Content,
        meeting: Option<&str>,
    ) -> Result<Reply, StoreError> {
        let changes = self.calendar_changes().await?;
        let agenda = Agenda::new(content, &changes);
        let mut reply = meeting::meeting(req, &agenda, meeting, &self.inner.settings);
        if reply.tone == Tone::Info
            && let Some(next) = rsvp::next(req, &agenda, meeting)
        {
            // Counts are a nicety: a database hiccup shows the meeting without them.
            let going = match self.inner.going.get(&next, self.inner.store.rsvp_counts(&next)).await {
                Ok(counts) => Some(counts.0),
                Err(e) => {
                    tracing::warn!(error = %e, "RSVP counts unavailable");
                    None
                }
            };
            rsvp::invite(req, next, meeting.is_some(), going, content.group.public_floor, &mut reply);
        }
        Ok(reply)
    }

    /// One campaign, with how many signed up for each action.
    async fn campaign_with_counts(&self, req: &Request, content: &Content, slug: &str) -> Reply {
        let counts = match content.campaign(slug) {
            // Counts are a nicety: a database hiccup shows the campaign without them.
            Some(c) => match self.signup_counts(&c.slug).await {
                Ok(counts) => Some(counts),
                Err(e) => {
                    tracing::warn!(error = %e, "sign-up counts unavailable");
                    None
                }
            },
            None => None,
        };
        campaign::show(req, content, slug, counts.as_deref().map(Vec::as_slice))
    }

    /// A campaign's public message as everyone in the channel sees it, in `locale`: what a
    /// platform shows again after a button on it changed its counts. Built with nobody's
    /// standing, so nothing only organizers see reaches a shared message; `None` when the
    /// campaign is no longer in the content.
    pub async fn public_campaign(&self, req: &Request, campaign: &str, locale: crate::locale::Locale) -> Option<Reply> {
        let content = self.content().current();
        content.campaign(campaign)?;
        let mut public = req.clone();
        public.command = Command::Campaign { campaign: Some(campaign.to_string()) };
        public.locale = locale;
        public.organizer = false;
        Some(self.handle(&public).await)
    }

    /// Refreshes what depends on what `command` can change, as its declaration says.
    fn changed(&self, command: &Command) {
        for change in command.effects() {
            match change {
                Effect::SignUps => self.signups_changed(),
                Effect::Going => self.inner.going.invalidate(),
                // The calendar or who gets personal messages changed, or a place freed: the
                // scheduler plans again.
                Effect::Plan => self.notify_changed(),
            }
        }
    }
}

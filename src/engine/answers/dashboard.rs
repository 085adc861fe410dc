//! `dashboard`: an organizer's one-time link to the group's dashboard in a browser, answered
//! privately. Who may ask was decided before (organizers, by their standing in the group's
//! home); the browser's side of the door is the HTTP server's.

use chrono::Duration;

use crate::content::Content;
use crate::engine::texts::{self, fill};
use crate::engine::{Block, Reply, Request, Settings, Tone, catalog};
use crate::store::{Result, Store};

/// How long a link works: time to switch from the chat to a browser, and no more, so that a
/// link found later in a chat's history or a notification opens nothing.
pub const LINK_VALID_FOR: Duration = Duration::minutes(10);

/// Where a link opens under the public URL, followed by its token. The HTTP server serves
/// this path (`tests/dashboard_access.rs` follows a link from the chat to the dashboard).
pub const OPEN_PATH: &str = "/dashboard/open/";

/// `dashboard`: a new link for the asker to this group's dashboard, or why there is none
/// (the bot has no public address to link to).
pub async fn link(req: &Request, content: &Content, store: &Store, settings: &Settings) -> Result<Reply> {
    let l = req.locale;
    let Some(base) = &settings.public_url else {
        return Ok(Reply::private().tone(Tone::Refusal).text(texts::dashboard_no_url(l)));
    };
    let token = store.issue_dashboard_link(&req.user, l, LINK_VALID_FOR, req.now).await?;
    let url = format!("{}{OPEN_PATH}{}", base.trim_end_matches('/'), token.expose());
    let minutes = LINK_VALID_FOR.num_minutes().to_string();
    let again = req.cmd(&catalog::DASHBOARD, "");
    let text = fill(
        texts::dashboard_link(l),
        &[("group", content.group.name.get(l)), ("url", &url), ("minutes", &minutes), ("cmd", &again)],
    );
    Ok(Reply::private().text(text).block(Block::Note(texts::dashboard_link_private(l).to_string())))
}

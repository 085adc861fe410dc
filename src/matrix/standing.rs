//! A person's standing in a group's Matrix home as it is now, for the organizers'
//! dashboard: the same reading the bot's commands use, from the state of the home rooms the
//! client keeps in step with every sync.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use matrix_sdk::Client;
use matrix_sdk::ruma::OwnedUserId;

use super::MatrixState;
use super::groups::Routes;
use super::handler::read_home;
use crate::chat::{Standing, Standings};
use crate::group_id::GroupId;

/// Reads standing through one connection.
pub struct MatrixStandings {
    client: Client,
    routes: Arc<Routes>,
    state: Arc<MatrixState>,
}

impl MatrixStandings {
    /// Standing read through `client`, in the homes `routes` holds now; `state` says whether
    /// syncs succeed.
    pub(crate) fn new(client: Client, routes: Arc<Routes>, state: Arc<MatrixState>) -> MatrixStandings {
        MatrixStandings { client, routes, state }
    }
}

impl Standings for MatrixStandings {
    fn standing<'a>(&'a self, user: &'a str, group: &'a GroupId) -> BoxFuture<'a, Option<Standing>> {
        Box::pin(async move {
            // While syncs fail, the rooms' state is what it was when they stopped: a power
            // level taken away since would not show.
            if !self.state.link.is_up() {
                return None;
            }
            let Ok(user) = user.parse::<OwnedUserId>() else { return Some(Standing::default()) };
            let homes = self.routes.now();
            let Some(home) = homes.group(group) else { return Some(Standing::default()) };
            let reading = read_home(&self.client, &user, home).await;
            // One room saying organizer is enough; otherwise every room must have answered.
            (reading.complete || reading.standing.organizer).then_some(reading.standing)
        })
    }
}

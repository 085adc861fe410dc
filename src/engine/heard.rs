//! Who has talked to the bot in this process, in which language: so that clearing
//! "unreachable" and keeping a person's language costs one database read per person, not one
//! per command.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::chat::{Platform, User};
use crate::locale::Locale;

/// How many people are remembered before the memory starts over.
const AT_MOST: usize = 50_000;

/// People whose standing is known to match the database: reachable, with this language.
#[derive(Default)]
pub struct Heard {
    known: Mutex<HashMap<(Platform, String), Locale>>,
}

impl Heard {
    /// Whether `user` is known reachable and writing in `locale`.
    pub fn known(&self, user: &User, locale: Locale) -> bool {
        let known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        known.get(&(user.platform, user.id.clone())) == Some(&locale)
    }

    /// `user` is reachable and writes in `locale`, as the database now says.
    pub fn remember(&self, user: &User, locale: Locale) {
        let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        if known.len() >= AT_MOST {
            known.clear();
        }
        known.insert((user.platform, user.id.clone()), locale);
    }

    /// The database changed for this person (recorded unreachable): ask it again next time.
    pub fn forget(&self, platform: Platform, user_id: &str) {
        self.known.lock().unwrap_or_else(|p| p.into_inner()).remove(&(platform, user_id.to_string()));
    }
}

//! Names offered as one types an option (Discord's autocomplete), from where the option's
//! declaration says they come: a renamed option keeps its suggestions, and a new option
//! gets them by saying so in the catalog.

use super::{Engine, Suggest, catalog};
use crate::content::Text;
use crate::locale::Locale;

/// At most this many suggestions (Discord's limit).
const AT_MOST: usize = 25;

impl Engine {
    /// The names to offer for `option` of `command` (both by their English names) with
    /// `typed` so far and the command's other options as `given` (name, value): a label in
    /// `locale` and the value each stands for.
    pub async fn complete(
        &self,
        command: &str,
        option: &str,
        typed: &str,
        given: &[(String, String)],
        locale: Locale,
    ) -> Vec<(String, String)> {
        let Some(spec) = catalog::ALL.iter().find(|s| s.name.0 == command) else { return Vec::new() };
        let Some(from) = spec.options.iter().find(|o| o.name.0 == option).and_then(|o| o.suggest) else {
            return Vec::new();
        };
        let content = self.content().current();
        let typed = typed.to_lowercase();
        let named = |slug: &str, title: &Text| {
            let title = title.get(locale);
            let fits = typed.is_empty() || slug.contains(&typed) || title.to_lowercase().contains(&typed);
            fits.then(|| (format!("{title} ({slug})"), slug.to_string()))
        };
        let found: Vec<(String, String)> = match from {
            Suggest::Campaigns => content.campaigns.iter().filter_map(|c| named(&c.slug, &c.title)).collect(),
            Suggest::Actions => {
                // The campaign is whatever the command's campaign option holds.
                let campaign_option = spec.options.iter().find(|o| o.suggest == Some(Suggest::Campaigns));
                let campaign = campaign_option
                    .and_then(|o| given.iter().find(|(name, _)| name == o.name.0))
                    .and_then(|(_, value)| content.campaign(&value.to_lowercase()));
                campaign
                    .map(|c| c.actions.iter().filter_map(|a| named(&a.slug, &a.title)).collect())
                    .unwrap_or_default()
            }
            Suggest::Meetings => {
                let changes = self.calendar_changes().await.unwrap_or_default();
                let agenda = crate::agenda::Agenda::new(&content, &changes);
                agenda.meetings().filter_map(|m| named(&m.slug, &m.title)).collect()
            }
            Suggest::Briefings => content.briefings.iter().filter_map(|b| named(&b.slug, &b.title)).collect(),
        };
        found.into_iter().take(AT_MOST).collect()
    }
}

//! Where a public page and its siblings are. A one-group deployment's page is the site's
//! front page (`/`, `/es/`); in an organization the front page is the organization's and
//! each group's is under `/groups/<name>/`. Each language has its own stable address, and
//! the address without one picks by the browser's languages.

use crate::group_id::GroupId;
use crate::locale::Locale;

/// The addresses of one page (a group's or the organization's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    /// The public URL the bot is reached at (no trailing slash), or empty: links are then
    /// relative to this site, which serves the pages itself.
    base: String,
    /// `""` for the front page, `/groups/<name>` for a group of an organization.
    prefix: String,
    /// The group's calendar feeds (`/calendar`, `/groups/<name>/calendar`).
    calendar_path: String,
}

impl Address {
    /// A group's page: the front page when it is the deployment's only group.
    pub fn group(base: Option<&str>, group: &GroupId, calendar_path: &str) -> Address {
        let prefix = if group.is_single() { String::new() } else { format!("/groups/{}", group.as_str()) };
        Address {
            base: base.unwrap_or("").trim_end_matches('/').to_string(),
            prefix,
            calendar_path: calendar_path.into(),
        }
    }

    /// The organization's page: the front page.
    pub fn organization(base: Option<&str>) -> Address {
        Address {
            base: base.unwrap_or("").trim_end_matches('/').to_string(),
            prefix: String::new(),
            calendar_path: String::new(),
        }
    }

    /// The page in `lang`: `/groups/sur/es/`.
    pub fn page(&self, lang: Locale) -> String {
        format!("{}{}/{}/", self.base, self.prefix, lang.tag())
    }

    /// The page in the browser's language: `/groups/sur/`.
    pub fn page_any(&self) -> String {
        format!("{}{}/", self.base, self.prefix)
    }

    /// The fragment for other websites in `lang`.
    pub fn embed(&self, lang: Locale) -> String {
        format!("{}{}/{}/embed", self.base, self.prefix, lang.tag())
    }

    /// The JSON feed in `lang`.
    pub fn json(&self, lang: Locale) -> String {
        format!("{}{}/{}/feed.json", self.base, self.prefix, lang.tag())
    }

    /// A meeting's calendar feed, its titles in `lang`.
    pub fn ics(&self, meeting: &str, lang: Locale) -> String {
        format!("{}{}/{meeting}.ics?lang={}", self.base, self.calendar_path, lang.tag())
    }

    /// A group's page from the organization's: `/groups/<name>/<lang>/`.
    pub fn of_group(&self, group: &GroupId, lang: Locale) -> String {
        format!("{}/groups/{}/{}/", self.base, group.as_str(), lang.tag())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_group_is_the_front_page_and_an_organizations_groups_are_under_groups() {
        let lone = Address::group(None, &GroupId::single(), "/calendar");
        assert_eq!(lone.page(Locale::Es), "/es/");
        assert_eq!(lone.page_any(), "/");
        assert_eq!(lone.ics("monthly", Locale::En), "/calendar/monthly.ics?lang=en");
        let sur = Address::group(Some("https://bot.example.org/"), &GroupId::named("sur"), "/groups/sur/calendar");
        assert_eq!(sur.page(Locale::Es), "https://bot.example.org/groups/sur/es/");
        assert_eq!(sur.embed(Locale::En), "https://bot.example.org/groups/sur/en/embed");
        assert_eq!(sur.json(Locale::Es), "https://bot.example.org/groups/sur/es/feed.json");
        assert_eq!(sur.ics("monthly", Locale::Es), "https://bot.example.org/groups/sur/calendar/monthly.ics?lang=es");
        let org = Address::organization(None);
        assert_eq!(org.of_group(&GroupId::named("sur"), Locale::En), "/groups/sur/en/");
    }
}

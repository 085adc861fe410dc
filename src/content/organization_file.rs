//! `organization.toml`: an organization's name, language, page and home, checked into an
//! [`Organization`]. Its groups each have their own folder under `groups/`.

use serde::Deserialize;
use toml::Spanned;

use super::files::Source;
use super::home_file::HomeFile;
use super::model::Organization;
use super::text::RawText;
use super::web_file::WebFile;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OrganizationFile {
    name: Option<RawText>,
    short_name: Option<String>,
    language: Option<Spanned<String>>,
    website: Option<Spanned<String>>,
    /// The organization's own server or space, and who organizes the organization there.
    home: Option<HomeFile>,
    /// Its public page.
    web: Option<WebFile>,
}

impl OrganizationFile {
    /// The organization, with every mistake in `organization.toml` reported to `src`.
    pub fn check(self, src: &mut Source<'_>) -> Organization {
        let language = src.language(self.language.as_ref());
        let name = src.required(self.name, "the organization's name", language);
        let short_name = self
            .short_name
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| name.get(language).to_string());
        let home = self.home.map(|h| h.check(src)).unwrap_or_default();
        let web = self.web.map(|w| w.check(src, language)).unwrap_or_default();
        Organization { short_name, language, website: src.link(self.website), home, web, name }
    }
}

//! `[web]` in `group.toml` and `organization.toml`: whether the group (or the organization)
//! has a public page, and the invitations that page shows. Off unless the file says
//! `public = true`: some groups want nothing about them on the web.

use serde::Deserialize;
use toml::Spanned;

use super::files::Source;
use super::model::{JoinLink, Web};
use super::text::RawText;
use crate::locale::Locale;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WebFile {
    public: Option<bool>,
    /// How to join: `[[web.join]] label = "Discord", url = "https://discord.gg/…"`.
    #[serde(default)]
    join: Vec<JoinFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JoinFile {
    label: Option<RawText>,
    url: Option<Spanned<String>>,
}

impl WebFile {
    /// The page's settings, every mistake reported to `src`. An invitation without a label
    /// or a link is left out (and reported): a page never shows half of one.
    pub fn check(self, src: &mut Source<'_>, language: Locale) -> Web {
        let join = self
            .join
            .into_iter()
            .filter_map(|j| {
                if j.url.is_none() {
                    src.whole("an invitation in `[[web.join]]` has no `url`");
                }
                let url = src.link(j.url)?;
                let label = src.required(j.label, "an invitation's `label` in `[[web.join]]`", language);
                (!label.is_blank()).then_some(JoinLink { label, url })
            })
            .collect();
        Web { public: self.public.unwrap_or(false), join }
    }
}

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
                let Some(url) = j.url else {
                    src.whole("an invitation in `[[web.join]]` has no `url = \"https://…\"`: add one, or remove the invitation");
                    return None;
                };
                let span = url.span();
                let url = src.link(Some(url))?;
                let label = j.label.map(|l| l.resolve(language)).filter(|l| !l.is_blank());
                let Some(label) = label else {
                    src.at(span, format!("the invitation to `{url}` in `[[web.join]]` has no `label`: add `label = \"…\"` (or `{{ en = \"…\", es = \"…\" }}`) above its `url`"));
                    return None;
                };
                Some(JoinLink { label, url })
            })
            .collect();
        Web { public: self.public.unwrap_or(false), join }
    }
}

//! `briefings/*.toml`: a situation briefing, checked into a [`Briefing`].

use serde::Deserialize;
use toml::{Spanned, Value};

use super::files::{Source, parse_date};
use super::model::*;
use super::text::RawText;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BriefingFile {
    slug: Option<Spanned<String>>,
    title: Option<RawText>,
    date: Option<Spanned<Value>>,
    summary: Option<RawText>,
    body: Option<RawText>,
    learn_more: Option<Spanned<String>>,
}

impl BriefingFile {
    pub fn check(self, src: &mut Source<'_>, stem: &str, group: &Group) -> Option<Briefing> {
        let slug = src.slug(self.slug, stem);
        let title = src.required(self.title, "the briefing's title", group.language);
        let summary = src.required(self.summary, "the briefing's summary", group.language);
        let date = match &self.date {
            Some(d) => src.parsed(d, "a date like 2024-07-31 (years 2000–2100)", parse_date),
            None => {
                src.whole("the briefing's `date` is missing (the date it describes the situation up to)");
                None
            }
        };
        Some(Briefing {
            slug,
            title,
            date: date?,
            summary,
            body: self.body.map(|t| t.resolve(group.language)),
            learn_more: src.link(self.learn_more),
        })
    }
}

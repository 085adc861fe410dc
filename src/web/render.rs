//! The pages as HTML, from the templates in `templates/web/` (askama: checked against these
//! structs when the crate builds, every value escaped unless marked safe — the Markdown
//! rendered by [`crate::engine::html::markdown`], which passes no raw HTML, and the chart).
//! A page holds no "made at" instant: rendered again with nothing changed it is the same
//! bytes, so its entity tag stands and a browser's copy stays good.

use askama::Template;

use super::view::GroupPage;
use super::words::{Words, words};
use crate::locale::Locale;

/// The page's style, inline: one request, no external fonts, a few kilobytes.
const CSS: &str = include_str!("../../templates/web/style.css");

#[derive(Template)]
#[template(path = "web/group.html")]
struct GroupHtml<'a> {
    p: &'a GroupPage,
    title: &'a str,
    read_in: &'static str,
    json_alternate: Option<String>,
    lang: &'static str,
    here: String,
    other_lang: &'static str,
    other_name: &'static str,
    other_href: String,
    json_href: String,
    skip: &'static str,
    css: &'static str,
}

#[derive(Template)]
#[template(path = "web/embed.html")]
struct EmbedHtml<'a> {
    p: &'a GroupPage,
    lang: &'static str,
}

/// One group on the organization's page.
pub struct GroupLine {
    /// Its name in the page's language.
    pub name: String,
    /// Its page in that language.
    pub href: String,
    /// Its next meeting: the instant for machines, and in words.
    pub next: Option<(String, String)>,
}

/// The organization's page.
pub struct OrganizationPage {
    /// The page's language.
    pub lang: Locale,
    /// The organization's name.
    pub name: String,
    /// Its website.
    pub website: Option<String>,
    /// Its groups that have a public page.
    pub groups: Vec<GroupLine>,
    /// The page in this language and in the other.
    pub here: String,
    /// The page in the other language.
    pub other_href: String,
}

#[derive(Template)]
#[template(path = "web/organization.html")]
struct OrganizationHtml<'a> {
    lang: &'static str,
    title: &'a str,
    read_in: &'static str,
    json_alternate: Option<String>,
    website: &'a Option<String>,
    groups: &'a [GroupLine],
    words: &'static Words,
    here: &'a str,
    other_lang: &'static str,
    other_name: &'static str,
    other_href: &'a str,
    skip: &'static str,
    css: &'static str,
}

#[derive(Template)]
#[template(path = "web/not_public.html")]
struct NotPublicHtml {
    lang: &'static str,
    text: &'static str,
}

/// "Skip to content".
fn skip(lang: Locale) -> &'static str {
    match lang {
        Locale::En => "Skip to content",
        Locale::Es => "Ir al contenido",
    }
}

/// A group's whole page.
pub fn group_page(p: &GroupPage) -> String {
    let other = p.lang.other();
    GroupHtml {
        p,
        title: &p.name,
        read_in: p.words.read_in,
        json_alternate: Some(p.address.json(p.lang)),
        lang: p.lang.tag(),
        here: p.address.page(p.lang),
        other_lang: other.tag(),
        other_name: words(other).language_name,
        other_href: p.address.page(other),
        json_href: p.address.json(p.lang),
        skip: skip(p.lang),
        css: CSS,
    }
    .render()
    .unwrap_or_else(failed)
}

/// The fragment another website embeds: upcoming meetings and campaigns, no page around it.
pub fn embed(p: &GroupPage) -> String {
    EmbedHtml { p, lang: p.lang.tag() }.render().unwrap_or_else(failed)
}

/// The organization's page.
pub fn organization_page(o: &OrganizationPage) -> String {
    let other = o.lang.other();
    OrganizationHtml {
        lang: o.lang.tag(),
        title: &o.name,
        read_in: words(o.lang).read_in,
        json_alternate: None,
        website: &o.website,
        groups: &o.groups,
        words: words(o.lang),
        here: &o.here,
        other_lang: other.tag(),
        other_name: words(other).language_name,
        other_href: &o.other_href,
        skip: skip(o.lang),
        css: CSS,
    }
    .render()
    .unwrap_or_else(failed)
}

/// "There is no public page here", for an address with none (or a group that wants none).
pub fn not_public(lang: Locale) -> String {
    NotPublicHtml { lang: lang.tag(), text: words(lang).not_public }.render().unwrap_or_else(failed)
}

/// Rendering fails only on a formatting error writing to a `String`, which does not
/// happen; an empty page with the reason logged rather than a panic if it ever does.
fn failed(e: askama::Error) -> String {
    tracing::error!(error = %e, "a page could not be rendered");
    String::new()
}

#[cfg(test)]
mod tests {
    /// WCAG's relative luminance of `#rgb` or `#rrggbb`.
    fn luminance(hex: &str) -> f64 {
        let hex = hex.trim_start_matches('#');
        let hex = if hex.len() == 3 { hex.chars().flat_map(|c| [c, c]).collect() } else { hex.to_string() };
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if c <= 0.039_28 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    /// Every text colour the style sets reads on the page's white at WCAG AA (4.5:1) or
    /// better, and the badge's white on its red; so do the chart's bar colours against white.
    #[test]
    fn every_colour_on_the_page_has_enough_contrast() {
        let css = super::CSS;
        let colours: Vec<&str> = css
            .split(['{', '}', ';'])
            .filter_map(|d| d.trim().strip_prefix("color:"))
            .filter(|c| *c != "#fff")
            .collect();
        assert!(colours.len() >= 4, "{colours:?}");
        for c in colours {
            assert!(contrast(c, "#fff") >= 4.5, "{c} on white: {:.2}", contrast(c, "#fff"));
        }
        assert!(css.contains("background:#8b1a1a;color:#fff"), "the badge is white on red");
        assert!(contrast("#fff", "#8b1a1a") >= 4.5);
        for bar in ["#1d4f91", "#1b6e3a", "#8a4b00"] {
            assert!(contrast(bar, "#fff") >= 3.0, "{bar}: a graphic needs 3:1");
        }
    }
}

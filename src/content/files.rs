//! Reading one file of `commands/`: where its errors go, and the spelling of values (dates,
//! times, lengths, names) every file shares.
//!
//! Every field that can be wrong in a way TOML cannot see (a zone, a rule, a date, a link)
//! is read `Spanned`, so its error can name the line it is on. The files' shapes and their
//! checking into the model live beside this one, one file for each kind: `organization_file`,
//! `group_file` (with `home_file` for the `[home]` both share), `meeting_file`,
//! `campaign_file`, `briefing_file` (and `channels` for channel references).

use std::ops::Range;
use std::path::Path;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;
use serde::Deserialize;
use toml::{Spanned, Value};

use super::error::ContentError;
use super::text::{RawText, Text};
use crate::calendar::Lead;
use crate::locale::Locale;

/// One file being checked: where errors go and how to find their lines.
pub(crate) struct Source<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    pub errors: &'a mut Vec<ContentError>,
}

impl Source<'_> {
    pub(super) fn at(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.errors.push(ContentError::at(self.path, self.text, span.start, message));
    }

    pub(super) fn whole(&mut self, message: impl Into<String>) {
        self.errors.push(ContentError::file(self.path, message));
    }

    /// Parses the file's TOML, recording a syntax or shape error with its line. A shape
    /// error (an unknown key, a value of the wrong kind) does not hide the next one: its
    /// lines are blanked and the file read again, so one `check` names every mistake in it.
    /// The value read around the mistakes comes back too, for the checks after this one
    /// (the whole folder is refused anyway).
    pub fn parse<T: for<'de> Deserialize<'de>>(&mut self) -> Option<T> {
        if let Err(e) = self.text.parse::<toml::Table>() {
            self.toml_error(&e);
            return None;
        }
        let mut text = self.text.to_string();
        for _ in 0..MAX_SHAPE_ERRORS {
            let e = match toml::from_str::<T>(&text) {
                Ok(v) => return Some(v),
                Err(e) => e,
            };
            self.toml_error(&e);
            let span = e.span()?;
            // A mistake of the whole document (a missing key) has no lines to step over.
            if span.is_empty() {
                return None;
            }
            let blanked = blank_lines(&text, span);
            // Blanking must leave valid TOML that says less, or there is nothing more to read.
            if blanked == text || blanked.parse::<toml::Table>().is_err() {
                return None;
            }
            text = blanked;
        }
        None
    }

    fn toml_error(&mut self, e: &toml::de::Error) {
        let message = e.message().trim().to_string();
        match e.span() {
            Some(span) => self.at(span, message),
            None => self.whole(message),
        }
    }

    pub(super) fn required(&mut self, text: Option<RawText>, what: &str, language: Locale) -> Text {
        match text.map(|t| t.resolve(language)) {
            Some(t) if !t.is_blank() => t,
            _ => {
                self.whole(format!(
                    "{what} is missing: add `{}` to the file",
                    what.split(' ').next_back().unwrap_or(what)
                ));
                Text::default()
            }
        }
    }

    /// `language`: one convoca speaks (en or es), English when unset or wrong.
    pub(super) fn language(&mut self, language: Option<&Spanned<String>>) -> Locale {
        match language {
            Some(l) if !matches!(l.get_ref().trim(), "en" | "es") => {
                self.at(l.span(), format!("`{}` is not a language convoca speaks: use en or es", l.get_ref()));
                Locale::En
            }
            Some(l) => Locale::from_tag(l.get_ref()),
            None => Locale::En,
        }
    }

    pub(super) fn zone(&mut self, zone: Option<Spanned<String>>, default: Tz) -> Tz {
        let Some(zone) = zone else { return default };
        match zone.get_ref().trim().parse::<Tz>() {
            Ok(tz) => tz,
            Err(_) => {
                let name = zone.get_ref().clone();
                self.at(zone.span(), format!("unknown time zone `{name}`: use an IANA name such as America/New_York"));
                default
            }
        }
    }

    pub(super) fn link(&mut self, link: Option<Spanned<String>>) -> Option<String> {
        let link = link?;
        let url = link.get_ref().trim().to_string();
        if url.is_empty() {
            return None;
        }
        if url.starts_with("https://") || url.starts_with("http://") || url.starts_with("mailto:") {
            Some(url)
        } else {
            self.at(link.span(), format!("`{url}` is not a link: it must start with https://, http:// or mailto:"));
            None
        }
    }

    pub(super) fn slug(&mut self, given: Option<Spanned<String>>, stem: &str) -> String {
        match given {
            Some(s) => {
                let slug = s.get_ref().trim().to_string();
                if !valid_slug(&slug) {
                    self.at(
                        s.span(),
                        format!("`{slug}` is not a valid name: use lowercase letters, digits and dashes"),
                    );
                }
                slug
            }
            None => {
                if !valid_slug(stem) {
                    self.whole(format!(
                        "the file name `{stem}` is not a valid name: rename it with lowercase letters, digits and dashes, or set `slug`"
                    ));
                }
                stem.to_string()
            }
        }
    }

    /// A string read by `parse`, or an error at its line saying what it should be.
    pub(super) fn spelled<T>(
        &mut self,
        value: &Spanned<String>,
        what: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let parsed = parse(value.get_ref().trim());
        if parsed.is_none() {
            self.at(value.span(), format!("`{}` is not {what}", value.get_ref().trim()));
        }
        parsed
    }

    pub(super) fn parsed<T>(
        &mut self,
        value: &Spanned<Value>,
        what: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let text = value_text(value.get_ref());
        let parsed = text.as_deref().and_then(parse);
        if parsed.is_none() {
            let shown = text.unwrap_or_else(|| value.get_ref().to_string());
            self.at(value.span(), format!("`{shown}` is not {what}"));
        }
        parsed
    }
}

/// How many shape errors one file is read past: more than this is a file to start over.
const MAX_SHAPE_ERRORS: usize = 50;

/// `text` with every line `span` touches replaced by spaces, byte for byte, so that every
/// other offset (and line number) stays where it was.
fn blank_lines(text: &str, span: Range<usize>) -> String {
    // Bytes, not characters: a span may end inside a character's bytes.
    let bytes = text.as_bytes();
    let start = bytes[..span.start.min(bytes.len())].iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let end_from = span.end.max(span.start + 1).min(bytes.len());
    let end = bytes[end_from..].iter().position(|b| *b == b'\n').map_or(bytes.len(), |i| end_from + i);
    let mut bytes = bytes.to_vec();
    for b in &mut bytes[start..end] {
        if *b != b'\n' {
            *b = b' ';
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_string())
}

/// Lowercase letters, digits and single dashes, starting with a letter or digit.
pub fn valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// Strings and TOML's own dates and times, as text.
pub(super) fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Datetime(d) => Some(d.to_string()),
        _ => None,
    }
}

/// `2026-12-07`, in the years 2000–2100: nothing the group plans lies outside them, and a
/// year like +262142 would overflow later time arithmetic.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok().filter(|d| crate::calendar::in_sane_range(*d))
}

/// `17:00` or `17:00:00`.
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    let s = s.trim();
    NaiveTime::parse_from_str(s, "%H:%M").or_else(|_| NaiveTime::parse_from_str(s, "%H:%M:%S")).ok()
}

/// `2026-12-14T18:00`, `2026-12-14 18:00` or with seconds.
pub fn parse_local_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .filter(|t| crate::calendar::in_sane_range(t.date()))
}

/// `90m`, `1h30m`, `2h`: a meeting's length.
pub(super) fn parse_duration(s: &str) -> Option<Duration> {
    let lead = Lead::parse(s).ok()?;
    Some(Duration::days(i64::from(lead.days)) + Duration::minutes(i64::from(lead.minutes)))
}

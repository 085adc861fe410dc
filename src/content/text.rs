//! Texts written in both languages side by side.

use serde::Deserialize;

use crate::locale::Locale;

/// A text an organizer wrote in English, Spanish or both.
///
/// In a content file it is either a plain string (one language: the group's default) or a
/// table `{ en = "…", es = "…" }`. Reading it in a language that is missing gives the other
/// one, so a reply is never empty because a translation was not written yet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text {
    en: Option<String>,
    es: Option<String>,
}

impl Text {
    /// A text with both languages.
    pub fn new(en: impl Into<String>, es: impl Into<String>) -> Text {
        Text { en: Some(en.into()), es: Some(es.into()) }
    }

    /// A text in one language only.
    pub fn only(locale: Locale, text: impl Into<String>) -> Text {
        let mut t = Text::default();
        *t.slot(locale) = Some(text.into());
        t
    }

    fn slot(&mut self, locale: Locale) -> &mut Option<String> {
        match locale {
            Locale::En => &mut self.en,
            Locale::Es => &mut self.es,
        }
    }

    fn exact(&self, locale: Locale) -> Option<&str> {
        let text = match locale {
            Locale::En => self.en.as_deref(),
            Locale::Es => self.es.as_deref(),
        };
        text.map(str::trim).filter(|t| !t.is_empty())
    }

    /// The text in `locale`, or in the other language when this one is missing or blank.
    pub fn get(&self, locale: Locale) -> &str {
        self.exact(locale).or_else(|| self.exact(locale.other())).unwrap_or_default()
    }

    /// True when neither language has any text.
    pub fn is_blank(&self) -> bool {
        self.exact(Locale::En).is_none() && self.exact(Locale::Es).is_none()
    }

    /// Gives a plain string (written in the group's default language) its language.
    pub(crate) fn assign_default(&mut self, default: Locale, untagged: Option<String>) {
        if let Some(text) = untagged {
            *self.slot(default) = Some(text);
        }
    }
}

/// The shape a [`Text`] has in a file, before the group's default language is known.
#[derive(Deserialize, Debug, Clone)]
#[serde(untagged)]
pub(crate) enum RawText {
    Plain(String),
    Both {
        #[serde(default)]
        en: Option<String>,
        #[serde(default)]
        es: Option<String>,
    },
}

impl RawText {
    pub(crate) fn resolve(self, default: Locale) -> Text {
        match self {
            RawText::Plain(s) => {
                let mut t = Text::default();
                t.assign_default(default, Some(s));
                t
            }
            RawText::Both { en, es } => Text { en, es },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_spanish_falls_back_to_english() {
        let t = Text::only(Locale::En, "Hello");
        assert_eq!(t.get(Locale::Es), "Hello");
        let blank = Text { en: Some("Hi".into()), es: Some("  ".into()) };
        assert_eq!(blank.get(Locale::Es), "Hi");
    }

    #[test]
    fn each_language_gets_its_own_text() {
        let t = Text::new("Hello", "Hola");
        assert_eq!(t.get(Locale::En), "Hello");
        assert_eq!(t.get(Locale::Es), "Hola");
        assert!(!t.is_blank());
        assert!(Text::default().is_blank());
    }
}

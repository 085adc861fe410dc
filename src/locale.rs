//! The languages convoca answers in.
//!
//! Members of the first group speak English and Spanish; every user-facing text exists in
//! both, and a missing translation falls back to the other language rather than to nothing.

use serde::{Deserialize, Serialize};

/// A language convoca can answer in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// English, the fallback for every tag that is not Spanish.
    #[default]
    En,
    /// Spanish, for `es` and every regional variant (`es-419`, `es-ES`, `es_MX`, …).
    Es,
}

impl Locale {
    /// Every locale, in the order texts are written in content files.
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Es];

    /// Reads a BCP 47 or POSIX language tag (`es-419`, `es_ES.UTF-8`, `en-US`). Anything that is
    /// not Spanish is English: a reply in the fallback language beats no reply.
    pub fn from_tag(tag: &str) -> Locale {
        let primary = tag.trim().split(['-', '_', '.', '@']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("es") { Locale::Es } else { Locale::En }
    }

    /// The short tag used in content files and the database (`en`, `es`).
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Es => "es",
        }
    }

    /// The other language, used as the fallback when a text is missing.
    pub fn other(self) -> Locale {
        match self {
            Locale::En => Locale::Es,
            Locale::Es => Locale::En,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_variants_are_spanish() {
        for tag in ["es", "es-419", "es-ES", "ES", "es_MX.UTF-8", " es-hn "] {
            assert_eq!(Locale::from_tag(tag), Locale::Es, "{tag}");
        }
    }

    #[test]
    fn everything_else_is_english() {
        for tag in ["en", "en-US", "pt-BR", "", "e", "est"] {
            assert_eq!(Locale::from_tag(tag), Locale::En, "{tag}");
        }
    }
}

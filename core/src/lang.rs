//! The languages the panel speaks.

/// A language the panel can show its own sentences in, and asks servers for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    En,
    De,
}

impl Language {
    /// Reads a BCP 47 tag (`de`, `de-DE`, `DE`, `de_AT`); anything not German is English.
    pub fn from_tag(tag: &str) -> Language {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("de") {
            Language::De
        } else {
            Language::En
        }
    }

    /// The primary language subtag sent as `Accept-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::De => "de",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Language;

    #[test]
    fn german_tags_in_any_case_and_region_read_as_german() {
        for tag in ["de", "DE", "de-DE", "de-at", "de_CH", " de "] {
            assert_eq!(Language::from_tag(tag), Language::De, "{tag}");
        }
    }

    #[test]
    fn anything_else_reads_as_english() {
        for tag in ["en", "en-US", "fr", "", "deu", "d", "-de"] {
            assert_eq!(Language::from_tag(tag), Language::En, "{tag}");
        }
    }

    #[test]
    fn tags_round_trip() {
        for lang in [Language::En, Language::De] {
            assert_eq!(Language::from_tag(lang.tag()), lang);
        }
        assert_eq!(Language::default(), Language::En);
    }
}

//! Server text made safe to show as plain text.

/// A letter in lower case, for ASCII and Latin-1 (`Ä` → `ä`): the
/// languages the panel speaks and server texts are written in. Full Unicode
/// case tables would cost the bundle some 8 KB gzip.
pub fn lower_latin1(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else if ('À'..='Þ').contains(&c) && c != '×' {
        char::from_u32(u32::from(c) + 32).unwrap_or(c)
    } else {
        c
    }
}

/// A letter in upper case, for ASCII and Latin-1 (`ä` → `Ä`), as
/// [`lower_latin1`]; `ß` and `ÿ` stay as they are.
pub fn upper_latin1(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_uppercase()
    } else if ('à'..='þ').contains(&c) && c != '÷' {
        char::from_u32(u32::from(c) - 32).unwrap_or(c)
    } else {
        c
    }
}

/// Longest server message kept, in characters.
pub const MAX_MESSAGE_CHARS: usize = 400;

/// Collapses runs of whitespace and control characters to one space, trims,
/// and caps the length (ending in `…` when cut). The panel renders text, never
/// HTML, so markup needs no escaping here; this only keeps a message to one
/// readable line.
pub fn plain_text(raw: &str) -> String {
    // Most texts are plain already (a region's status, a name): kept as
    // they are, without a character-by-character copy.
    let b = raw.as_bytes();
    let plain = b.len() <= MAX_MESSAGE_CHARS
        && b.first() != Some(&b' ')
        && b.last() != Some(&b' ')
        && b.iter().all(|c| (b' '..=b'~').contains(c))
        && !raw.contains("  ");
    if plain {
        return raw.to_owned();
    }
    capped(&collapse(raw.chars()), MAX_MESSAGE_CHARS)
}

/// A short excerpt of a body that is not JSON: markup tags dropped,
/// whitespace collapsed, at most `max_chars` characters.
pub fn excerpt(raw: &str, max_chars: usize) -> String {
    let mut in_tag = false;
    let without_tags = raw.chars().filter_map(move |c| match c {
        '<' => {
            in_tag = true;
            Some(' ')
        }
        '>' if in_tag => {
            in_tag = false;
            None
        }
        _ if in_tag => None,
        _ => Some(c),
    });
    capped(&collapse(without_tags), max_chars)
}

fn collapse(chars: impl Iterator<Item = char>) -> String {
    let mut out = String::new();
    let mut pending_space = false;
    for c in chars {
        if c.is_whitespace() || c.is_control() {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

fn capped(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::{excerpt, plain_text, MAX_MESSAGE_CHARS};

    #[test]
    fn messages_become_one_line() {
        assert_eq!(
            plain_text("CTGKM6002E Bad Request: Invalid user \nauthentication ID."),
            "CTGKM6002E Bad Request: Invalid user authentication ID."
        );
        assert_eq!(plain_text("  a\t\u{0}\r\n b  "), "a b");
        assert_eq!(plain_text(""), "");
    }

    #[test]
    fn long_messages_are_cut_with_an_ellipsis() {
        let long = "é".repeat(MAX_MESSAGE_CHARS + 10);
        let cut = plain_text(&long);
        assert_eq!(cut.chars().count(), MAX_MESSAGE_CHARS);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn excerpts_drop_markup_and_stay_short() {
        let page = "<html><head><title>503 Service Unavailable</title></head>\n<body><h1>Service\nUnavailable</h1></body></html>";
        assert_eq!(
            excerpt(page, 120),
            "503 Service Unavailable Service Unavailable"
        );
        let text = excerpt(&"x ".repeat(500), 120);
        assert!(text.chars().count() <= 120);
        assert!(text.ends_with('…'));
        assert_eq!(excerpt("<script>alert(1)</script>", 120), "alert(1)");
    }
}

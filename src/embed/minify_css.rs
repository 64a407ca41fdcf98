//! The stylesheet as the wasm carries it: run by the build script (which
//! includes this file) on `keywatch.css`, and tested here natively.

/// Drops comments; outside quotes, collapses whitespace to one space and
/// drops it next to `{`, `}`, `;` and `,`, and after `:` (never before: in a
/// selector, `a :hover` and `a:hover` differ); drops a `;` before `}`.
pub fn minify(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut quote = None;
    let mut space = false;
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            } else if c == '\\' {
                out.extend(chars.next());
            }
            continue;
        }
        if c == '/' && chars.peek() == Some(&'*') {
            chars.next();
            let mut last = ' ';
            for c in chars.by_ref() {
                if last == '*' && c == '/' {
                    break;
                }
                last = c;
            }
            space = true;
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        let after_tight = out.ends_with(['{', '}', ';', ',', ':']) || out.is_empty();
        if space && !after_tight && !matches!(c, '{' | '}' | ';' | ',') {
            out.push(' ');
        }
        space = false;
        if c == '}' && out.ends_with(';') {
            out.pop();
        }
        if c == '"' || c == '\'' {
            quote = Some(c);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::minify;

    #[test]
    fn comments_and_needless_whitespace_go_and_meaning_stays() {
        let css = "/* a note */\n:host { all: initial;\n  display: block; }\n\
                   .a :hover, .b > .c { font: 15px/1.4 \"Segoe  UI\", sans-serif; }\n\
                   @media (prefers-reduced-motion: reduce) and (min-width: 1px) {\n\
                   .d { width: calc(100% - 2rem); content: 'x ; y'; }\n}\n";
        assert_eq!(
            minify(css),
            ":host{all:initial;display:block}\
             .a :hover,.b > .c{font:15px/1.4 \"Segoe  UI\",sans-serif}\
             @media (prefers-reduced-motion:reduce) and (min-width:1px){\
             .d{width:calc(100% - 2rem);content:'x ; y'}}"
        );
    }

    #[test]
    fn the_panel_s_stylesheet_loses_only_what_the_browser_ignores() {
        let css = include_str!("keywatch.css");
        let small = minify(css);
        assert!(
            small.len() < css.len() * 85 / 100,
            "{} of {}",
            small.len(),
            css.len()
        );
        let uncommented: String = css
            .split("/*")
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part
                } else {
                    part.split_once("*/").map_or("", |(_, after)| after)
                }
            })
            .collect();
        let count = |s: &str, c: char| s.chars().filter(|&x| x == c).count();
        for c in ['{', '}', '(', ')', '"', '[', ']', ':', ','] {
            assert_eq!(count(&small, c), count(&uncommented, c), "{c}");
        }
        assert!(!small.contains("/*"));
    }
}

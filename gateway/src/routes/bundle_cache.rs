//! How long browsers may keep the bundle's files. A file whose name carries
//! a hash of its content (the dist step names the snippet folder
//! `<crate>.<16 hex digits>`) never changes under that name: a year, without
//! asking. Every other name (`keywatch.js`, `keywatch_bg.wasm`, the page)
//! keeps its name across releases: kept, but checked each time with `ETag`
//! or `Last-Modified`, a `304 Not Modified` costing no body.

use std::path::{Component, Path, PathBuf};
use std::time::UNIX_EPOCH;

use percent_encoding::percent_decode_str;

pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
pub const REVALIDATE: &str = "no-cache";

/// `Cache-Control` for a request path.
pub fn cache_control(path: &str) -> &'static str {
    if is_content_named(path) {
        IMMUTABLE
    } else {
        REVALIDATE
    }
}

/// Whether a segment of the path has a dot-separated part, after its first,
/// of exactly 16 lowercase hex digits (`keywatch.0123456789abcdef`).
/// wasm-bindgen's own `keywatch-<hash>` does not count: its hash is of the
/// crate's name and version, not of the files.
pub fn is_content_named(path: &str) -> bool {
    path.split('/').any(|segment| {
        segment.split('.').skip(1).any(|part| {
            part.len() == 16
                && part
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
    })
}

/// The file under `root` that answers `uri_path` in a `Content-Encoding`
/// (`br`, `gzip` or none), or `None` for a path that could leave `root`.
pub fn served_file(root: &Path, uri_path: &str, encoding: Option<&str>) -> Option<PathBuf> {
    let decoded = percent_decode_str(uri_path.trim_start_matches('/'))
        .decode_utf8()
        .ok()?;
    let mut file = root.to_path_buf();
    for component in Path::new(&*decoded).components() {
        match component {
            Component::Normal(part) => file.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if uri_path.ends_with('/') {
        file.push("index.html");
    }
    let suffix = match encoding {
        None => return Some(file),
        Some("br") => ".br",
        Some("gzip") => ".gz",
        Some(_) => return None,
    };
    let mut name = file.into_os_string();
    name.push(suffix);
    Some(PathBuf::from(name))
}

/// A strong validator from the served file's size and time, as nginx
/// makes one: each encoding is its own file, so each gets its own tag.
pub fn entity_tag(meta: &std::fs::Metadata) -> Option<String> {
    let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    Some(format!(
        "\"{:x}-{:x}.{:x}\"",
        meta.len(),
        modified.as_secs(),
        modified.subsec_nanos()
    ))
}

/// Whether `If-None-Match` names `tag` (compared weakly, as RFC 9110 says
/// for this header) or is `*`.
pub fn none_match_names(if_none_match: &str, tag: &str) -> bool {
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let tag = opaque(tag);
    if_none_match
        .split(',')
        .any(|listed| listed.trim() == "*" || opaque(listed) == tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_content_named_files_are_immutable() {
        assert_eq!(
            cache_control("/snippets/keywatch.0123456789abcdef/src/embed/element.js"),
            IMMUTABLE
        );
        for path in [
            "/",
            "/index.html",
            "/keywatch.js",
            "/keywatch_bg.wasm",
            "/snippets/keywatch-a3edde3d5549e49a/src/embed/element.js",
            "/snippets/keywatch.0123456789ABCDEF/x.js",
            "/snippets/keywatch.0123456789abcde/x.js",
            "/0123456789abcdef/x.js",
        ] {
            assert_eq!(cache_control(path), REVALIDATE, "{path}");
        }
    }

    #[test]
    fn the_served_file_stays_under_the_root() {
        let root = Path::new("/srv/dist");
        assert_eq!(
            served_file(root, "/keywatch.js", Some("br")),
            Some(PathBuf::from("/srv/dist/keywatch.js.br"))
        );
        assert_eq!(
            served_file(root, "/", Some("gzip")),
            Some(PathBuf::from("/srv/dist/index.html.gz"))
        );
        assert_eq!(
            served_file(root, "/snippets/a%20b/c.js", None),
            Some(PathBuf::from("/srv/dist/snippets/a b/c.js"))
        );
        for path in ["/../etc/passwd", "/snippets/%2e%2e/%2e%2e/x", "/a/../../b"] {
            assert_eq!(served_file(root, path, None), None, "{path}");
        }
        assert_eq!(served_file(root, "/keywatch.js", Some("zstd")), None);
    }

    #[test]
    fn if_none_match_compares_weakly_and_takes_a_list() {
        let tag = "\"1f-65.0\"";
        assert!(none_match_names("\"1f-65.0\"", tag));
        assert!(none_match_names("W/\"1f-65.0\"", tag));
        assert!(none_match_names("\"x\", \"1f-65.0\"", tag));
        assert!(none_match_names("*", tag));
        assert!(!none_match_names("\"1f-65.1\"", tag));
        assert!(!none_match_names("", tag));
    }
}

//! Where the servers are and how to talk to them, and URL building.

use std::fmt;

use crate::lang::Language;
pub use crate::model::percent::percent_encode;

/// Time a request may take, headers and body together, unless configured.
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;

/// How to reach a GKLM server.
#[derive(Clone, PartialEq)]
pub struct GklmConfig {
    /// Up to and including `/rest/v1`, e.g. `https://gklm:9443/SKLM/rest/v1`,
    /// or a path on the panel's own origin such as `/SKLM/rest/v1` behind a gateway.
    pub base_url: String,
    /// The session from `POST /ckms/login`; sent as `SKLMAuth userAuthId=…`.
    pub auth_id: Option<String>,
    pub language: Language,
    pub timeout_ms: u32,
}

impl GklmConfig {
    pub fn new(base_url: impl Into<String>) -> Self {
        GklmConfig {
            base_url: base_url.into(),
            auth_id: None,
            language: Language::default(),
            timeout_ms: DEFAULT_TIMEOUT_MS,
        }
    }
}

impl fmt::Debug for GklmConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GklmConfig")
            .field("base_url", &self.base_url)
            .field("auth_id", &redacted(&self.auth_id))
            .field("language", &self.language)
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}

/// How to reach a CipherTrust Manager.
#[derive(Clone, PartialEq)]
pub struct CckmConfig {
    /// Up to and including `/api/v1`, e.g. `https://ctm.example/api/v1`.
    pub base_url: String,
    /// The JWT from `POST /auth/tokens`; sent as `Bearer …`.
    pub token: Option<String>,
    pub language: Language,
    pub timeout_ms: u32,
}

impl CckmConfig {
    pub fn new(base_url: impl Into<String>) -> Self {
        CckmConfig {
            base_url: base_url.into(),
            token: None,
            language: Language::default(),
            timeout_ms: DEFAULT_TIMEOUT_MS,
        }
    }
}

impl fmt::Debug for CckmConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CckmConfig")
            .field("base_url", &self.base_url)
            .field("token", &redacted(&self.token))
            .field("language", &self.language)
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}

/// What Debug output shows in place of a credential.
pub fn redacted(secret: &Option<String>) -> Option<&'static str> {
    secret.as_ref().map(|_| "<redacted>")
}

/// Joins a base URL and a path with exactly one `/` between them.
/// A query or fragment on the base is not expected and not handled.
pub fn join_url(base: &str, path: &str) -> String {
    let base = base.trim().trim_end_matches('/');
    let path = path.trim().trim_start_matches('/');
    match (base.is_empty(), path.is_empty()) {
        (_, true) if !base.is_empty() => base.to_owned(),
        (true, _) => format!("/{path}"),
        _ => format!("{base}/{path}"),
    }
}

/// True when `segment` can stand as one path segment: not empty and not a
/// dot segment, which URL parsers resolve even when percent-encoded.
pub fn is_path_segment(segment: &str) -> bool {
    let trimmed = segment.trim();
    !trimmed.is_empty() && trimmed != "." && trimmed != ".."
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_url_never_doubles_or_drops_a_slash() {
        for base in [
            "https://gklm:9443/SKLM/rest/v1",
            "https://gklm:9443/SKLM/rest/v1/",
            "https://gklm:9443/SKLM/rest/v1//",
        ] {
            for path in ["ckms/backups/result", "/ckms/backups/result"] {
                assert_eq!(
                    join_url(base, path),
                    "https://gklm:9443/SKLM/rest/v1/ckms/backups/result"
                );
            }
        }
        assert_eq!(
            join_url("/SKLM/rest/v1/", "/ckms/login"),
            "/SKLM/rest/v1/ckms/login"
        );
        assert_eq!(join_url("", "ckms/login"), "/ckms/login");
        assert_eq!(join_url("https://h/api/v1", ""), "https://h/api/v1");
        assert_eq!(
            join_url(" https://h/api/v1 ", " auth/tokens"),
            "https://h/api/v1/auth/tokens"
        );
    }

    #[test]
    fn percent_encoding_keeps_only_unreserved_characters() {
        assert_eq!(
            percent_encode("NOT_EVENT-fed6658-f11fba8a-a9ca-4835-b4bd-9d0e0a9d4062"),
            "NOT_EVENT-fed6658-f11fba8a-a9ca-4835-b4bd-9d0e0a9d4062"
        );
        assert_eq!(percent_encode("a/b?c#d e%"), "a%2Fb%3Fc%23d%20e%25");
        assert_eq!(percent_encode("ä+&="), "%C3%A4%2B%26%3D");
    }

    #[test]
    fn dot_segments_and_blanks_are_not_path_segments() {
        for bad in ["", " ", ".", "..", " .. "] {
            assert!(!is_path_segment(bad), "{bad:?}");
        }
        assert!(is_path_segment("..."));
        assert!(is_path_segment("a.b"));
    }

    #[test]
    fn debug_output_hides_secrets() {
        let mut gklm = GklmConfig::new("https://gklm/SKLM/rest/v1");
        gklm.auth_id = Some("139aeh34567m".to_owned());
        let mut cckm = CckmConfig::new("https://ctm/api/v1");
        cckm.token = Some("eyJhbGciOi.secret".to_owned());
        let shown = format!("{gklm:?} {cckm:?}");
        assert!(!shown.contains("139aeh34567m"), "{shown}");
        assert!(!shown.contains("eyJhbGciOi"), "{shown}");
        assert!(shown.contains("<redacted>"));
        assert!(shown.contains("https://gklm/SKLM/rest/v1"));
    }
}

//! What a host tells the panel: where the servers are, which language to
//! speak, how often to look. Read from JSON so that the JavaScript `mount()`
//! API, the standalone page and Rust hosts share one format.

use serde::Deserialize;

use crate::api::config::{redacted, CckmConfig, GklmConfig, DEFAULT_TIMEOUT_MS};
use crate::lang::Language;

pub const DEFAULT_POLL_SECONDS: u32 = 15;
const POLL_SECONDS_RANGE: (u32, u32) = (2, 3600);
const TIMEOUT_MS_RANGE: (u32, u32) = (500, 120_000);

/// The panel's configuration, as a host gives it.
#[derive(Clone, PartialEq)]
pub struct PanelConfig {
    /// GKLM REST base up to and including `/rest/v1`; `None` hides its cards.
    pub gklm_url: Option<String>,
    /// CipherTrust Manager API base up to and including `/api/v1`.
    pub cckm_url: Option<String>,
    pub language: Language,
    pub poll_seconds: u32,
    pub timeout_ms: u32,
    /// A GKLM session the host already holds; otherwise the panel asks the
    /// person to sign in, and keeps the session in memory only.
    pub gklm_auth_id: Option<String>,
    /// A CipherTrust JWT the host already holds.
    pub cckm_token: Option<String>,
}

impl std::fmt::Debug for PanelConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PanelConfig")
            .field("gklm_url", &self.gklm_url)
            .field("cckm_url", &self.cckm_url)
            .field("language", &self.language)
            .field("poll_seconds", &self.poll_seconds)
            .field("timeout_ms", &self.timeout_ms)
            .field("gklm_auth_id", &redacted(&self.gklm_auth_id))
            .field("cckm_token", &redacted(&self.cckm_token))
            .finish()
    }
}

impl Default for PanelConfig {
    fn default() -> Self {
        Self {
            gklm_url: None,
            cckm_url: None,
            language: Language::En,
            poll_seconds: DEFAULT_POLL_SECONDS,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            gklm_auth_id: None,
            cckm_token: None,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawConfig {
    gklm_url: Option<String>,
    cckm_url: Option<String>,
    language: Option<String>,
    poll_seconds: Option<u32>,
    timeout_ms: Option<u32>,
    gklm_auth_id: Option<String>,
    cckm_token: Option<String>,
}

/// Why a configuration was refused, said so that a host developer can fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "keywatch configuration: {}", self.0)
    }
}

impl PanelConfig {
    pub fn from_json(json: &str) -> Result<Self, ConfigError> {
        let raw: RawConfig =
            serde_json::from_str(json).map_err(|e| ConfigError(format!("not valid JSON ({e})")))?;
        let gklm_url = raw.gklm_url.map(|u| base_url("gklmUrl", u)).transpose()?;
        let cckm_url = raw.cckm_url.map(|u| base_url("cckmUrl", u)).transpose()?;
        if gklm_url.is_none() && cckm_url.is_none() {
            return Err(ConfigError(
                "give gklmUrl (GKLM, up to and including /rest/v1), cckmUrl (CipherTrust, up to and including /api/v1), or both".into(),
            ));
        }
        Ok(Self {
            gklm_url,
            cckm_url,
            language: raw
                .language
                .as_deref()
                .map(Language::from_tag)
                .unwrap_or_default(),
            poll_seconds: within(
                "pollSeconds",
                raw.poll_seconds,
                DEFAULT_POLL_SECONDS,
                POLL_SECONDS_RANGE,
            )?,
            timeout_ms: within(
                "timeoutMs",
                raw.timeout_ms,
                DEFAULT_TIMEOUT_MS,
                TIMEOUT_MS_RANGE,
            )?,
            gklm_auth_id: raw.gklm_auth_id.filter(|s| !s.trim().is_empty()),
            cckm_token: raw.cckm_token.filter(|s| !s.trim().is_empty()),
        })
    }

    /// The GKLM client settings, with the session the panel holds now.
    pub fn gklm(&self, auth_id: Option<String>) -> Option<GklmConfig> {
        self.gklm_url.as_ref().map(|base| GklmConfig {
            base_url: base.clone(),
            auth_id,
            language: self.language,
            timeout_ms: self.timeout_ms,
        })
    }

    pub fn cckm(&self, token: Option<String>) -> Option<CckmConfig> {
        self.cckm_url.as_ref().map(|base| CckmConfig {
            base_url: base.clone(),
            token,
            language: self.language,
            timeout_ms: self.timeout_ms,
        })
    }
}

/// An absolute http(s) URL, or a path on the page's own origin.
fn base_url(key: &str, url: String) -> Result<String, ConfigError> {
    let url = url.trim().to_string();
    let lower = url.to_ascii_lowercase();
    let absolute = lower.starts_with("https://") || lower.starts_with("http://");
    let same_origin = url.starts_with('/') && !url.starts_with("//");
    if (absolute && url.len() > "https://".len()) || same_origin {
        Ok(url)
    } else {
        Err(ConfigError(format!(
            "{key} must be an http(s) URL or a path starting with /, not {url:?}"
        )))
    }
}

fn within(
    key: &str,
    value: Option<u32>,
    default: u32,
    (lo, hi): (u32, u32),
) -> Result<u32, ConfigError> {
    match value {
        None => Ok(default),
        Some(v) if (lo..=hi).contains(&v) => Ok(v),
        Some(v) => Err(ConfigError(format!(
            "{key} must be between {lo} and {hi}, not {v}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_full_configuration() {
        let cfg = PanelConfig::from_json(
            r#"{"gklmUrl":"https://gklm.example:9443/SKLM/rest/v1","cckmUrl":"/api/v1",
                "language":"de-DE","pollSeconds":30,"timeoutMs":5000,"gklmAuthId":"abc"}"#,
        )
        .unwrap();
        assert_eq!(
            cfg.gklm_url.as_deref(),
            Some("https://gklm.example:9443/SKLM/rest/v1")
        );
        assert_eq!(cfg.cckm_url.as_deref(), Some("/api/v1"));
        assert_eq!(cfg.language, Language::De);
        assert_eq!((cfg.poll_seconds, cfg.timeout_ms), (30, 5000));
        assert_eq!(
            cfg.gklm(cfg.gklm_auth_id.clone())
                .unwrap()
                .auth_id
                .as_deref(),
            Some("abc")
        );
    }

    #[test]
    fn defaults_fill_what_is_left_out() {
        let cfg = PanelConfig::from_json(r#"{"gklmUrl":"/SKLM/rest/v1"}"#).unwrap();
        assert_eq!(cfg.language, Language::En);
        assert_eq!(cfg.poll_seconds, DEFAULT_POLL_SECONDS);
        assert_eq!(cfg.timeout_ms, DEFAULT_TIMEOUT_MS);
        assert!(cfg.cckm(None).is_none());
    }

    #[test]
    fn refuses_what_a_host_developer_must_fix() {
        for (json, says) in [
            ("{}", "give gklmUrl"),
            ("not json", "not valid JSON"),
            (
                r#"{"gklmUrl":"javascript:alert(1)"}"#,
                "gklmUrl must be an http(s) URL",
            ),
            (r#"{"gklmUrl":"//evil.example/x"}"#, "gklmUrl must be"),
            (
                r#"{"cckmUrl":"/api/v1","pollSeconds":0}"#,
                "pollSeconds must be between 2 and 3600",
            ),
            (
                r#"{"cckmUrl":"/api/v1","timeoutMs":1}"#,
                "timeoutMs must be between",
            ),
        ] {
            let err = PanelConfig::from_json(json).unwrap_err();
            assert!(err.0.contains(says), "{json}: {err}");
        }
    }

    #[test]
    fn debug_output_never_shows_a_credential() {
        let cfg = PanelConfig::from_json(
            r#"{"gklmUrl":"/SKLM/rest/v1","gklmAuthId":"secret-id","cckmToken":"secret-jwt"}"#,
        )
        .unwrap();
        let shown = format!("{cfg:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }

    #[test]
    fn blank_credentials_count_as_none() {
        let cfg =
            PanelConfig::from_json(r#"{"gklmUrl":"/SKLM/rest/v1","gklmAuthId":"  "}"#).unwrap();
        assert_eq!(cfg.gklm_auth_id, None);
    }
}

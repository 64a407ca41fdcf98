//! What a host tells the panel: where the servers are, which language to
//! speak, how often to look. Read from JSON so that the JavaScript `mount()`
//! API, the standalone page and Rust hosts share one format.

use keywatch_core::json::{Map, Value};

use crate::api::config::{redacted, CckmConfig, GklmConfig, DEFAULT_TIMEOUT_MS};
use crate::lang::Language;

pub const DEFAULT_POLL_SECONDS: u32 = 15;
const POLL_SECONDS_RANGE: (u32, u32) = (2, 3600);
const TIMEOUT_MS_RANGE: (u32, u32) = (500, 120_000);
pub const DEFAULT_BACKUP_MAX_AGE_HOURS: u32 = 24;
/// An hour to a year.
const BACKUP_MAX_AGE_HOURS_RANGE: (u32, u32) = (1, 8_760);

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
    /// The CipherTrust domain the sign-in form offers; `None` is the root domain.
    pub cckm_domain: Option<String>,
    /// The cards asked for, in order; `None` means every card whose server
    /// is configured. Use [`PanelConfig::cards`] for what is shown.
    pub cards: Option<Vec<CardKind>>,
    pub theme: Theme,
    /// A last backup older than this is a warning; older than twice this,
    /// or none ever, a failure.
    pub backup_max_age_hours: u32,
}

/// A card the panel can show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CardKind {
    LastBackup,
    BackupActivity,
    Restore,
    Notifications,
    Cluster,
    SyncJobs,
}

impl CardKind {
    pub const ALL: [CardKind; 6] = [
        CardKind::LastBackup,
        CardKind::BackupActivity,
        CardKind::Restore,
        CardKind::Notifications,
        CardKind::Cluster,
        CardKind::SyncJobs,
    ];

    /// The name in the configuration (`cards`).
    pub fn key(self) -> &'static str {
        match self {
            CardKind::LastBackup => "lastBackup",
            CardKind::BackupActivity => "backupActivity",
            CardKind::Restore => "restore",
            CardKind::Notifications => "notifications",
            CardKind::Cluster => "cluster",
            CardKind::SyncJobs => "syncJobs",
        }
    }

    fn from_key(key: &str) -> Option<Self> {
        CardKind::ALL.into_iter().find(|c| c.key() == key.trim())
    }

    /// Whether the card reads GKLM (the others read CipherTrust Manager).
    pub fn is_gklm(self) -> bool {
        self != CardKind::SyncJobs
    }
}

/// Light, dark, or whatever the operating system prefers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Auto,
    Light,
    Dark,
}

impl Theme {
    /// The `data-theme` value on the panel.
    pub fn key(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
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
            .field("cards", &self.cards)
            .field("theme", &self.theme)
            .field("backup_max_age_hours", &self.backup_max_age_hours)
            .field("cckm_domain", &self.cckm_domain)
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
            cckm_domain: None,
            cards: None,
            theme: Theme::Auto,
            backup_max_age_hours: DEFAULT_BACKUP_MAX_AGE_HOURS,
        }
    }
}

/// The configuration keys: the same in `mount()`, element properties,
/// `config.json` and (in kebab-case) element attributes.
pub const KEYS: [&str; 12] = [
    "gklmUrl",
    "cckmUrl",
    "gklmAuthId",
    "cckmToken",
    "language",
    "pollSeconds",
    "timeoutMs",
    "cards",
    "theme",
    "backupMaxAgeHours",
    "cckmDomain",
    "tokenProvider",
];

/// Refuses a key that is not one of [`KEYS`], naming it.
pub fn check_keys<'a>(keys: impl IntoIterator<Item = &'a str>) -> Result<(), ConfigError> {
    match keys.into_iter().find(|k| !KEYS.contains(k)) {
        None => Ok(()),
        Some(key) => Err(ConfigError(format!(
            "unknown key `{key}`, expected one of {}",
            KEYS.join(", ")
        ))),
    }
}

/// A whole number, given as a number (JSON, properties) or as text (an
/// element attribute). Anything else is kept to be named in the refusal.
enum Whole {
    Number(u64),
    Not(String),
}

impl Whole {
    fn read(value: &Value) -> Self {
        match value {
            // `5.0` is five; `2.5` is named as written.
            Value::Number(n) => match (n.as_u64(), n.as_f64()) {
                (Some(v), _) => Whole::Number(v),
                (None, Some(v)) if v.fract() == 0.0 && (0.0..=u64::MAX as f64).contains(&v) => {
                    Whole::Number(v as u64)
                }
                _ => Whole::Not(n.to_string()),
            },
            Value::String(v) => v
                .trim()
                .parse()
                .map_or_else(|_| Whole::Not(quoted(v)), Whole::Number),
            other => Whole::Not(kind(other).to_owned()),
        }
    }
}

/// What a value is, for a refusal that names it.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The keys of a configuration object, each read when it is there and not
/// null. An unknown key is refused, so that a misspelt one does not go
/// unnoticed.
struct Keys<'a>(&'a Map);

impl Keys<'_> {
    fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    fn text(&self, key: &str) -> Result<Option<String>, ConfigError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(other) => Err(ConfigError(format!(
                "{key} must be text, not {}",
                kind(other)
            ))),
        }
    }

    fn whole(&self, key: &str) -> Option<Whole> {
        self.get(key).map(Whole::read)
    }

    /// `cards` as a list, or as one comma-separated string (the attribute form).
    fn cards(&self) -> Result<Option<Vec<String>>, ConfigError> {
        let refuse = || {
            ConfigError(
                "cards must be a list of card names, or one text with them separated by commas"
                    .into(),
            )
        };
        match self.get("cards") {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(
                text.split(',')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(String::from)
                    .collect(),
            )),
            Some(Value::Array(names)) => names
                .iter()
                .map(|n| n.as_str().map(String::from).ok_or_else(refuse))
                .collect::<Result<_, _>>()
                .map(Some),
            Some(_) => Err(refuse()),
        }
    }
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
    /// From JSON text: `config.json`, or what a host passed to `mount()`.
    pub fn from_json(json: &str) -> Result<Self, ConfigError> {
        let value = keywatch_core::json::from_str(json)
            .map_err(|e| ConfigError(format!("not valid JSON ({e})")))?;
        Self::from_value(&value)
    }

    /// From the keys as JSON gives them, whichever form they came in.
    pub fn from_value(value: &Value) -> Result<Self, ConfigError> {
        let Some(object) = value.as_object() else {
            return Err(ConfigError(
                "pass an object (or JSON text) with the configuration keys".into(),
            ));
        };
        check_keys(object.keys().map(String::as_str))?;
        let raw = Keys(object);
        let gklm_url = raw
            .text("gklmUrl")?
            .map(|u| base_url("gklmUrl", u))
            .transpose()?;
        let cckm_url = raw
            .text("cckmUrl")?
            .map(|u| base_url("cckmUrl", u))
            .transpose()?;
        if gklm_url.is_none() && cckm_url.is_none() {
            return Err(ConfigError(
                "give gklmUrl (GKLM, up to and including /rest/v1), cckmUrl (CipherTrust, up to and including /api/v1), or both".into(),
            ));
        }
        Ok(Self {
            gklm_url,
            cckm_url,
            language: raw
                .text("language")?
                .as_deref()
                .map(Language::from_tag)
                .unwrap_or_default(),
            poll_seconds: within(
                "pollSeconds",
                raw.whole("pollSeconds"),
                DEFAULT_POLL_SECONDS,
                POLL_SECONDS_RANGE,
            )?,
            timeout_ms: within(
                "timeoutMs",
                raw.whole("timeoutMs"),
                DEFAULT_TIMEOUT_MS,
                TIMEOUT_MS_RANGE,
            )?,
            gklm_auth_id: raw.text("gklmAuthId")?.filter(|s| !s.trim().is_empty()),
            cckm_token: raw.text("cckmToken")?.filter(|s| !s.trim().is_empty()),
            cckm_domain: raw
                .text("cckmDomain")?
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty()),
            cards: raw.cards()?.map(card_list).transpose()?,
            theme: raw
                .text("theme")?
                .as_deref()
                .map(theme)
                .transpose()?
                .unwrap_or_default(),
            backup_max_age_hours: within(
                "backupMaxAgeHours",
                raw.whole("backupMaxAgeHours"),
                DEFAULT_BACKUP_MAX_AGE_HOURS,
                BACKUP_MAX_AGE_HOURS_RANGE,
            )?,
        })
    }

    /// The cards shown, in order: those asked for, or by default every card
    /// whose server is configured; a card whose server is not configured never.
    pub fn cards(&self) -> Vec<CardKind> {
        let configured = |card: &CardKind| {
            if card.is_gklm() {
                self.gklm_url.is_some()
            } else {
                self.cckm_url.is_some()
            }
        };
        match &self.cards {
            Some(cards) => cards.iter().copied().filter(configured).collect(),
            None => CardKind::ALL.into_iter().filter(configured).collect(),
        }
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
            "{key} must be an http(s) URL or a path starting with /, not {}",
            quoted(&url)
        )))
    }
}

fn card_list(names: Vec<String>) -> Result<Vec<CardKind>, ConfigError> {
    let mut cards = Vec::new();
    for name in names {
        let card = CardKind::from_key(&name).ok_or_else(|| {
            let known: Vec<&str> = CardKind::ALL.iter().map(|c| c.key()).collect();
            ConfigError(format!(
                "cards: {} is not a card; use any of {}",
                quoted(&name),
                known.join(", ")
            ))
        })?;
        if !cards.contains(&card) {
            cards.push(card);
        }
    }
    Ok(cards)
}

/// A value as a person typed it, in quotes, with a quote, a backslash and
/// control characters escaped. Not `{:?}` nor `escape_debug`: the bundle is
/// built with Debug formatting compiled out, and Unicode's printable tables
/// would cost it some 3 KB gzip (see bundle-budget.txt).
fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn theme(name: &str) -> Result<Theme, ConfigError> {
    [Theme::Auto, Theme::Light, Theme::Dark]
        .into_iter()
        .find(|t| t.key().eq_ignore_ascii_case(name.trim()))
        .ok_or_else(|| {
            ConfigError(format!(
                "theme must be light, dark or auto, not {}",
                quoted(name)
            ))
        })
}

fn within(
    key: &str,
    value: Option<Whole>,
    default: u32,
    (lo, hi): (u32, u32),
) -> Result<u32, ConfigError> {
    let refuse = |v: &dyn std::fmt::Display| {
        ConfigError(format!(
            "{key} must be a whole number between {lo} and {hi}, not {v}"
        ))
    };
    match value {
        None => Ok(default),
        Some(Whole::Number(v)) => u32::try_from(v)
            .ok()
            .filter(|v| (lo..=hi).contains(v))
            .ok_or_else(|| refuse(&v)),
        Some(Whole::Not(v)) => Err(refuse(&v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_in_a_message_is_quoted_as_debug_would() {
        // The bundle prints no Debug output, so messages quote by hand.
        for value in [
            "plain",
            "a \"b\" \\ c",
            "line\nbreak\ttab\r",
            "über",
            "esc\u{1b}",
        ] {
            assert_eq!(quoted(value), format!("{value:?}"));
        }
        let err = theme("purple\n").unwrap_err().to_string();
        assert!(err.ends_with(r#"not "purple\n""#), "{err}");
    }

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
                "pollSeconds must be a whole number between 2 and 3600, not 0",
            ),
            (
                r#"{"cckmUrl":"/api/v1","pollSeconds":"soon"}"#,
                "pollSeconds must be a whole number between 2 and 3600, not \"soon\"",
            ),
            (r#"{"cckmUrl":"/api/v1","pollSeconds":2.5}"#, "not 2.5"),
            (
                r#"{"cckmUrl":"/api/v1","gklmURL":"/x"}"#,
                "unknown key `gklmURL`",
            ),
            (
                r#"{"cckmUrl":"/api/v1","timeoutMs":1}"#,
                "timeoutMs must be a whole number between",
            ),
            (r#"{"gklmUrl":5}"#, "gklmUrl must be text, not a number"),
            (r#"["gklmUrl"]"#, "pass an object"),
            (
                r#"{"cckmUrl":"/api/v1","pollSeconds":true}"#,
                "pollSeconds must be a whole number between 2 and 3600, not true/false",
            ),
            (
                r#"{"cckmUrl":"/api/v1","cards":["syncJobs",2]}"#,
                "cards must be a list of card names",
            ),
            (
                r#"{"cckmUrl":"/api/v1","theme":{}}"#,
                "theme must be text, not an object",
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
    fn by_default_every_card_of_each_configured_server() {
        let gklm = PanelConfig::from_json(r#"{"gklmUrl":"/SKLM/rest/v1"}"#).unwrap();
        assert_eq!(
            gklm.cards(),
            [
                CardKind::LastBackup,
                CardKind::BackupActivity,
                CardKind::Restore,
                CardKind::Notifications,
                CardKind::Cluster
            ]
        );
        let cckm = PanelConfig::from_json(r#"{"cckmUrl":"/api/v1"}"#).unwrap();
        assert_eq!(cckm.cards(), [CardKind::SyncJobs]);
        let both =
            PanelConfig::from_json(r#"{"gklmUrl":"/SKLM/rest/v1","cckmUrl":"/api/v1"}"#).unwrap();
        assert_eq!(both.cards(), CardKind::ALL);
    }

    #[test]
    fn cards_asked_for_keep_their_order_but_need_their_server() {
        let cfg = PanelConfig::from_json(
            r#"{"gklmUrl":"/SKLM/rest/v1","cards":["restore","syncJobs","lastBackup","restore"]}"#,
        )
        .unwrap();
        assert_eq!(cfg.cards(), [CardKind::Restore, CardKind::LastBackup]);
        let text = PanelConfig::from_json(
            r#"{"gklmUrl":"/SKLM/rest/v1","cards":" notifications, backupActivity "}"#,
        )
        .unwrap();
        assert_eq!(
            text.cards(),
            [CardKind::Notifications, CardKind::BackupActivity]
        );
        let err = PanelConfig::from_json(r#"{"gklmUrl":"/x","cards":["lastbackup"]}"#).unwrap_err();
        assert!(err.0.contains("\"lastbackup\" is not a card"), "{err}");
        assert!(err.0.contains("lastBackup, backupActivity"), "{err}");
    }

    #[test]
    fn theme_is_light_dark_or_auto() {
        let cfg = |t: &str| PanelConfig::from_json(&format!(r#"{{"gklmUrl":"/x","theme":"{t}"}}"#));
        assert_eq!(cfg("dark").unwrap().theme, Theme::Dark);
        assert_eq!(cfg("Light").unwrap().theme, Theme::Light);
        assert_eq!(cfg("auto").unwrap().theme, Theme::Auto);
        assert_eq!(
            PanelConfig::from_json(r#"{"gklmUrl":"/x"}"#).unwrap().theme,
            Theme::Auto
        );
        assert!(cfg("blue")
            .unwrap_err()
            .0
            .contains("theme must be light, dark or auto"));
    }

    #[test]
    fn the_key_list_is_the_one_the_reader_reads() {
        assert!(check_keys(KEYS).is_ok());
        let err = check_keys(["gklmUrl", "pollseconds"]).unwrap_err();
        assert!(err.0.contains("unknown key `pollseconds`"), "{err}");
        // Every listed key is read (not refused as unknown) by the JSON form.
        for key in KEYS {
            let server = if key == "gklmUrl" {
                "cckmUrl"
            } else {
                "gklmUrl"
            };
            let json = format!(r#"{{"{server}":"/x","{key}":null}}"#);
            assert!(PanelConfig::from_json(&json).is_ok(), "{key}");
        }
    }

    #[test]
    fn numbers_may_come_as_text_as_attributes_give_them() {
        let cfg = PanelConfig::from_json(
            r#"{"gklmUrl":"/x","pollSeconds":"30","timeoutMs":" 8000 ","tokenProvider":null}"#,
        )
        .unwrap();
        assert_eq!((cfg.poll_seconds, cfg.timeout_ms), (30, 8000));
    }

    #[test]
    fn blank_credentials_count_as_none() {
        let cfg =
            PanelConfig::from_json(r#"{"gklmUrl":"/SKLM/rest/v1","gklmAuthId":"  "}"#).unwrap();
        assert_eq!(cfg.gklm_auth_id, None);
    }

    #[test]
    fn the_element_observes_every_configuration_key() {
        let element = include_str!("embed/element.js");
        let list = element
            .split_once("const KEYS = [")
            .and_then(|(_, rest)| rest.split_once("];"))
            .map(|(list, _)| list)
            .unwrap_or_default();
        let observed: Vec<&str> = list
            .split(',')
            .map(|k| k.trim().trim_matches('"'))
            .filter(|k| !k.is_empty())
            .collect();
        let expected: Vec<&str> = KEYS.into_iter().filter(|k| *k != "tokenProvider").collect();
        assert_eq!(observed, expected);
        let tag = format!("const TAG = \"{}\";", crate::embed::TAG);
        assert!(element.contains(&tag), "element.js defines {tag}");
    }

    #[test]
    fn the_package_types_name_every_configuration_key() {
        let types = include_str!("embed/package/index.d.ts");
        let body = types
            .split_once("export interface KeywatchConfig {")
            .and_then(|(_, rest)| rest.split_once("\n}"))
            .map(|(body, _)| body)
            .unwrap_or_default();
        let typed: Vec<&str> = body
            .lines()
            .map(str::trim)
            .filter(|l| !l.starts_with("/**") && !l.starts_with('*') && !l.is_empty())
            .filter_map(|l| l.split_once("?:").map(|(key, _)| key))
            .collect();
        assert_eq!(typed, KEYS);
    }

    #[test]
    fn the_custom_elements_manifest_names_every_configuration_key() {
        let manifest: serde_json::Value =
            serde_json::from_str(include_str!("embed/package/custom-elements.json")).unwrap();
        let element = &manifest["modules"][0]["declarations"][0];
        assert_eq!(element["tagName"], crate::embed::TAG);
        let fields: Vec<&str> = element["members"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["kind"] == "field" && m["name"] != "viewInAddress")
            .filter_map(|m| m["name"].as_str())
            .collect();
        assert_eq!(fields, KEYS);
        // Each key but the provider has its kebab-case attribute.
        let attributes: Vec<&str> = element["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|a| a["name"].as_str())
            .filter(|a| *a != "view-in-address")
            .collect();
        let kebab: Vec<String> = KEYS
            .iter()
            .filter(|k| **k != "tokenProvider")
            .map(|k| {
                k.chars()
                    .flat_map(|c| {
                        let lower = c.to_ascii_lowercase();
                        (c.is_ascii_uppercase().then_some('-').into_iter()).chain([lower])
                    })
                    .collect()
            })
            .collect();
        assert_eq!(attributes, kebab);
    }

    #[test]
    fn the_cipher_trust_domain_is_read_trimmed_and_blank_is_root() {
        let read = |json: &str| PanelConfig::from_json(json).map(|c| c.cckm_domain);
        assert_eq!(
            read(r#"{"cckmUrl":"/api/v1","cckmDomain":" sales "}"#),
            Ok(Some("sales".to_owned()))
        );
        assert_eq!(read(r#"{"cckmUrl":"/api/v1","cckmDomain":""}"#), Ok(None));
        assert_eq!(read(r#"{"cckmUrl":"/api/v1"}"#), Ok(None));
    }

    #[test]
    fn the_backup_age_limit_is_read_in_every_form_and_checked() {
        let read = |json: &str| PanelConfig::from_json(json);
        assert_eq!(
            read(r#"{"gklmUrl":"/x"}"#).unwrap().backup_max_age_hours,
            24
        );
        assert_eq!(
            read(r#"{"gklmUrl":"/x","backupMaxAgeHours":48}"#)
                .unwrap()
                .backup_max_age_hours,
            48
        );
        assert_eq!(
            read(r#"{"gklmUrl":"/x","backupMaxAgeHours":"12"}"#)
                .unwrap()
                .backup_max_age_hours,
            12,
            "an attribute's text"
        );
        for bad in ["0", "8761", "\"a day\"", "1.5"] {
            let err =
                read(&format!(r#"{{"gklmUrl":"/x","backupMaxAgeHours":{bad}}}"#)).unwrap_err();
            assert!(
                err.0
                    .contains("backupMaxAgeHours must be a whole number between 1 and 8760"),
                "{err}"
            );
        }
    }
}

//! What a GKLM server says about itself:
//!
//! - `GET /ckms/versionInfo`: version and build level; the field names are
//!   *unconfirmed*, so every text field is kept (nested objects as
//!   `outer.inner`), and [`VersionInfo::version`] and [`VersionInfo::build`]
//!   pick the first field whose name says so;
//! - `GET /systemDetails`: `IPAddr`, `keyStoreInitialized`,
//!   `TCPTransportsInitialized`, `TLSTransportsInitialized`, `TCPport`,
//!   `TLSConfigured`, `TLSport`, `KMIPConfigured`, `KMIPTLSport`,
//!   `KMIPStatus`; flags as JSON or as text, ports as text;
//! - `GET /health`: `overall` (true/false), and per component (IPP,
//!   IPP_SSL, KMIP, REST, GUI, DATABASE, AGENT, LICENSE,
//!   MASTERKEY_REPOSITORY) entries whose shape is *unconfirmed*: a field
//!   per component, an object per component, or a list of objects naming
//!   their component are all read.

use crate::json::{Map, Value};

use super::decode::{lenient_flag, other_text_fields, scalar_text, DecodeError, Fields};

/// `GET /ckms/versionInfo`: every text field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionInfo {
    pub fields: Vec<(String, String)>,
}

const MAX_DEPTH: usize = 3;

fn flatten(prefix: &str, map: &Map, depth: usize, out: &mut Vec<(String, String)>) {
    for (name, value) in map {
        let full = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        match value {
            Value::Object(inner) if depth < MAX_DEPTH => flatten(&full, inner, depth + 1, out),
            other => {
                if let Some(text) = scalar_text(other) {
                    out.push((full, text));
                }
            }
        }
    }
}

impl VersionInfo {
    pub fn from_json(value: &Value) -> Result<Self, DecodeError> {
        let fields = Fields::of(value, "")?;
        let mut out = Vec::new();
        flatten("", fields.map(), 0, &mut out);
        Ok(VersionInfo { fields: out })
    }

    /// A top-level field before a nested one.
    fn find(&self, word: &str) -> Option<&str> {
        let matching = |(name, text): &&(String, String)| {
            name.to_ascii_lowercase().contains(word) && !text.is_empty()
        };
        let top = self.fields.iter().filter(|(name, _)| !name.contains('.'));
        let nested = self.fields.iter().filter(|(name, _)| name.contains('.'));
        top.chain(nested)
            .find(matching)
            .map(|(_, text)| text.as_str())
    }

    /// A non-empty field whose name holds `version` (any case), top-level
    /// first.
    pub fn version(&self) -> Option<&str> {
        self.find("version")
    }

    /// A non-empty field whose name holds `build` (any case), top-level first.
    pub fn build(&self) -> Option<&str> {
        self.find("build")
    }
}

const SYSTEM_FIELDS: [&str; 10] = [
    "IPAddr",
    "keyStoreInitialized",
    "TCPTransportsInitialized",
    "TLSTransportsInitialized",
    "TCPport",
    "TLSConfigured",
    "TLSport",
    "KMIPConfigured",
    "KMIPTLSport",
    "KMIPStatus",
];

/// `GET /systemDetails`: which listeners are up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SystemDetails {
    pub ip_addr: Option<String>,
    pub key_store_initialized: Option<bool>,
    pub tcp_transports_initialized: Option<bool>,
    pub tls_transports_initialized: Option<bool>,
    pub tcp_port: Option<String>,
    pub tls_configured: Option<bool>,
    pub tls_port: Option<String>,
    pub kmip_configured: Option<bool>,
    pub kmip_tls_port: Option<String>,
    /// `KMIPStatus` as sent (its values are not documented).
    pub kmip_status: Option<String>,
    pub other: Vec<(String, String)>,
}

impl SystemDetails {
    pub fn from_json(value: &Value) -> Result<Self, DecodeError> {
        let fields = Fields::of(value, "")?;
        let text = |name: &str| {
            fields
                .get(name)
                .and_then(scalar_text)
                .filter(|t| !t.is_empty())
        };
        let flag = |name: &str| fields.get(name).and_then(lenient_flag);
        Ok(SystemDetails {
            ip_addr: text("IPAddr"),
            key_store_initialized: flag("keyStoreInitialized"),
            tcp_transports_initialized: flag("TCPTransportsInitialized"),
            tls_transports_initialized: flag("TLSTransportsInitialized"),
            tcp_port: text("TCPport"),
            tls_configured: flag("TLSConfigured"),
            tls_port: text("TLSport"),
            kmip_configured: flag("KMIPConfigured"),
            kmip_tls_port: text("KMIPTLSport"),
            kmip_status: text("KMIPStatus"),
            other: other_text_fields(fields.map(), &SYSTEM_FIELDS),
        })
    }

    /// Whether the KMIP listener is up, from `KMIPStatus` (its words are
    /// *unconfirmed*: `enabled`, `started`, `running`, `up` or a true flag
    /// read as up, their opposites as down, anything else as not known),
    /// unless KMIP is not configured at all.
    pub fn kmip_up(&self) -> Option<bool> {
        if self.kmip_configured == Some(false) {
            return None;
        }
        let word = self.kmip_status.as_deref()?.trim().to_ascii_lowercase();
        match word.as_str() {
            "enabled" | "started" | "running" | "up" | "true" | "active" => Some(true),
            "disabled" | "stopped" | "down" | "false" | "inactive" | "failed" => Some(false),
            _ => None,
        }
    }

    /// The flags that say something is not up, by their wire name: a
    /// listener that is not initialised, or configured and not initialised.
    pub fn not_ready(&self) -> Vec<&'static str> {
        [
            ("keyStoreInitialized", self.key_store_initialized),
            ("TCPTransportsInitialized", self.tcp_transports_initialized),
            (
                "TLSTransportsInitialized",
                self.tls_transports_initialized
                    .filter(|_| self.tls_configured != Some(false)),
            ),
        ]
        .into_iter()
        .filter(|(_, flag)| *flag == Some(false))
        .map(|(name, _)| name)
        .collect()
    }
}

/// One component's health.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentHealth {
    /// `KMIP`, `DATABASE`, … as the server names it.
    pub component: String,
    /// `Some(true)` healthy, `Some(false)` not, `None` not readable.
    pub healthy: Option<bool>,
    /// What the server said, as text.
    pub raw: String,
}

/// `GET /health`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Health {
    /// `overall`; `None` when absent or not a flag.
    pub overall: Option<bool>,
    pub overall_raw: Option<String>,
    pub components: Vec<ComponentHealth>,
}

/// A health word or flag: `true`, `up`, `ok`, `healthy`, `running`,
/// `available`, `success` or their opposites.
fn health_reading(value: &Value) -> Option<bool> {
    if let Some(flag) = lenient_flag(value) {
        return Some(flag);
    }
    let word = scalar_text(value)?.to_ascii_lowercase();
    match word.as_str() {
        "up" | "ok" | "healthy" | "running" | "available" | "success" | "green" => Some(true),
        "down" | "unhealthy" | "failed" | "failure" | "error" | "unavailable" | "stopped"
        | "red" => Some(false),
        _ => None,
    }
}

/// Top-level fields GKLM puts beside any answer.
const NOT_COMPONENTS: [&str; 4] = ["code", "status", "message", "messageId"];

const COMPONENT_NAME: [&str; 4] = ["componentType", "component", "type", "name"];
const COMPONENT_STATE: [&str; 5] = ["overall", "healthy", "health", "status", "state"];

fn component_from_object(name: Option<&str>, map: &Map) -> Option<ComponentHealth> {
    let component = name.map(str::to_owned).or_else(|| {
        COMPONENT_NAME
            .iter()
            .find_map(|key| map.get(key).and_then(scalar_text))
    })?;
    let state = COMPONENT_STATE.iter().find_map(|key| map.get(key));
    Some(ComponentHealth {
        component,
        healthy: state.and_then(health_reading),
        raw: state.and_then(scalar_text).unwrap_or_default(),
    })
}

impl Health {
    pub fn from_json(value: &Value) -> Result<Self, DecodeError> {
        let fields = Fields::of(value, "")?;
        let overall = fields.get("overall");
        let mut components = Vec::new();
        for (name, value) in fields.map() {
            if name == "overall" {
                continue;
            }
            match value {
                Value::Object(map) => components.extend(component_from_object(Some(name), map)),
                Value::Array(items) => components.extend(
                    items
                        .iter()
                        .filter_map(Value::as_object)
                        .filter_map(|map| component_from_object(None, map)),
                ),
                other => {
                    // Only flags and health words are components: `code`,
                    // `messageId` and numbers are not.
                    let reading = match other {
                        Value::Bool(_) | Value::String(_)
                            if !NOT_COMPONENTS.contains(&name.as_str()) =>
                        {
                            health_reading(other).filter(|_| {
                                !matches!(other.as_str().map(str::trim), Some("0" | "1"))
                            })
                        }
                        _ => None,
                    };
                    if reading.is_some() {
                        components.push(ComponentHealth {
                            component: name.clone(),
                            healthy: reading,
                            raw: scalar_text(other).unwrap_or_default(),
                        });
                    }
                }
            }
        }
        Ok(Health {
            overall: overall.and_then(lenient_flag),
            overall_raw: overall.and_then(scalar_text),
            components,
        })
    }

    /// The components that say they are not healthy.
    pub fn unhealthy(&self) -> Vec<&ComponentHealth> {
        self.components
            .iter()
            .filter(|c| c.healthy == Some(false))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::json::json;

    use super::*;

    #[test]
    fn version_info_keeps_every_text_field() {
        let info = VersionInfo::from_json(&json!({
            "productVersion": "4.2.1.0", "buildLevel": "20231012-1", "fixPack": 3,
            "details": {"releaseVersion": "x", "list": [1]}
        }))
        .unwrap();
        assert_eq!(info.fields.len(), 4);
        assert_eq!(info.version(), Some("4.2.1.0"));
        assert_eq!(info.build(), Some("20231012-1"));
        assert!(info
            .fields
            .contains(&("details.releaseVersion".to_owned(), "x".to_owned())));
        let bare = VersionInfo::from_json(&json!({"VERSION": ""})).unwrap();
        assert_eq!(bare.version(), None);
        assert!(VersionInfo::from_json(&json!("4.2")).is_err());
    }

    #[test]
    fn system_details_read_flags_as_json_or_text() {
        let details = SystemDetails::from_json(&json!({
            "IPAddr": "192.0.2.10", "keyStoreInitialized": "true",
            "TCPTransportsInitialized": true, "TLSTransportsInitialized": "false",
            "TCPport": "3801", "TLSConfigured": "true", "TLSport": 441,
            "KMIPConfigured": false, "KMIPTLSport": "5696", "KMIPStatus": "disabled",
            "serverName": "gklm1"
        }))
        .unwrap();
        assert_eq!(details.ip_addr.as_deref(), Some("192.0.2.10"));
        assert_eq!(details.key_store_initialized, Some(true));
        assert_eq!(details.tls_transports_initialized, Some(false));
        assert_eq!(details.tls_port.as_deref(), Some("441"));
        assert_eq!(details.kmip_configured, Some(false));
        assert_eq!(details.kmip_status.as_deref(), Some("disabled"));
        assert_eq!(details.not_ready(), vec!["TLSTransportsInitialized"]);
        assert_eq!(
            details.other,
            vec![("serverName".to_owned(), "gklm1".to_owned())]
        );
        let empty =
            SystemDetails::from_json(&json!({"keyStoreInitialized": "vielleicht"})).unwrap();
        assert_eq!(empty.key_store_initialized, None);
        assert!(empty.not_ready().is_empty());
    }

    #[test]
    fn health_reads_overall_and_components_in_any_shape() {
        let health = Health::from_json(&json!({
            "overall": "false",
            "KMIP": "UP",
            "DATABASE": {"status": "DOWN", "message": "no connection"},
            "components": [{"componentType": "AGENT", "healthy": true}, {"x": 1}],
            "messageId": "CTGKM0000I",
            "code": "0",
            "count": 1
        }))
        .unwrap();
        assert_eq!(health.overall, Some(false));
        let mut names: Vec<&str> = health
            .components
            .iter()
            .map(|c| c.component.as_str())
            .collect();
        names.sort_unstable();
        assert_eq!(names, ["AGENT", "DATABASE", "KMIP"]);
        let database = health.components.iter().find(|c| c.component == "DATABASE");
        assert_eq!(
            database.map(|c| (c.healthy, c.raw.as_str())),
            Some((Some(false), "DOWN"))
        );
        let unhealthy = health.unhealthy();
        assert_eq!(unhealthy.len(), 1);
        assert_eq!(unhealthy[0].component, "DATABASE");
        let plain = Health::from_json(&json!({"overall": true})).unwrap();
        assert_eq!(plain.overall, Some(true));
        assert!(plain.components.is_empty());
        assert!(Health::from_json(&json!([true])).is_err());
    }
}

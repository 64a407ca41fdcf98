//! `GET /ckms/nodes/allNodeStatus`: whether each master of a multi-master
//! cluster can be reached.
//!
//! IBM's pages (GKLM 4.2 and 4.2.1, "Get All Masters Status REST Service")
//! give a JSON array of objects with `nodeType` (`PRIMARY`, `STANDBY`,
//! `LOCAL`), `nodeIP` and a status per port (`ippPortStatus`,
//! `kmipPortStatus`, `agentPortStatus`, `sslPortStatus`, `adminPortStatus`,
//! and more the page cuts off), "the status code that indicates whether the
//! port is reachable". The codes' values are *unconfirmed*: a flag
//! (`true`), a word (`reachable`, `up`, `success`, `ok` and their
//! opposites) is read as it says; a number is read as GKLM's other status
//! codes are, `0` for success (reachable) and any other for failure; and
//! anything else is unknown. Every field ending in `PortStatus` counts, so
//! ports the page does not list are read too.

use crate::json::Value;

use super::code::code_text;
use super::decode::{index_path, DecodeError, Expected, Fields};

/// What one port status says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortReading {
    Reachable,
    Unreachable,
    Unknown,
}

impl PortReading {
    pub fn from_wire(value: &Value) -> PortReading {
        if let Value::Bool(flag) = value {
            return if *flag {
                PortReading::Reachable
            } else {
                PortReading::Unreachable
            };
        }
        let Some(text) = code_text(value) else {
            return PortReading::Unknown;
        };
        let word = text.trim().to_ascii_lowercase();
        match word.as_str() {
            "true" | "reachable" | "up" | "ok" | "success" | "running" | "active" => {
                PortReading::Reachable
            }
            "false" | "unreachable" | "down" | "failed" | "failure" | "error" | "stopped"
            | "inactive" => PortReading::Unreachable,
            _ => match word.parse::<i64>() {
                Ok(0) => PortReading::Reachable,
                Ok(_) => PortReading::Unreachable,
                Err(_) => PortReading::Unknown,
            },
        }
    }
}

/// One master as `allNodeStatus` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MasterStatus {
    /// `PRIMARY`, `STANDBY`, `LOCAL`, or whatever else the server says.
    pub node_type: String,
    pub node_ip: String,
    /// Each `…PortStatus` field: its name and reading, in the order sent.
    pub ports: Vec<(String, PortReading)>,
}

/// A master's state from its ports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MasterState {
    /// Every port reported answers.
    Reachable,
    /// At least one port does not.
    Unreachable,
    /// No port status could be read.
    Unknown,
}

impl MasterStatus {
    pub fn from_json(value: &Value, path: &str) -> Result<Self, DecodeError> {
        let fields = Fields::of(value, path)?;
        let ports = match value {
            Value::Object(map) => map
                .iter()
                .filter(|(name, _)| name.ends_with("PortStatus"))
                .map(|(name, value)| (name.clone(), PortReading::from_wire(value)))
                .collect(),
            _ => Vec::new(),
        };
        Ok(MasterStatus {
            node_type: fields.opt_text("nodeType")?.unwrap_or_default(),
            node_ip: fields.opt_text("nodeIP")?.unwrap_or_default(),
            ports,
        })
    }

    /// The answer's array; an object holding one array under any name is
    /// read as that array (the page says array; servers wrap lists at times).
    pub fn list_from_json(value: &Value) -> Result<Vec<Self>, DecodeError> {
        let list = match value {
            Value::Array(list) => list,
            Value::Object(map) => {
                let mut arrays = map.values().filter_map(Value::as_array);
                match (arrays.next(), arrays.next()) {
                    (Some(list), None) => list,
                    _ => return Err(DecodeError::not_a("", Expected::List)),
                }
            }
            _ => return Err(DecodeError::not_a("", Expected::List)),
        };
        list.iter()
            .enumerate()
            .map(|(i, item)| MasterStatus::from_json(item, &index_path("", i)))
            .collect()
    }

    pub fn state(&self) -> MasterState {
        if self
            .ports
            .iter()
            .any(|(_, reading)| *reading == PortReading::Unreachable)
        {
            MasterState::Unreachable
        } else if !self.ports.is_empty()
            && self
                .ports
                .iter()
                .all(|(_, reading)| *reading == PortReading::Reachable)
        {
            MasterState::Reachable
        } else {
            MasterState::Unknown
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::json::json;

    use super::*;

    #[test]
    fn reads_the_documented_fields_and_every_port() {
        let masters = MasterStatus::list_from_json(&json!([
            {"nodeType": "PRIMARY", "nodeIP": "10.0.0.1", "ippPortStatus": "0",
             "kmipPortStatus": 0, "agentPortStatus": "0", "sslPortStatus": "0",
             "adminPortStatus": "0", "dbPortStatus": "0"},
            {"nodeType": "STANDBY", "nodeIP": "10.0.0.2", "ippPortStatus": "1",
             "kmipPortStatus": "0"},
            {"nodeType": "LOCAL", "nodeIP": "10.0.0.3", "ippPortStatus": "maybe"}
        ]))
        .unwrap();
        assert_eq!(masters.len(), 3);
        assert_eq!(masters[0].node_type, "PRIMARY");
        assert_eq!(
            masters[0].ports.len(),
            6,
            "ports the page does not list count too"
        );
        assert_eq!(masters[0].state(), MasterState::Reachable);
        assert_eq!(masters[1].state(), MasterState::Unreachable);
        assert_eq!(masters[2].state(), MasterState::Unknown);
    }

    #[test]
    fn flags_and_words_read_as_they_say() {
        for (sent, wanted) in [
            (json!(true), PortReading::Reachable),
            (json!("Reachable"), PortReading::Reachable),
            (json!("UP"), PortReading::Reachable),
            (json!(false), PortReading::Unreachable),
            (json!("unreachable"), PortReading::Unreachable),
            (json!("-1"), PortReading::Unreachable),
            (json!(null), PortReading::Unknown),
            (json!({"x": 1}), PortReading::Unknown),
        ] {
            assert_eq!(PortReading::from_wire(&sent), wanted, "{sent}");
        }
    }

    #[test]
    fn a_master_without_port_statuses_is_unknown_not_up() {
        let masters =
            MasterStatus::list_from_json(&json!({"nodes": [{"nodeType": "LOCAL"}]})).unwrap();
        assert_eq!(masters[0].state(), MasterState::Unknown);
    }

    #[test]
    fn anything_but_a_list_is_an_error() {
        for bad in [
            json!("x"),
            json!({"a": [], "b": []}),
            json!({"a": 1}),
            json!([1]),
        ] {
            assert!(MasterStatus::list_from_json(&bad).is_err(), "{bad}");
        }
    }
}

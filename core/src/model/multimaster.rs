//! GKLM's multi-master cluster, beside `allNodeStatus` ([`super::cluster`]):
//!
//! - `GET /ckms/config/nodes/isNodeIsolatedFromCluster` (4.2.1):
//!   `nodeIsolatedFromCluster` (a flag, sent as JSON or as text: either is
//!   read) and `multimasterRole` (text);
//! - `GET /ckms/nodes` (4.2.1): the masters, each with `instanceId`,
//!   `name`, `clusterName`, `ipHostname`, `tcpPort`, `httpPort`,
//!   `adminPort` and more the page cuts off (kept as text);
//! - `GET /ckms/multimaster/agentstatus` (4.2.1): keys with spaces,
//!   `"Agent Version"`, `"Agent Status"`, `"Agent Last Available Time"`;
//!   the status words and the time's form are *unconfirmed*;
//! - `GET /ckms/config/nodes/getClusterName` (5.x): `clusterName`.
//!
//! `GET /ckms/config/nodes/joinBackTheCluster` changes the cluster although
//! it is a GET: keywatch never calls it, and it has no reader here.

use crate::json::Value;

use super::backup_info::read_date;
use super::decode::{
    index_path, lenient_flag, one_list, other_text_fields, scalar_text, DecodeError, Fields,
};
use super::timestamp::Timestamp;

/// The first of `names` whose value reads as non-empty text.
fn first_text(fields: &Fields, names: &[&str]) -> Option<String> {
    names.iter().find_map(|name| {
        fields
            .get(name)
            .and_then(scalar_text)
            .filter(|text| !text.is_empty())
    })
}

/// What `isNodeIsolatedFromCluster` says about this server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeIsolation {
    /// `nodeIsolatedFromCluster` read as a flag; `None` when absent or not
    /// a flag.
    pub isolated: Option<bool>,
    /// `nodeIsolatedFromCluster` as sent.
    pub isolated_raw: Option<String>,
    /// `multimasterRole`, e.g. `PRIMARY` or `STANDBY`; open text.
    pub role: Option<String>,
    pub other: Vec<(String, String)>,
}

impl NodeIsolation {
    pub fn from_json(value: &Value) -> Result<Self, DecodeError> {
        let fields = Fields::of(value, "")?;
        let flag = fields.get("nodeIsolatedFromCluster");
        Ok(NodeIsolation {
            isolated: flag.and_then(lenient_flag),
            isolated_raw: flag.and_then(scalar_text),
            role: first_text(&fields, &["multimasterRole"]),
            other: other_text_fields(
                fields.map(),
                &["nodeIsolatedFromCluster", "multimasterRole"],
            ),
        })
    }
}

const MASTER_FIELDS: [&str; 7] = [
    "instanceId",
    "name",
    "clusterName",
    "ipHostname",
    "tcpPort",
    "httpPort",
    "adminPort",
];

/// One master as `GET /ckms/nodes` lists it; every value as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterMaster {
    pub instance_id: Option<String>,
    pub name: Option<String>,
    pub cluster_name: Option<String>,
    pub ip_hostname: Option<String>,
    pub tcp_port: Option<String>,
    pub http_port: Option<String>,
    pub admin_port: Option<String>,
    /// The fields IBM's page cuts off, in no promised order.
    pub other: Vec<(String, String)>,
}

impl ClusterMaster {
    pub fn from_json(value: &Value, path: &str) -> Result<Self, DecodeError> {
        let fields = Fields::of(value, path)?;
        let text = |name: &str| first_text(&fields, &[name]);
        Ok(ClusterMaster {
            instance_id: text("instanceId"),
            name: text("name"),
            cluster_name: text("clusterName"),
            ip_hostname: text("ipHostname"),
            tcp_port: text("tcpPort"),
            http_port: text("httpPort"),
            admin_port: text("adminPort"),
            other: other_text_fields(fields.map(), &MASTER_FIELDS),
        })
    }

    /// A bare array, or an object holding one array under any name. A
    /// standalone server may answer an empty list.
    pub fn list_from_json(value: &Value) -> Result<Vec<Self>, DecodeError> {
        one_list(value)?
            .iter()
            .enumerate()
            .map(|(i, item)| ClusterMaster::from_json(item, &index_path("", i)))
            .collect()
    }
}

/// What the status of the multi-master agent says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgentReading {
    Running,
    Stopped,
    /// Words this reader does not know; show the raw status.
    Unknown,
}

/// `GET /ckms/multimaster/agentstatus`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentStatus {
    /// `"Agent Version"`.
    pub version: Option<String>,
    /// `"Agent Status"` as sent.
    pub status: Option<String>,
    /// `"Agent Last Available Time"` as sent, and as a time when its form
    /// is known.
    pub last_available_raw: Option<String>,
    pub last_available: Option<Timestamp>,
    pub other: Vec<(String, String)>,
}

const AGENT_VERSION: [&str; 3] = ["Agent Version", "agentVersion", "AgentVersion"];
const AGENT_STATUS: [&str; 3] = ["Agent Status", "agentStatus", "AgentStatus"];
const AGENT_TIME: [&str; 3] = [
    "Agent Last Available Time",
    "agentLastAvailableTime",
    "AgentLastAvailableTime",
];

impl AgentStatus {
    pub fn from_json(value: &Value) -> Result<Self, DecodeError> {
        let fields = Fields::of(value, "")?;
        let last_available_raw = first_text(&fields, &AGENT_TIME);
        let known: Vec<&str> = [AGENT_VERSION, AGENT_STATUS, AGENT_TIME].concat();
        Ok(AgentStatus {
            version: first_text(&fields, &AGENT_VERSION),
            status: first_text(&fields, &AGENT_STATUS),
            last_available: last_available_raw.as_deref().and_then(read_date),
            last_available_raw,
            other: other_text_fields(fields.map(), &known),
        })
    }

    /// The status read as words: `running`, `up`, `active`, `started`,
    /// `online`, `ok` (or a true flag) for running; `stopped`, `down`,
    /// `inactive`, `not running`, `offline`, `failed`, `unavailable` (or a
    /// false flag) for stopped.
    pub fn reading(&self) -> AgentReading {
        let Some(status) = self.status.as_deref() else {
            return AgentReading::Unknown;
        };
        let word = status.trim().to_ascii_lowercase();
        match word.as_str() {
            "running" | "up" | "active" | "started" | "online" | "ok" | "true" => {
                AgentReading::Running
            }
            "stopped" | "down" | "inactive" | "not running" | "offline" | "failed"
            | "unavailable" | "false" | "not available" => AgentReading::Stopped,
            _ => AgentReading::Unknown,
        }
    }
}

/// `GET /ckms/config/nodes/getClusterName` (5.x): `clusterName`; `None`
/// when the server sends none or an empty one.
pub fn cluster_name_from_json(value: &Value) -> Result<Option<String>, DecodeError> {
    let fields = Fields::of(value, "")?;
    Ok(first_text(&fields, &["clusterName"]))
}

#[cfg(test)]
mod tests {
    use crate::json::json;

    use super::*;

    #[test]
    fn isolation_reads_the_flag_as_json_or_text() {
        for (sent, wanted) in [
            (json!(true), Some(true)),
            (json!("true"), Some(true)),
            (json!("FALSE"), Some(false)),
            (json!(false), Some(false)),
            (json!("maybe"), None),
            (json!(null), None),
        ] {
            let read = NodeIsolation::from_json(&json!({
                "nodeIsolatedFromCluster": sent, "multimasterRole": "STANDBY", "messageId": "X"
            }))
            .unwrap();
            assert_eq!(read.isolated, wanted, "{sent}");
            assert_eq!(read.role.as_deref(), Some("STANDBY"));
            assert_eq!(read.other, vec![("messageId".to_owned(), "X".to_owned())]);
        }
        let bare = NodeIsolation::from_json(&json!({})).unwrap();
        assert_eq!((bare.isolated, bare.role), (None, None));
        assert!(NodeIsolation::from_json(&json!([])).is_err());
    }

    #[test]
    fn masters_read_with_ports_as_text_or_numbers() {
        let masters = ClusterMaster::list_from_json(&json!([
            {"instanceId": "1", "name": "gklm1", "clusterName": "prod",
             "ipHostname": "gklm1.example", "tcpPort": 3801, "httpPort": "9443",
             "adminPort": "9080", "isPrimary": "true", "port list": [1, 2]},
            {"name": "gklm2"}
        ]))
        .unwrap();
        assert_eq!(masters.len(), 2);
        assert_eq!(masters[0].tcp_port.as_deref(), Some("3801"));
        assert_eq!(masters[0].http_port.as_deref(), Some("9443"));
        assert_eq!(masters[0].cluster_name.as_deref(), Some("prod"));
        assert_eq!(
            masters[0].other,
            vec![("isPrimary".to_owned(), "true".to_owned())]
        );
        assert_eq!(masters[1].instance_id, None);
        assert_eq!(ClusterMaster::list_from_json(&json!([])).unwrap(), vec![]);
        assert_eq!(
            ClusterMaster::list_from_json(&json!({"nodes": [{}]}))
                .unwrap()
                .len(),
            1
        );
        assert!(ClusterMaster::list_from_json(&json!({"code": "0"})).is_err());
    }

    #[test]
    fn agent_status_reads_keys_with_spaces() {
        let agent = AgentStatus::from_json(&json!({
            "Agent Version": "4.2.1.0",
            "Agent Status": "Stopped",
            "Agent Last Available Time": "Wed Dec 02 02:00:00 UTC 2026",
            "Agent Host": "gklm1"
        }))
        .unwrap();
        assert_eq!(agent.version.as_deref(), Some("4.2.1.0"));
        assert_eq!(agent.reading(), AgentReading::Stopped);
        assert_eq!(
            agent.last_available,
            Timestamp::parse("2026-12-02T02:00:00Z")
        );
        assert_eq!(
            agent.other,
            vec![("Agent Host".to_owned(), "gklm1".to_owned())]
        );
        for (status, wanted) in [
            (json!("Running"), AgentReading::Running),
            (json!(" UP "), AgentReading::Running),
            (json!(true), AgentReading::Running),
            (json!("not running"), AgentReading::Stopped),
            (json!("gelb"), AgentReading::Unknown),
            (json!(null), AgentReading::Unknown),
        ] {
            let agent = AgentStatus::from_json(&json!({"Agent Status": status})).unwrap();
            assert_eq!(agent.reading(), wanted, "{status}");
        }
        let odd = AgentStatus::from_json(&json!({"Agent Last Available Time": "gestern"})).unwrap();
        assert_eq!(odd.last_available_raw.as_deref(), Some("gestern"));
        assert_eq!(odd.last_available, None);
    }

    #[test]
    fn cluster_name_is_text_or_none() {
        assert_eq!(
            cluster_name_from_json(&json!({"clusterName": "prod"})).unwrap(),
            Some("prod".to_owned())
        );
        assert_eq!(
            cluster_name_from_json(&json!({"clusterName": ""})).unwrap(),
            None
        );
        assert_eq!(cluster_name_from_json(&json!({})).unwrap(), None);
        assert!(cluster_name_from_json(&json!("prod")).is_err());
    }
}

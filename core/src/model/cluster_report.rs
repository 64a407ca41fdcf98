//! What the "Cluster and server" card knows, from up to eight GKLM services.
//! A server may lack any of them (404: older, or not in a cluster) or refuse
//! one to this user (401, 403): that part alone is greyed out.

use crate::api::error::ApiError;
use crate::api::read::Reply;

use super::cluster::{MasterState, MasterStatus};
use super::multimaster::{AgentReading, AgentStatus, ClusterMaster, NodeIsolation};
use super::server_info::{Health, SystemDetails, VersionInfo};

/// One service's answer, as the card shows it.
#[derive(Clone, Debug, PartialEq)]
pub enum Part<T> {
    Shown(T),
    /// 404: this server does not offer the service.
    NotOffered,
    /// 401 or 403 for this service alone: this user may not read it.
    NotAllowed,
    Failed(ApiError),
}

impl<T> Part<T> {
    pub fn from_result(result: Result<Reply<T>, ApiError>) -> Part<T> {
        match result {
            Ok(reply) => Part::Shown(reply.value),
            Err(error) if error.is_service_missing() => Part::NotOffered,
            Err(ApiError::Http {
                status: 401 | 403, ..
            })
            | Err(ApiError::SignInNeeded { .. }) => Part::NotAllowed,
            Err(error) => Part::Failed(error),
        }
    }

    pub fn shown(&self) -> Option<&T> {
        match self {
            Part::Shown(value) => Some(value),
            _ => None,
        }
    }

    /// The same part with its value shown otherwise.
    pub fn map<U>(&self, show: impl FnOnce(&T) -> U) -> Part<U> {
        match self {
            Part::Shown(value) => Part::Shown(show(value)),
            Part::NotOffered => Part::NotOffered,
            Part::NotAllowed => Part::NotAllowed,
            Part::Failed(error) => Part::Failed(error.clone()),
        }
    }
}

/// Everything the card read in one round.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterReport {
    /// `getClusterName` (5.x).
    pub name: Part<Option<String>>,
    pub isolation: Part<NodeIsolation>,
    /// `/ckms/nodes`.
    pub masters: Part<Vec<ClusterMaster>>,
    /// `allNodeStatus`.
    pub reachability: Part<Vec<MasterStatus>>,
    pub agent: Part<AgentStatus>,
    pub version: Part<VersionInfo>,
    pub system: Part<SystemDetails>,
    pub health: Part<Health>,
}

/// One master as the card lists it: from `allNodeStatus`, named from
/// `/ckms/nodes` where an address matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MasterRow {
    pub name: Option<String>,
    pub address: String,
    pub role: String,
    /// `None` where only `/ckms/nodes` lists it.
    pub state: Option<MasterState>,
}

/// How the card reads at a glance, worst first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClusterReading {
    MasterDown,
    Isolated,
    Unhealthy,
    AgentDown,
    ListenerDown,
    Whole,
    Standalone,
    /// Nothing could be read.
    Unknown,
}

impl ClusterReport {
    /// The cluster's name, from `getClusterName` or the masters' list.
    pub fn cluster_name(&self) -> Option<&str> {
        self.name.shown().and_then(|n| n.as_deref()).or_else(|| {
            self.masters
                .shown()?
                .iter()
                .find_map(|m| m.cluster_name.as_deref())
        })
    }

    /// In a multi-master cluster: named, or more than one master listed.
    pub fn in_cluster(&self) -> bool {
        self.cluster_name().is_some_and(|n| !n.is_empty())
            || self.masters.shown().is_some_and(|m| m.len() > 1)
            || self.reachability.shown().is_some_and(|m| m.len() > 1)
    }

    pub fn rows(&self) -> Vec<MasterRow> {
        let masters = self.masters.shown().map(Vec::as_slice).unwrap_or_default();
        match self.reachability.shown() {
            Some(statuses) if !statuses.is_empty() => statuses
                .iter()
                .map(|status| MasterRow {
                    name: masters
                        .iter()
                        .find(|m| m.ip_hostname.as_deref() == Some(status.node_ip.as_str()))
                        .and_then(|m| m.name.clone()),
                    address: status.node_ip.clone(),
                    role: status.node_type.clone(),
                    state: Some(status.state()),
                })
                .collect(),
            _ => masters
                .iter()
                .map(|m| MasterRow {
                    name: m.name.clone(),
                    address: m.ip_hostname.clone().unwrap_or_default(),
                    role: String::new(),
                    state: None,
                })
                .collect(),
        }
    }

    /// Masters that cannot be reached; `None` when that is not known (the
    /// service not read) or the server is not in a cluster.
    pub fn masters_down(&self) -> Option<usize> {
        if !self.in_cluster() {
            return None;
        }
        let statuses = self.reachability.shown()?;
        Some(
            statuses
                .iter()
                .filter(|s| s.state() == MasterState::Unreachable)
                .count(),
        )
    }

    pub fn reading(&self) -> ClusterReading {
        let in_cluster = self.in_cluster();
        if self.masters_down().is_some_and(|n| n > 0) {
            return ClusterReading::MasterDown;
        }
        if in_cluster && self.isolation.shown().and_then(|i| i.isolated) == Some(true) {
            return ClusterReading::Isolated;
        }
        // A stopped agent is what a server's health reports then too: the
        // more precise reading first.
        if in_cluster && self.agent.shown().map(AgentStatus::reading) == Some(AgentReading::Stopped)
        {
            return ClusterReading::AgentDown;
        }
        if self.health.shown().and_then(|h| h.overall) == Some(false) {
            return ClusterReading::Unhealthy;
        }
        if self
            .system
            .shown()
            .is_some_and(|s| !s.not_ready().is_empty())
        {
            return ClusterReading::ListenerDown;
        }
        let anything = [
            self.name.shown().is_some(),
            self.isolation.shown().is_some(),
            self.masters.shown().is_some(),
            self.reachability.shown().is_some(),
            self.agent.shown().is_some(),
            self.version.shown().is_some(),
            self.system.shown().is_some(),
            self.health.shown().is_some(),
        ]
        .contains(&true);
        match (anything, in_cluster) {
            (false, _) => ClusterReading::Unknown,
            (true, true) => ClusterReading::Whole,
            (true, false) => ClusterReading::Standalone,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::json::json;

    use super::*;
    use crate::api::error::{Server, ServerMessage};

    fn shown<T>(value: T) -> Part<T> {
        Part::Shown(value)
    }

    fn statuses(json: crate::json::Value) -> Part<Vec<MasterStatus>> {
        shown(MasterStatus::list_from_json(&json).unwrap())
    }

    fn standalone() -> ClusterReport {
        ClusterReport {
            name: Part::NotOffered,
            isolation: Part::NotOffered,
            masters: Part::NotOffered,
            reachability: Part::NotOffered,
            agent: Part::NotOffered,
            version: shown(VersionInfo::from_json(&json!({"version": "4.2.1.0"})).unwrap()),
            system: shown(
                SystemDetails::from_json(&json!({"TCPTransportsInitialized": "true"})).unwrap(),
            ),
            health: shown(Health::from_json(&json!({"overall": true})).unwrap()),
        }
    }

    fn three_masters(unreachable: bool) -> ClusterReport {
        let status = if unreachable { "1" } else { "0" };
        ClusterReport {
            name: shown(Some("kw-cluster".into())),
            isolation: shown(
                NodeIsolation::from_json(&json!({"nodeIsolatedFromCluster": "false",
                    "multimasterRole": "PRIMARY"}))
                .unwrap(),
            ),
            masters: shown(
                ClusterMaster::list_from_json(&json!([
                    {"name": "gklm-a", "ipHostname": "10.0.0.1"},
                    {"name": "gklm-b", "ipHostname": "10.0.0.2"},
                    {"name": "gklm-c", "ipHostname": "10.0.0.3"}
                ]))
                .unwrap(),
            ),
            reachability: statuses(json!([
                {"nodeType": "LOCAL", "nodeIP": "10.0.0.1", "ippPortStatus": "0"},
                {"nodeType": "STANDBY", "nodeIP": "10.0.0.2", "ippPortStatus": "0"},
                {"nodeType": "PRIMARY", "nodeIP": "10.0.0.3", "ippPortStatus": status}
            ])),
            ..standalone()
        }
    }

    #[test]
    fn a_standalone_server_is_not_in_a_cluster_and_not_an_error() {
        let report = standalone();
        assert!(!report.in_cluster());
        assert_eq!(report.reading(), ClusterReading::Standalone);
        assert_eq!(report.masters_down(), None);
        assert!(report.rows().is_empty());
    }

    #[test]
    fn masters_are_named_from_the_list_and_one_down_is_the_worst() {
        let whole = three_masters(false);
        assert_eq!(whole.reading(), ClusterReading::Whole);
        assert_eq!(whole.masters_down(), Some(0));
        let rows = whole.rows();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].name.as_deref(), Some("gklm-b"));
        assert_eq!(rows[1].role, "STANDBY");
        let down = three_masters(true);
        assert_eq!(down.masters_down(), Some(1));
        assert_eq!(down.reading(), ClusterReading::MasterDown);
        assert_eq!(down.rows()[2].state, Some(MasterState::Unreachable));
    }

    #[test]
    fn isolation_agent_health_and_listeners_each_say_so() {
        let mut isolated = three_masters(false);
        isolated.isolation =
            shown(NodeIsolation::from_json(&json!({"nodeIsolatedFromCluster": true})).unwrap());
        assert_eq!(isolated.reading(), ClusterReading::Isolated);
        let mut agent = three_masters(false);
        agent.agent = shown(AgentStatus::from_json(&json!({"Agent Status": "Stopped"})).unwrap());
        assert_eq!(agent.reading(), ClusterReading::AgentDown);
        let mut sick = standalone();
        sick.health = shown(Health::from_json(&json!({"overall": "false"})).unwrap());
        assert_eq!(sick.reading(), ClusterReading::Unhealthy);
        let mut deaf = standalone();
        deaf.system =
            shown(SystemDetails::from_json(&json!({"TCPTransportsInitialized": false})).unwrap());
        assert_eq!(deaf.reading(), ClusterReading::ListenerDown);
        // A stopped agent makes health say so too: the agent is named.
        let mut both = three_masters(false);
        both.agent = shown(AgentStatus::from_json(&json!({"Agent Status": "Stopped"})).unwrap());
        both.health = shown(Health::from_json(&json!({"overall": false})).unwrap());
        assert_eq!(both.reading(), ClusterReading::AgentDown);
    }

    #[test]
    fn kmip_reads_its_status_words_and_says_nothing_of_others() {
        let kmip = |status: &str| {
            SystemDetails::from_json(&json!({"KMIPStatus": status}))
                .unwrap()
                .kmip_up()
        };
        assert_eq!(kmip("enabled"), Some(true));
        assert_eq!(kmip("Stopped"), Some(false));
        assert_eq!(kmip("whatever"), None);
        let off =
            SystemDetails::from_json(&json!({"KMIPConfigured": "false", "KMIPStatus": "stopped"}));
        assert_eq!(
            off.unwrap().kmip_up(),
            None,
            "not configured: not a listener down"
        );
    }

    #[test]
    fn each_refusal_greys_its_own_part() {
        let http = |status| ApiError::Http {
            server: Server::Gklm,
            status,
            said: ServerMessage::default(),
        };
        let part = |status| Part::<()>::from_result(Err(http(status)));
        assert_eq!(part(404), Part::NotOffered);
        assert_eq!(part(403), Part::NotAllowed);
        assert_eq!(part(401), Part::NotAllowed);
        assert!(matches!(part(500), Part::Failed(_)));
        let nothing = ClusterReport {
            version: Part::NotOffered,
            system: Part::NotAllowed,
            health: Part::Failed(http(500)),
            ..standalone()
        };
        assert_eq!(nothing.reading(), ClusterReading::Unknown);
    }
}

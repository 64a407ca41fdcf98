use super::clock::SimClock;
use super::faults::FaultPlan;
use super::gklm_tasks::{BackupResult, GklmTasks};
use super::notifications::Notifications;
use super::scenario::Scenario;
use super::sessions::GklmSessions;
use super::sync_jobs::{CloudSync, Domain, Source};
use super::tokens::CckmTokens;

pub const DEFAULT_SCENARIO: Scenario = Scenario::Busy;

/// The simulated multi-master cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cluster {
    pub masters: u8,
    pub unreachable: u8,
}

/// A primary (this server) and a standby, both answering.
impl Default for Cluster {
    fn default() -> Self {
        Cluster {
            masters: 2,
            unreachable: 0,
        }
    }
}

impl Cluster {
    /// `GET /ckms/nodes/allNodeStatus`: one entry per master, with IBM's
    /// field names; a port status is `"0"` when it answers (the value is
    /// not in IBM's page: GKLM's success code, as in its other answers).
    pub fn status_json(&self) -> serde_json::Value {
        let reachable = self.masters.saturating_sub(self.unreachable);
        serde_json::Value::Array(
            (0..self.masters)
                .map(|n| {
                    let node_type = match n {
                        0 => "LOCAL",
                        1 => "STANDBY",
                        _ => "PRIMARY",
                    };
                    let status = if n < reachable { "0" } else { "1" };
                    serde_json::json!({
                        "nodeType": node_type,
                        "nodeIP": format!("192.0.2.{}", 10 + n),
                        "ippPortStatus": status,
                        "kmipPortStatus": status,
                        "agentPortStatus": status,
                        "sslPortStatus": status,
                        "adminPortStatus": status,
                    })
                })
                .collect(),
        )
    }
}

/// Which GKLM release the simulator plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum GklmVersion {
    /// 4.2: none of the list services (backups, notification lists,
    /// `/backupInfo`) nor 4.2.1's multi-master services.
    #[serde(rename = "4.2")]
    V4_2,
    /// 4.2.1: everything but 5.x's `/ckms/notification` and `getClusterName`.
    #[serde(rename = "4.2.1")]
    V4_2_1,
    /// 5.x: every service.
    #[serde(rename = "5.x")]
    V5,
}

/// A GKLM service that not every release has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GklmService {
    BackupList,
    BackupInfo,
    NotificationStatusList,
    NotificationEvents,
    NodeIsolation,
    Nodes,
    AgentStatus,
    ClusterName,
}

impl GklmVersion {
    pub fn parse(text: &str) -> Option<GklmVersion> {
        match text.trim() {
            "4.2" | "4.2.0" => Some(GklmVersion::V4_2),
            "4.2.1" => Some(GklmVersion::V4_2_1),
            "5" | "5.x" | "5.0" | "5.1" => Some(GklmVersion::V5),
            _ => None,
        }
    }

    /// The version `versionInfo` reports and backup file names carry.
    pub fn release(self) -> &'static str {
        match self {
            GklmVersion::V4_2 => "4.2.0.0",
            GklmVersion::V4_2_1 => "4.2.1.0",
            GklmVersion::V5 => "5.0.0.0",
        }
    }

    pub fn has(self, service: GklmService) -> bool {
        use GklmService::*;
        match self {
            GklmVersion::V5 => true,
            GklmVersion::V4_2_1 => !matches!(service, NotificationEvents | ClusterName),
            GklmVersion::V4_2 => false,
        }
    }
}

/// The simulated GKLM server itself: its release, and its place in a
/// multi-master cluster (the masters and their reachability are [`Cluster`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GklmProfile {
    pub version: GklmVersion,
    /// Not in a cluster at all.
    pub standalone: bool,
    /// What this server's `isNodeIsolatedFromCluster` says.
    pub isolated: bool,
    /// Whether the multi-master agent runs; when it stopped (simulated ms).
    pub agent_running: bool,
    pub agent_stopped_ms: i64,
}

/// A 5.x master in a cluster, connected, its agent running.
impl Default for GklmProfile {
    fn default() -> Self {
        GklmProfile {
            version: GklmVersion::V5,
            standalone: false,
            isolated: false,
            agent_running: true,
            agent_stopped_ms: 0,
        }
    }
}

/// Backup state fixed by a test; the living backup cycle no longer shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupPin {
    pub result: BackupResult,
    pub running: bool,
    /// What `GET /ckms/backups/need` says: CTGKM1304I when true.
    pub all_backed_up: bool,
}

/// Everything the simulated servers know. Lives behind one mutex; every
/// reader first brings it up to the current simulated time.
#[derive(Debug)]
pub struct Simulator {
    seed: u64,
    scenario: Scenario,
    clock: SimClock,
    tasks: GklmTasks,
    notifications: Notifications,
    sync: Vec<CloudSync>,
    backup_pin: Option<BackupPin>,
    /// The multi-master cluster: how many masters, and how many of them
    /// cannot be reached (the last ones listed).
    cluster: Cluster,
    gklm: GklmProfile,
    /// When the last backup was, as pinned: `Some(None)` for never.
    last_backup_pin: Option<Option<i64>>,
    restore_pin: Option<u8>,
    pub gklm_sessions: GklmSessions,
    pub cckm_tokens: CckmTokens,
    pub faults: FaultPlan,
}

impl Simulator {
    pub fn new(seed: u64, time_scale: f64) -> Self {
        Simulator {
            seed,
            scenario: DEFAULT_SCENARIO,
            clock: SimClock::new(time_scale),
            tasks: GklmTasks::new(seed, DEFAULT_SCENARIO.rates()),
            notifications: Notifications::new(seed, DEFAULT_SCENARIO.rates()),
            sync: all_clouds(seed, DEFAULT_SCENARIO),
            backup_pin: None,
            last_backup_pin: None,
            cluster: Cluster::default(),
            gklm: GklmProfile::default(),
            restore_pin: None,
            gklm_sessions: GklmSessions::new(seed),
            cckm_tokens: CckmTokens::new(seed),
            faults: FaultPlan::default(),
        }
    }

    /// The current simulated time, with the world brought up to it.
    pub fn now_ms(&mut self) -> i64 {
        let now = self.clock.now_ms();
        self.tasks.advance_to(now);
        self.notifications.advance_to(now);
        for cloud in &mut self.sync {
            cloud.advance_to(now);
        }
        now
    }

    pub fn unix_ms(&self, sim_ms: i64) -> i64 {
        self.clock.unix_ms(sim_ms)
    }

    pub fn advance_clock(&mut self, seconds: u64) {
        self.clock.advance(seconds);
        self.now_ms();
    }

    /// Back to how the seed's world starts: default scenario, no faults, no pins.
    /// Sessions survive, so a signed-in panel keeps working.
    pub fn reset(&mut self) {
        self.faults.clear();
        self.rebuild(DEFAULT_SCENARIO);
    }

    /// Starts the world again under another scenario; faults stay.
    pub fn choose_scenario(&mut self, scenario: Scenario) {
        self.rebuild(scenario);
    }

    fn rebuild(&mut self, scenario: Scenario) {
        self.scenario = scenario;
        self.clock.restart();
        self.gklm_sessions.restart_clock();
        self.tasks = GklmTasks::new(self.seed, scenario.rates());
        self.notifications = Notifications::new(self.seed, scenario.rates());
        self.sync = all_clouds(self.seed, scenario);
        self.cckm_tokens.restart_clock();
        self.backup_pin = None;
        self.last_backup_pin = None;
        self.cluster = Cluster::default();
        self.gklm = GklmProfile::default();
        self.restore_pin = None;
    }

    pub fn scenario(&self) -> Scenario {
        self.scenario
    }

    pub fn backup_result(&self) -> BackupResult {
        self.backup_pin
            .map_or_else(|| self.tasks.result(), |pin| pin.result)
    }

    pub fn backup_running(&self) -> bool {
        self.backup_pin
            .map_or_else(|| self.tasks.backup_running(), |pin| pin.running)
    }

    /// Whether every key and certificate is in a backup.
    pub fn keys_backed_up(&self) -> bool {
        self.backup_pin
            .map_or_else(|| self.tasks.keys_backed_up(), |pin| pin.all_backed_up)
    }

    /// When the last successful backup ended (Unix ms); `None`: never.
    pub fn last_backup_unix_ms(&mut self) -> Option<i64> {
        self.now_ms();
        self.last_backup_pin
            .unwrap_or_else(|| self.tasks.last_success_ms())
            .map(|sim_ms| self.clock.unix_ms_aged(sim_ms))
    }

    /// Pins when the last backup was: `Some(seconds)` ago, or `None` for never.
    pub fn pin_last_backup(&mut self, seconds_ago: Option<u64>) {
        let now = self.now_ms();
        self.last_backup_pin = Some(seconds_ago.map(|s| {
            now.saturating_sub(i64::try_from(s).unwrap_or(i64::MAX).saturating_mul(1000))
        }));
    }

    pub fn cluster(&self) -> Cluster {
        self.cluster
    }

    pub fn gklm(&self) -> GklmProfile {
        self.gklm
    }

    /// Changes what the simulated GKLM is; a field left out keeps its value.
    /// Stopping the agent records when it stopped.
    pub fn pin_gklm(
        &mut self,
        version: Option<GklmVersion>,
        standalone: Option<bool>,
        isolated: Option<bool>,
        agent_running: Option<bool>,
    ) {
        let now = self.now_ms();
        let profile = &mut self.gklm;
        if let Some(version) = version {
            profile.version = version;
        }
        if let Some(standalone) = standalone {
            profile.standalone = standalone;
        }
        if let Some(isolated) = isolated {
            profile.isolated = isolated;
        }
        if let Some(running) = agent_running {
            if profile.agent_running && !running {
                profile.agent_stopped_ms = now;
            }
            profile.agent_running = running;
        }
    }

    /// When each backup file `GET /ckms/backups` lists was made (Unix ms),
    /// oldest first. Its newest is what `GET /backupInfo` says, pinned or
    /// not: a pinned last backup drops later files and adds its own.
    pub fn backup_files_unix_ms(&mut self) -> Vec<i64> {
        self.now_ms();
        let mut files: Vec<i64> = self.tasks.successes().to_vec();
        match self.last_backup_pin {
            None => {}
            Some(None) => files.clear(),
            Some(Some(last)) => {
                files.retain(|at| *at < last);
                files.push(last);
            }
        }
        files
            .into_iter()
            .map(|sim_ms| self.clock.unix_ms_aged(sim_ms))
            .collect()
    }

    /// The notification events (oldest first) as of now.
    pub fn notification_events(&mut self) -> Vec<super::notifications::NotificationEvent> {
        self.now_ms();
        self.notifications.events().to_vec()
    }

    pub fn pin_cluster(&mut self, cluster: Cluster) {
        self.cluster = cluster;
    }

    pub fn restore_phase(&self) -> u8 {
        self.restore_pin
            .unwrap_or_else(|| self.tasks.restore_phase())
    }

    /// Fixes what the backup endpoints report; a field left out keeps the
    /// value it has now, except that a pinned result with no word on the
    /// keys implies them: backed up after a successful backup, not otherwise.
    pub fn pin_backup(
        &mut self,
        result: Option<BackupResult>,
        running: Option<bool>,
        all_backed_up: Option<bool>,
    ) {
        let implied = result.map(|result| {
            matches!(
                result,
                BackupResult::Succeeded | BackupResult::SucceededWithWarning
            )
        });
        if implied == Some(true) {
            let now = self.now_ms();
            self.last_backup_pin = Some(Some(now));
        }
        self.backup_pin = Some(BackupPin {
            result: result.unwrap_or_else(|| self.backup_result()),
            running: running.unwrap_or_else(|| self.backup_running()),
            all_backed_up: all_backed_up
                .or(implied)
                .unwrap_or_else(|| self.keys_backed_up()),
        });
    }

    /// Delivery status per channel, or none for an event the server never had.
    pub fn notification_status(&mut self, uuid: &str) -> Option<serde_json::Value> {
        self.now_ms();
        self.notifications.status_json(uuid)
    }

    /// Every event's delivery status per channel.
    pub fn notification_statuses(&mut self) -> serde_json::Value {
        self.now_ms();
        self.notifications.all_status_json()
    }

    pub fn event_uuids(&self) -> Vec<&str> {
        self.notifications.uuids()
    }

    /// One family's jobs in one domain, as of the last `now_ms`.
    pub fn cloud_sync(&self, source: Source, domain: Domain) -> &CloudSync {
        self.sync
            .iter()
            .find(|sync| sync.source() == source && sync.domain() == domain)
            .unwrap_or(&self.sync[0])
    }

    pub fn pin_restore_phase(&mut self, phase: u8) {
        self.restore_pin = Some(phase);
    }
}

/// Every family's jobs in every domain.
fn all_clouds(seed: u64, scenario: Scenario) -> Vec<CloudSync> {
    Source::ALL
        .into_iter()
        .flat_map(|source| {
            Domain::ALL
                .into_iter()
                .map(move |domain| CloudSync::new(seed, source, domain, scenario.rates()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_backup_does_not_move_until_reset() {
        let mut sim = Simulator::new(1, 0.0);
        sim.pin_backup(Some(BackupResult::Failed), Some(true), None);
        sim.advance_clock(86_400);
        assert_eq!(sim.backup_result(), BackupResult::Failed);
        assert!(sim.backup_running());
        sim.reset();
        assert_eq!(sim.backup_result(), BackupResult::NotRunSinceStart);
        assert!(!sim.backup_running());
    }

    #[test]
    fn partial_pin_keeps_the_other_value() {
        let mut sim = Simulator::new(1, 0.0);
        sim.pin_backup(None, Some(true), None);
        assert_eq!(sim.backup_result(), BackupResult::NotRunSinceStart);
        assert!(sim.backup_running());
        assert!(!sim.keys_backed_up());
    }

    #[test]
    fn the_backup_files_end_with_the_last_backup_pinned_or_not() {
        let mut sim = Simulator::new(1, 0.0);
        let files = sim.backup_files_unix_ms();
        assert_eq!(files.len(), 3);
        assert_eq!(files.last().copied(), sim.last_backup_unix_ms());
        sim.pin_last_backup(Some(30 * 3600));
        let files = sim.backup_files_unix_ms();
        assert_eq!(
            files.len(),
            3,
            "the 9 h old file gives way to the pinned one"
        );
        assert_eq!(files.last().copied(), sim.last_backup_unix_ms());
        sim.pin_backup(Some(BackupResult::Succeeded), None, None);
        let files = sim.backup_files_unix_ms();
        assert_eq!(files.len(), 4, "the three older files and the new one");
        assert_eq!(files.last().copied(), sim.last_backup_unix_ms());
        sim.pin_last_backup(None);
        assert!(sim.backup_files_unix_ms().is_empty());
        assert_eq!(sim.last_backup_unix_ms(), None);
    }

    #[test]
    fn releases_have_the_services_ibm_documents_for_them() {
        use GklmService::*;
        let all = [
            BackupList,
            BackupInfo,
            NotificationStatusList,
            NotificationEvents,
            NodeIsolation,
            Nodes,
            AgentStatus,
            ClusterName,
        ];
        let count = |v: GklmVersion| all.iter().filter(|s| v.has(**s)).count();
        assert_eq!(count(GklmVersion::V5), 8);
        assert_eq!(count(GklmVersion::V4_2_1), 6);
        assert_eq!(count(GklmVersion::V4_2), 0);
        assert_eq!(GklmVersion::parse("4.2.1"), Some(GklmVersion::V4_2_1));
        assert_eq!(GklmVersion::parse("6"), None);
    }

    #[test]
    fn keys_pin_alone_or_implied_by_a_pinned_result() {
        let mut sim = Simulator::new(1, 0.0);
        sim.pin_backup(None, None, Some(true));
        assert!(sim.keys_backed_up());
        assert_eq!(sim.backup_result(), BackupResult::NotRunSinceStart);
        sim.pin_backup(Some(BackupResult::SucceededWithWarning), None, None);
        assert!(sim.keys_backed_up());
        sim.pin_backup(Some(BackupResult::Succeeded), None, Some(false));
        assert!(!sim.keys_backed_up());
        sim.pin_backup(Some(BackupResult::Failed), None, None);
        assert!(!sim.keys_backed_up());
    }
}

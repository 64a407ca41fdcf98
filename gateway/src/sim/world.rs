use super::clock::SimClock;
use super::faults::FaultPlan;
use super::gklm_tasks::{BackupResult, GklmTasks};
use super::notifications::Notifications;
use super::scenario::Scenario;
use super::sessions::GklmSessions;
use super::sync_jobs::{Cloud, CloudSync, CLOUDS};
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
            .map(|sim_ms| self.clock.unix_ms_as_long_ago(sim_ms))
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

    /// One cloud's jobs as of the last `now_ms`.
    pub fn cloud_sync(&self, cloud: Cloud) -> &CloudSync {
        let index = CLOUDS.iter().position(|c| *c == cloud).unwrap_or(0);
        &self.sync[index]
    }

    pub fn pin_restore_phase(&mut self, phase: u8) {
        self.restore_pin = Some(phase);
    }
}

fn all_clouds(seed: u64, scenario: Scenario) -> Vec<CloudSync> {
    CLOUDS
        .into_iter()
        .map(|cloud| CloudSync::new(seed, cloud, scenario.rates()))
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

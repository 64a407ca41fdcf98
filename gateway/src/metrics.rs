//! `/metrics`: the watched servers' state and the gateway's own, in the
//! OpenMetrics text format (the Prometheus project's `prometheus-client`).
//!
//! Every label takes values from a closed list (an upstream, a job family, a
//! status, a phase, a route, a status class), so that no server text, id,
//! credential or token can become a label. Every series the watcher feeds
//! exists from the start, so that a dashboard is never blank before the
//! first failure; the two timestamps that cannot be known before a reading
//! are absent until then, beside `keywatch_upstream_up 0`.

use std::sync::atomic::AtomicU64;

use keywatch_core::model::backup::{BackupActivity, BackupNeed, BackupResult};
use keywatch_core::model::cluster::{MasterState, MasterStatus};
use keywatch_core::model::restore::RestorePhase;
use keywatch_core::model::sync_job::{Source, SyncJobPage, SyncStatus};
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::{Registry, Unit};

type Labels<const N: usize> = [(&'static str, &'static str); N];
type Seconds = Gauge<f64, AtomicU64>;

/// The servers the gateway reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Upstream {
    Gklm,
    CipherTrust,
}

impl Upstream {
    pub const ALL: [Upstream; 2] = [Upstream::Gklm, Upstream::CipherTrust];

    pub fn label(self) -> &'static str {
        match self {
            Upstream::Gklm => "gklm",
            Upstream::CipherTrust => "ciphertrust",
        }
    }
}

const BACKUP_RESULTS: [&str; 5] = [
    "succeeded",
    "failed",
    "succeeded_with_warning",
    "not_run",
    "unrecognised",
];
const UNRECOGNISED_PHASE: &str = "unrecognised";
const MASTER_STATES: [&str; 3] = ["reachable", "unreachable", "unknown"];
const SYNC_STATUSES: [&str; 5] = ["in_progress", "completed", "failed", "aborted", "other"];

/// What a route is, for `keywatch_gateway_requests_total`: a closed list.
pub fn route_label(path: &str) -> &'static str {
    if path.starts_with("/SKLM/rest/v1/") {
        "gklm"
    } else if path.starts_with("/api/v1/") {
        "ciphertrust"
    } else if path == "/metrics" {
        "metrics"
    } else if path == "/healthz" {
        "healthz"
    } else {
        "other"
    }
}

fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

pub fn backup_result_label(result: &BackupResult) -> &'static str {
    match result {
        BackupResult::Succeeded { .. } => "succeeded",
        BackupResult::Failed { .. } => "failed",
        BackupResult::SucceededWithWarning { .. } => "succeeded_with_warning",
        BackupResult::NotRunSinceStart { .. } => "not_run",
        BackupResult::Unrecognised { .. } => "unrecognised",
    }
}

pub fn phase_label(phase: Option<RestorePhase>) -> &'static str {
    match phase {
        Some(RestorePhase::Idle) => "idle",
        Some(RestorePhase::Initialize) => "initialize",
        Some(RestorePhase::CreateTempDir) => "create_temp_dir",
        Some(RestorePhase::RestoreConfigFiles) => "restore_config_files",
        Some(RestorePhase::RestoreKeystores) => "restore_keystores",
        Some(RestorePhase::RestoreDatabases) => "restore_databases",
        Some(RestorePhase::Cleanup) => "cleanup",
        Some(RestorePhase::Completed) => "completed",
        None => UNRECOGNISED_PHASE,
    }
}

pub fn sync_status_label(status: &SyncStatus) -> &'static str {
    match status {
        SyncStatus::InProgress => "in_progress",
        SyncStatus::Completed => "completed",
        SyncStatus::Failed => "failed",
        SyncStatus::Aborted => "aborted",
        SyncStatus::Other(_) => "other",
    }
}

/// Sets one series of a state family to 1 and every other to 0.
fn choose(
    family: &Family<Labels<1>, Gauge>,
    key: &'static str,
    values: &[&'static str],
    chosen: &str,
) {
    for value in values {
        family
            .get_or_create(&[(key, value)])
            .set(i64::from(*value == chosen));
    }
}

/// The gateway's own figures, kept whether or not it watches.
#[derive(Clone, Default)]
pub struct GatewayMetrics {
    requests: Family<Labels<2>, Counter>,
    cache_hits: Counter,
    cache_misses: Counter,
    open_connections: Gauge,
}

impl GatewayMetrics {
    /// `route` from [`route_label`].
    pub fn answered(&self, route: &'static str, status: u16) {
        self.requests
            .get_or_create(&[("route", route), ("class", status_class(status))])
            .inc();
    }

    /// An answer from the cache or from a request already under way, versus
    /// one fetched upstream for this request.
    pub fn cache(&self, hit: bool) {
        if hit {
            self.cache_hits.inc();
        } else {
            self.cache_misses.inc();
        }
    }

    pub fn open_connections(&self, count: usize) {
        self.open_connections
            .set(i64::try_from(count).unwrap_or(i64::MAX));
    }
}

/// What the watcher saw of both servers.
#[derive(Clone)]
pub struct WatchedMetrics {
    upstream_up: Family<Labels<1>, Gauge>,
    read_duration: Family<Labels<1>, Histogram>,
    backup_result: Family<Labels<1>, Gauge>,
    last_successful_backup: Family<Labels<0>, Seconds>,
    backup_running: Gauge,
    keys_awaiting_backup: Gauge,
    restore_phase: Family<Labels<1>, Gauge>,
    restore_phase_start: Family<Labels<0>, Seconds>,
    notifications_undelivered: Gauge,
    cluster_masters: Family<Labels<1>, Gauge>,
    sync_jobs: Family<Labels<2>, Gauge>,
    sync_job_last_failure: Family<Labels<1>, Seconds>,
}

impl Default for WatchedMetrics {
    fn default() -> Self {
        let watched = WatchedMetrics {
            upstream_up: Family::default(),
            read_duration: Family::new_with_constructor(|| {
                // 5 ms to about 20 s: a key manager on the same network
                // answers in milliseconds; a struggling one in seconds.
                Histogram::new(exponential_buckets(0.005, 2.0, 13))
            }),
            backup_result: Family::default(),
            last_successful_backup: Family::default(),
            backup_running: Gauge::default(),
            keys_awaiting_backup: Gauge::default(),
            restore_phase: Family::default(),
            restore_phase_start: Family::default(),
            notifications_undelivered: Gauge::default(),
            cluster_masters: Family::default(),
            sync_jobs: Family::default(),
            sync_job_last_failure: Family::default(),
        };
        for upstream in Upstream::ALL {
            let _ = watched
                .upstream_up
                .get_or_create(&[("upstream", upstream.label())]);
            let _ = watched
                .read_duration
                .get_or_create(&[("upstream", upstream.label())]);
        }
        for result in BACKUP_RESULTS {
            let _ = watched.backup_result.get_or_create(&[("result", result)]);
        }
        for phase in RestorePhase::ALL.map(Some).into_iter().chain([None]) {
            let _ = watched
                .restore_phase
                .get_or_create(&[("phase", phase_label(phase))]);
        }
        for state in MASTER_STATES {
            let _ = watched.cluster_masters.get_or_create(&[("state", state)]);
        }
        for source in Source::ALL {
            for status in SYNC_STATUSES {
                let _ = watched
                    .sync_jobs
                    .get_or_create(&[("cloud", source.key()), ("status", status)]);
            }
            let _ = watched
                .sync_job_last_failure
                .get_or_create(&[("cloud", source.key())]);
        }
        watched
    }
}

impl WatchedMetrics {
    pub fn upstream_up(&self, upstream: Upstream, up: bool) {
        self.upstream_up
            .get_or_create(&[("upstream", upstream.label())])
            .set(i64::from(up));
    }

    pub fn read_took(&self, upstream: Upstream, seconds: f64) {
        self.read_duration
            .get_or_create(&[("upstream", upstream.label())])
            .observe(seconds);
    }

    pub fn backup_result(&self, result: &BackupResult) {
        choose(
            &self.backup_result,
            "result",
            &BACKUP_RESULTS,
            backup_result_label(result),
        );
    }

    /// Unix seconds of the last successful backup; 0 when the server says
    /// none was ever made.
    pub fn last_successful_backup(&self, unix_seconds: f64) {
        self.last_successful_backup
            .get_or_create(&[])
            .set(unix_seconds);
    }

    pub fn backup_activity(&self, activity: &BackupActivity) {
        self.backup_running.set(i64::from(matches!(
            activity,
            BackupActivity::Running { .. }
        )));
    }

    pub fn backup_need(&self, need: &BackupNeed) {
        self.keys_awaiting_backup
            .set(i64::from(matches!(need, BackupNeed::KeysWaiting { .. })));
    }

    /// The current restore phase, and since when (Unix seconds) it has been.
    pub fn restore_phase(&self, phase: Option<RestorePhase>, since_unix_seconds: f64) {
        let values: Vec<&'static str> = RestorePhase::ALL
            .map(Some)
            .into_iter()
            .chain([None])
            .map(phase_label)
            .collect();
        choose(&self.restore_phase, "phase", &values, phase_label(phase));
        self.restore_phase_start
            .get_or_create(&[])
            .set(since_unix_seconds);
    }

    pub fn notifications_undelivered(&self, count: usize) {
        self.notifications_undelivered
            .set(i64::try_from(count).unwrap_or(i64::MAX));
    }

    /// The masters of the cluster by state; none for a server that is not
    /// in one.
    pub fn cluster_masters(&self, masters: &[MasterStatus]) {
        for (state, name) in [
            (MasterState::Reachable, "reachable"),
            (MasterState::Unreachable, "unreachable"),
            (MasterState::Unknown, "unknown"),
        ] {
            let count = masters.iter().filter(|m| m.state() == state).count();
            self.cluster_masters
                .get_or_create(&[("state", name)])
                .set(i64::try_from(count).unwrap_or(i64::MAX));
        }
    }

    /// The newest page of one family's jobs (the label `cloud` takes
    /// [`Source::key`]: `aws`, `aws-custom-key-stores`, …, `sap`): how many in each status, and
    /// when the newest failed one ended (0 when none on the page failed).
    pub fn sync_jobs(&self, source: Source, page: &SyncJobPage) {
        for status in SYNC_STATUSES {
            let count = page
                .jobs
                .iter()
                .filter(|job| sync_status_label(&job.overall_status) == status)
                .count();
            self.sync_jobs
                .get_or_create(&[("cloud", source.key()), ("status", status)])
                .set(i64::try_from(count).unwrap_or(i64::MAX));
        }
        let newest_failure = page
            .jobs
            .iter()
            .filter(|job| job.overall_status == SyncStatus::Failed)
            .map(|job| job.completed_at.unwrap_or(job.updated_at))
            .filter(|at| !at.is_go_zero_time())
            .map(|at| at.unix_millis() as f64 / 1000.0)
            .fold(0.0, f64::max);
        self.sync_job_last_failure
            .get_or_create(&[("cloud", source.key())])
            .set(newest_failure);
    }
}

/// Everything `/metrics` shows.
pub struct Metrics {
    registry: Registry,
    pub gateway: GatewayMetrics,
    /// Only when the gateway watches (service-account mode with `[watch]`).
    pub watched: Option<WatchedMetrics>,
}

impl Metrics {
    pub fn new(watching: bool) -> Metrics {
        let mut registry = Registry::with_prefix("keywatch");
        let gateway = GatewayMetrics::default();
        let info: prometheus_client::metrics::info::Info<Labels<1>> =
            prometheus_client::metrics::info::Info::new([("version", env!("CARGO_PKG_VERSION"))]);
        registry.register("build", "The gateway's version", info);
        registry.register(
            "gateway_requests",
            "Requests the gateway answered, by route and status class",
            gateway.requests.clone(),
        );
        registry.register(
            "gateway_cache_hits",
            "Reads answered from the cache or from the same read already under way",
            gateway.cache_hits.clone(),
        );
        registry.register(
            "gateway_cache_misses",
            "Reads the gateway fetched from a key manager",
            gateway.cache_misses.clone(),
        );
        registry.register(
            "gateway_open_connections",
            "Client connections open now",
            gateway.open_connections.clone(),
        );
        let watched = watching.then(|| {
            let watched = WatchedMetrics::default();
            register_watched(&mut registry, &watched);
            watched
        });
        Metrics {
            registry,
            gateway,
            watched,
        }
    }

    /// The OpenMetrics text.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        if encode(&mut text, &self.registry).is_err() {
            text.clear();
        }
        text
    }
}

fn register_watched(registry: &mut Registry, watched: &WatchedMetrics) {
    registry.register(
        "upstream_up",
        "1 when the watcher's last reads of the key manager all got usable answers",
        watched.upstream_up.clone(),
    );
    registry.register_with_unit(
        "upstream_read_duration",
        "How long the watcher's reads of a key manager took, through the gateway",
        Unit::Seconds,
        watched.read_duration.clone(),
    );
    registry.register(
        "gklm_backup_result",
        "The result of GKLM's most recent backup task: 1 for the current result",
        watched.backup_result.clone(),
    );
    registry.register_with_unit(
        "gklm_last_successful_backup_timestamp",
        "When the last successful GKLM backup was seen (Unix time; 0: none ever)",
        Unit::Seconds,
        watched.last_successful_backup.clone(),
    );
    registry.register(
        "gklm_backup_running",
        "1 while GKLM runs a backup",
        watched.backup_running.clone(),
    );
    registry.register(
        "gklm_keys_awaiting_backup",
        "1 when GKLM says keys or certificates have not been backed up (CTGKM1305I)",
        watched.keys_awaiting_backup.clone(),
    );
    registry.register(
        "gklm_restore_phase",
        "The phase of GKLM's restore: 1 for the current phase",
        watched.restore_phase.clone(),
    );
    registry.register_with_unit(
        "gklm_restore_phase_start_timestamp",
        "When the watcher first saw the current restore phase (Unix time)",
        Unit::Seconds,
        watched.restore_phase_start.clone(),
    );
    registry.register(
        "gklm_notifications_undelivered",
        "Notification deliveries GKLM reports as not delivered",
        watched.notifications_undelivered.clone(),
    );
    registry.register(
        "gklm_cluster_masters",
        "The masters of GKLM's multi-master cluster, by whether their ports answer",
        watched.cluster_masters.clone(),
    );
    registry.register(
        "cckm_sync_jobs",
        "Synchronization jobs on the newest page of each family's list (label cloud: aws, aws-custom-key-stores, azure, ...), by status",
        watched.sync_jobs.clone(),
    );
    registry.register_with_unit(
        "cckm_sync_job_last_failure_timestamp",
        "When the newest failed synchronization job on that page ended (Unix time; 0: none)",
        Unit::Seconds,
        watched.sync_job_last_failure.clone(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(text: &str) -> Vec<(&str, &str)> {
        text.lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.rsplit_once(' '))
            .collect()
    }

    #[test]
    fn every_watched_series_exists_before_the_first_reading() {
        let metrics = Metrics::new(true);
        let text = metrics.encode();
        assert!(text.ends_with("# EOF\n"));
        let all = series(&text);
        let count = |prefix: &str| all.iter().filter(|(s, _)| s.starts_with(prefix)).count();
        assert_eq!(count("keywatch_upstream_up{"), 2);
        assert_eq!(count("keywatch_gklm_backup_result{"), 5);
        assert_eq!(count("keywatch_gklm_restore_phase{"), 9);
        assert_eq!(count("keywatch_cckm_sync_jobs{"), 45);
        assert_eq!(
            count("keywatch_cckm_sync_job_last_failure_timestamp_seconds{"),
            9
        );
        assert!(
            all.iter()
                .filter(|(s, _)| s.starts_with("keywatch_upstream_up{"))
                .all(|(_, v)| *v == "0"),
            "nothing is up before it was read"
        );
        assert_eq!(
            count("keywatch_gklm_last_successful_backup_timestamp_seconds"),
            0,
            "unknown until read"
        );
        assert!(text.contains("# TYPE keywatch_upstream_read_duration_seconds histogram"));
        assert!(text.contains("# UNIT keywatch_upstream_read_duration_seconds seconds"));
    }

    #[test]
    fn a_state_family_has_exactly_one_current_value() {
        let metrics = Metrics::new(true);
        let watched = metrics.watched.clone().unwrap();
        watched.backup_result(&BackupResult::Failed {
            status: "CTGKM3295E server words".into(),
        });
        watched.restore_phase(Some(RestorePhase::RestoreDatabases), 1_700_000_000.0);
        watched.last_successful_backup(0.0);
        let text = metrics.encode();
        let all = series(&text);
        let ones: Vec<&str> = all
            .iter()
            .filter(|(s, v)| {
                (s.starts_with("keywatch_gklm_backup_result{")
                    || s.starts_with("keywatch_gklm_restore_phase{"))
                    && *v == "1"
            })
            .map(|(s, _)| *s)
            .collect();
        assert_eq!(
            ones,
            [
                r#"keywatch_gklm_backup_result{result="failed"}"#,
                r#"keywatch_gklm_restore_phase{phase="restore_databases"}"#
            ]
        );
        assert!(text.contains("keywatch_gklm_restore_phase_start_timestamp_seconds 1700000000"));
        assert!(text.contains("keywatch_gklm_last_successful_backup_timestamp_seconds 0"));
        assert!(
            !text.contains("server words"),
            "server text never becomes a label"
        );
    }

    #[test]
    fn without_watching_only_the_gateways_own_figures() {
        let metrics = Metrics::new(false);
        metrics
            .gateway
            .answered(route_label("/api/v1/cckm/aws/synchronization-jobs"), 200);
        metrics.gateway.answered(route_label("/../etc/passwd"), 403);
        let text = metrics.encode();
        assert!(
            text.contains(r#"keywatch_gateway_requests_total{route="ciphertrust",class="2xx"} 1"#)
        );
        assert!(text.contains(r#"keywatch_gateway_requests_total{route="other",class="4xx"} 1"#));
        assert!(!text.contains("keywatch_upstream_up"));
        assert!(!text.contains("passwd"), "a path never becomes a label");
    }
}

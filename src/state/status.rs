//! What a host may show as a badge in its own header: a small summary of
//! the panel's readings, told to the host only when it changes.

use keywatch_core::json::JsonObject;

/// The panel at a glance. A field is `None` while its card has no reading
/// (or is not shown).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatusSummary {
    /// The last backup's result: `succeeded`, `failed`,
    /// `succeeded-with-warning`, `not-run` or `unrecognised`.
    pub backup_result: Option<&'static str>,
    /// When the last backup was made (ISO 8601), as GKLM's `backupInfo` says.
    pub last_backup_at: Option<String>,
    /// Whole hours since then, as the panel counts them now.
    pub backup_age_hours: Option<u32>,
    /// Whether a backup runs now.
    pub backup_running: Option<bool>,
    /// The restore phase as GKLM gave it (`"0"` … `"7"`, or an unknown code kept).
    pub restore_phase: Option<String>,
    /// `idle`, `running`, `completed` or `unrecognised`.
    pub restore_state: Option<&'static str>,
    /// Masters of GKLM's cluster that cannot be reached (`None` when not
    /// known, or not in a cluster).
    pub cluster_nodes_down: Option<u32>,
    /// Sync jobs failed, for the list's current filter.
    pub sync_jobs_failed: Option<u64>,
    /// Sync jobs in progress, for the list's current filter.
    pub sync_jobs_in_progress: Option<u64>,
    /// Failed sync jobs of each source the server has, by the source's key
    /// (`aws`, `azure-secrets`, `sfdc`, …).
    pub sync_jobs_failed_by_source: Option<BySource>,
}

/// Counts by source key, in the sources' order; an object to a host, with
/// `null` for a source the server does not have.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BySource(pub Vec<(&'static str, Option<u64>)>);

/// One card's part of the summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatusPart {
    BackupResult(&'static str),
    /// When the last backup was made and how many hours ago; both `None`
    /// when the server says none was, or does not say.
    BackupAge {
        at: Option<String>,
        hours: Option<u32>,
    },
    BackupRunning(bool),
    ClusterNodesDown(Option<u32>),
    Restore {
        phase: String,
        state: &'static str,
    },
    SyncJobs {
        failed: Option<u64>,
        in_progress: Option<u64>,
    },
    SyncJobsBySource(BySource),
}

impl StatusSummary {
    /// As the host reads it: a JSON object of camelCase fields, with `null`
    /// for what is not known.
    pub fn to_json(&self) -> String {
        let by_source = self.sync_jobs_failed_by_source.as_ref().map(|by| {
            by.0.iter()
                .fold(JsonObject::default(), |object, (key, n)| {
                    object.opt_number(key, *n)
                })
                .end()
        });
        JsonObject::default()
            .opt_text("backupResult", self.backup_result)
            .opt_text("lastBackupAt", self.last_backup_at.as_deref())
            .opt_number("backupAgeHours", self.backup_age_hours.map(u64::from))
            .opt_flag("backupRunning", self.backup_running)
            .opt_text("restorePhase", self.restore_phase.as_deref())
            .opt_text("restoreState", self.restore_state)
            .opt_number("clusterNodesDown", self.cluster_nodes_down.map(u64::from))
            .opt_number("syncJobsFailed", self.sync_jobs_failed)
            .opt_number("syncJobsInProgress", self.sync_jobs_in_progress)
            .raw(
                "syncJobsFailedBySource",
                by_source.as_deref().unwrap_or("null"),
            )
            .end()
    }

    /// Takes in one card's part; says whether anything changed.
    pub fn apply(&mut self, part: StatusPart) -> bool {
        let before = self.clone();
        match part {
            StatusPart::BackupResult(state) => self.backup_result = Some(state),
            StatusPart::BackupAge { at, hours } => {
                self.last_backup_at = at;
                self.backup_age_hours = hours;
            }
            StatusPart::BackupRunning(running) => self.backup_running = Some(running),
            StatusPart::ClusterNodesDown(down) => self.cluster_nodes_down = down,
            StatusPart::Restore { phase, state } => {
                self.restore_phase = Some(phase);
                self.restore_state = Some(state);
            }
            StatusPart::SyncJobs {
                failed,
                in_progress,
            } => {
                self.sync_jobs_failed = failed;
                self.sync_jobs_in_progress = in_progress;
            }
            StatusPart::SyncJobsBySource(failed) => self.sync_jobs_failed_by_source = Some(failed),
        }
        *self != before
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_change_is_news() {
        let mut summary = StatusSummary::default();
        assert!(summary.apply(StatusPart::BackupResult("failed")));
        assert!(!summary.apply(StatusPart::BackupResult("failed")));
        assert!(summary.apply(StatusPart::BackupRunning(true)));
        assert!(summary.apply(StatusPart::Restore {
            phase: "3".into(),
            state: "running"
        }));
        assert!(!summary.apply(StatusPart::Restore {
            phase: "3".into(),
            state: "running"
        }));
        assert!(summary.apply(StatusPart::SyncJobs {
            failed: Some(2),
            in_progress: Some(0)
        }));
        assert_eq!(
            summary,
            StatusSummary {
                backup_result: Some("failed"),
                last_backup_at: None,
                backup_age_hours: None,
                backup_running: Some(true),
                restore_phase: Some("3".into()),
                restore_state: Some("running"),
                cluster_nodes_down: None,
                sync_jobs_failed: Some(2),
                sync_jobs_in_progress: Some(0),
                sync_jobs_failed_by_source: None,
            }
        );
    }

    #[test]
    fn reads_as_the_host_expects() {
        let summary = StatusSummary {
            backup_result: Some("succeeded"),
            sync_jobs_failed: Some(3),
            sync_jobs_failed_by_source: Some(BySource(vec![
                ("aws", Some(3)),
                ("sfdc", Some(0)),
                ("sap", None),
            ])),
            ..StatusSummary::default()
        };
        let json: serde_json::Value = serde_json::from_str(&summary.to_json()).unwrap();
        assert_eq!(json["backupResult"], "succeeded");
        assert_eq!(json["syncJobsFailed"], 3);
        assert_eq!(
            json["syncJobsFailedBySource"],
            serde_json::json!({"aws": 3, "sfdc": 0, "sap": null})
        );
        assert!(json["backupRunning"].is_null());
        assert!(json["syncJobsInProgress"].is_null());
        assert!(json["lastBackupAt"].is_null());
        assert!(json["backupAgeHours"].is_null());
        assert!(json["restorePhase"].is_null());
        assert!(json["restoreState"].is_null());
        assert!(json["clusterNodesDown"].is_null());
        assert_eq!(json.as_object().unwrap().len(), 10);
    }
}

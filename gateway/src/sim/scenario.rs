use serde::{Deserialize, Serialize};

/// What kind of day the simulated servers are having.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    Quiet,
    Busy,
    Failing,
    ManyJobs,
}

impl Scenario {
    pub fn parse(name: &str) -> Option<Scenario> {
        match name {
            "quiet" => Some(Scenario::Quiet),
            "busy" => Some(Scenario::Busy),
            "failing" => Some(Scenario::Failing),
            "many-jobs" => Some(Scenario::ManyJobs),
            _ => None,
        }
    }

    pub fn rates(self) -> Rates {
        match self {
            Scenario::Quiet => Rates {
                backup_gap_s: (1800, 3600),
                backup_len_s: (20, 40),
                backup_outcome_percent: [100, 0, 0],
                restore_percent: 0,
                key_change_gap_s: (3600, 7200),
                sync_gap_s: (900, 1800),
                region_step_s: (5, 15),
                region_fail_percent: 0,
                abort_percent: 0,
                event_gap_s: (1200, 2400),
                delivery_percent: 95,
                history_jobs: 3,
            },
            Scenario::Busy | Scenario::ManyJobs => Rates {
                backup_gap_s: (60, 240),
                backup_len_s: (15, 60),
                backup_outcome_percent: [70, 20, 10],
                restore_percent: 20,
                key_change_gap_s: (300, 900),
                sync_gap_s: (20, 90),
                region_step_s: (3, 15),
                region_fail_percent: 8,
                abort_percent: 8,
                event_gap_s: (60, 180),
                delivery_percent: 60,
                history_jobs: if self == Scenario::ManyJobs {
                    10_000
                } else {
                    6
                },
            },
            Scenario::Failing => Rates {
                backup_gap_s: (60, 180),
                backup_len_s: (10, 40),
                backup_outcome_percent: [10, 20, 70],
                restore_percent: 10,
                key_change_gap_s: (300, 900),
                sync_gap_s: (30, 90),
                region_step_s: (3, 10),
                region_fail_percent: 50,
                abort_percent: 15,
                event_gap_s: (60, 180),
                delivery_percent: 15,
                history_jobs: 6,
            },
        }
    }
}

/// How often things happen and how they tend to end, in simulated seconds.
#[derive(Debug, Clone, Copy)]
pub struct Rates {
    pub backup_gap_s: (u64, u64),
    pub backup_len_s: (u64, u64),
    /// Chances of success, warning and failure.
    pub backup_outcome_percent: [u32; 3],
    /// Chance that the next GKLM task is a restore rather than a backup.
    pub restore_percent: u32,
    /// Between keys or certificates being added or changed, which then
    /// wait for the next backup.
    pub key_change_gap_s: (u64, u64),
    pub sync_gap_s: (u64, u64),
    pub region_step_s: (u64, u64),
    pub region_fail_percent: u32,
    pub abort_percent: u32,
    pub event_gap_s: (u64, u64),
    pub delivery_percent: u32,
    /// Finished AWS jobs already in the list when the world starts.
    pub history_jobs: usize,
}

use serde::Serialize;

use super::rng::SimRng;
use super::scenario::Rates;

/// Result of the most recent backup, as `GET /ckms/backups/result` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum BackupResult {
    #[serde(rename = "-1")]
    NotRunSinceStart,
    #[serde(rename = "0")]
    Succeeded,
    #[serde(rename = "1")]
    Failed,
    #[serde(rename = "2")]
    SucceededWithWarning,
}

impl BackupResult {
    pub fn code(self) -> &'static str {
        match self {
            BackupResult::NotRunSinceStart => "-1",
            BackupResult::Succeeded => "0",
            BackupResult::Failed => "1",
            BackupResult::SucceededWithWarning => "2",
        }
    }
}

pub const RESTORE_PHASES: [&str; 8] = [
    "IDLE",
    "INITIALIZE",
    "CREATE_TEMP_DIR",
    "RESTORE_CONFIG_FILES",
    "RESTORE_KEYSTORES",
    "RESTORE_DATABASES",
    "CLEANUP",
    "COMPLETED",
];
pub const RESTORE_COMPLETED: u8 = 7;

#[derive(Debug, Clone, PartialEq)]
enum Activity {
    Idle,
    BackingUp {
        outcome: BackupResult,
    },
    /// Phases still to come, each with how long it lasts (0 = too brief to see).
    Restoring {
        phase: u8,
        remaining: Vec<(u8, i64)>,
    },
    /// A finished restore still reports COMPLETED for a while.
    RestoreCompleted,
}

/// The GKLM server's one-at-a-time tasks: backups and restores, and whether
/// every key and certificate is in a backup (`GET /ckms/backups/need`).
#[derive(Debug, Clone)]
pub struct GklmTasks {
    rng: SimRng,
    rates: Rates,
    result: BackupResult,
    activity: Activity,
    next_change_ms: i64,
    /// A stream of its own, so that key changes leave the task history as it was.
    key_rng: SimRng,
    keys_backed_up: bool,
    next_key_change_ms: i64,
    /// When the last successful backup ended (simulated ms; before the
    /// world began when negative), for `GET /backupInfo`.
    last_success_ms: Option<i64>,
    /// When each successful backup ended (the files `GET /ckms/backups`
    /// lists), oldest first, at most [`BACKUP_FILES_KEPT`].
    successes: Vec<i64>,
}

/// The backup files the simulated server keeps.
pub const BACKUP_FILES_KEPT: usize = 30;

/// The server has a nightly backup from before the simulation began.
const FIRST_BACKUP_BEFORE_START_MS: i64 = -9 * 3_600_000;

/// The random stream of key changes.
const KEY_CHANGES_STREAM: u64 = 3;

impl GklmTasks {
    pub fn new(seed: u64, rates: Rates) -> Self {
        let mut rng = SimRng::new(seed, 1);
        let first_ms = rng.between(rates.backup_gap_s.0 / 2, rates.backup_gap_s.0) as i64 * 1000;
        let mut key_rng = SimRng::new(seed, KEY_CHANGES_STREAM);
        let first_key_change_ms =
            key_rng.between(rates.key_change_gap_s.0, rates.key_change_gap_s.1) as i64 * 1000;
        GklmTasks {
            rng,
            rates,
            result: BackupResult::NotRunSinceStart,
            activity: Activity::Idle,
            next_change_ms: first_ms,
            key_rng,
            // No backup since the server started: keys wait for one.
            keys_backed_up: false,
            next_key_change_ms: first_key_change_ms,
            last_success_ms: Some(FIRST_BACKUP_BEFORE_START_MS),
            // The nightly backups of the two nights before as well.
            successes: vec![
                FIRST_BACKUP_BEFORE_START_MS - 2 * 86_400_000,
                FIRST_BACKUP_BEFORE_START_MS - 86_400_000,
                FIRST_BACKUP_BEFORE_START_MS,
            ],
        }
    }

    /// True after a backup succeeded (with or without a warning), until a
    /// key changes or a restore puts back an older state.
    pub fn keys_backed_up(&self) -> bool {
        self.keys_backed_up
    }

    /// When the last successful backup ended, in simulated ms.
    pub fn last_success_ms(&self) -> Option<i64> {
        self.last_success_ms
    }

    /// When each kept backup file was made, in simulated ms, oldest first;
    /// the last is [`GklmTasks::last_success_ms`].
    pub fn successes(&self) -> &[i64] {
        &self.successes
    }

    pub fn result(&self) -> BackupResult {
        self.result
    }

    pub fn backup_running(&self) -> bool {
        matches!(self.activity, Activity::BackingUp { .. })
    }

    pub fn restore_phase(&self) -> u8 {
        match self.activity {
            Activity::Restoring { phase, .. } => phase,
            Activity::RestoreCompleted => RESTORE_COMPLETED,
            _ => 0,
        }
    }

    pub fn advance_to(&mut self, now_ms: i64) {
        loop {
            if self.next_key_change_ms <= now_ms && self.next_key_change_ms <= self.next_change_ms {
                self.keys_backed_up = false;
                let (lo, hi) = self.rates.key_change_gap_s;
                self.next_key_change_ms += self.key_rng.between(lo, hi) as i64 * 1000;
            } else if self.next_change_ms <= now_ms {
                let at = self.next_change_ms;
                self.step(at);
            } else {
                return;
            }
        }
    }

    fn step(&mut self, at: i64) {
        let rates = self.rates;
        let activity = std::mem::replace(&mut self.activity, Activity::Idle);
        match activity {
            Activity::Idle => {
                if self.rng.percent(rates.restore_percent) {
                    self.start_restore(at);
                } else {
                    let outcome = self.draw_outcome();
                    self.activity = Activity::BackingUp { outcome };
                    self.next_change_ms = at + self.seconds(rates.backup_len_s);
                }
            }
            Activity::BackingUp { outcome } => {
                self.result = outcome;
                if matches!(
                    outcome,
                    BackupResult::Succeeded | BackupResult::SucceededWithWarning
                ) {
                    self.keys_backed_up = true;
                    self.last_success_ms = Some(at);
                    self.successes.push(at);
                    if self.successes.len() > BACKUP_FILES_KEPT {
                        self.successes.remove(0);
                    }
                }
                self.rest(at);
            }
            Activity::Restoring { mut remaining, .. } => {
                // Phases too brief to be seen are passed over without a stop.
                while let Some((phase, len_ms)) = remaining.first().copied() {
                    remaining.remove(0);
                    if len_ms > 0 {
                        self.activity = Activity::Restoring { phase, remaining };
                        self.next_change_ms = at + len_ms;
                        return;
                    }
                }
                // The server restarts after a restore: no backup has run since,
                // and what was restored is not the state the last backup saw.
                self.result = BackupResult::NotRunSinceStart;
                self.keys_backed_up = false;
                self.activity = Activity::RestoreCompleted;
                self.next_change_ms = at + self.seconds((60, 180));
            }
            Activity::RestoreCompleted => self.rest(at),
        }
    }

    fn start_restore(&mut self, at: i64) {
        let mut plan = Vec::new();
        for phase in 2..RESTORE_COMPLETED {
            let brief = matches!(phase, 2 | 3 | 6);
            let len_ms = if brief && self.rng.percent(50) {
                0
            } else {
                self.seconds((3, 20))
            };
            plan.push((phase, len_ms));
        }
        self.activity = Activity::Restoring {
            phase: 1,
            remaining: plan,
        };
        self.next_change_ms = at + self.seconds((2, 6));
    }

    fn rest(&mut self, at: i64) {
        self.activity = Activity::Idle;
        self.next_change_ms = at + self.seconds(self.rates.backup_gap_s);
    }

    fn draw_outcome(&mut self) -> BackupResult {
        let [ok, warn, _] = self.rates.backup_outcome_percent;
        let roll = (self.rng.next_u64() % 100) as u32;
        if roll < ok {
            BackupResult::Succeeded
        } else if roll < ok + warn {
            BackupResult::SucceededWithWarning
        } else {
            BackupResult::Failed
        }
    }

    fn seconds(&mut self, range: (u64, u64)) -> i64 {
        self.rng.between(range.0, range.1) as i64 * 1000
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::{Rates, Scenario};

    #[test]
    fn starts_unknown_idle_and_not_running() {
        let tasks = GklmTasks::new(1, Scenario::Busy.rates());
        assert_eq!(tasks.result(), BackupResult::NotRunSinceStart);
        assert!(!tasks.backup_running());
        assert_eq!(tasks.restore_phase(), 0);
    }

    #[test]
    fn over_a_day_backups_run_end_every_way_and_restores_walk_forward() {
        let mut tasks = GklmTasks::new(1, Scenario::Busy.rates());
        let mut seen_running = false;
        let mut results = std::collections::BTreeSet::new();
        let mut last_phase = 0;
        for second in 0..86_400 {
            tasks.advance_to(second * 1000);
            seen_running |= tasks.backup_running();
            results.insert(tasks.result().code());
            let phase = tasks.restore_phase();
            assert!(
                phase == 0 || phase >= last_phase,
                "restore went back from {last_phase} to {phase}"
            );
            assert!(!(tasks.backup_running() && phase != 0));
            last_phase = phase;
        }
        assert!(seen_running);
        assert_eq!(results.len(), 4, "saw {results:?}");
    }

    #[test]
    fn keys_wait_for_a_backup_until_one_succeeds_and_again_after_changes_and_restores() {
        let mut tasks = GklmTasks::new(1, Scenario::Busy.rates());
        assert!(!tasks.keys_backed_up());
        let (mut backed_up_after_success, mut waiting_after_success) = (false, false);
        let mut ever_succeeded = false;
        for second in 0..86_400 {
            tasks.advance_to(second * 1000);
            if tasks.restore_phase() == RESTORE_COMPLETED {
                assert!(!tasks.keys_backed_up(), "restored at {second} s");
            }
            let succeeded = matches!(
                tasks.result(),
                BackupResult::Succeeded | BackupResult::SucceededWithWarning
            );
            ever_succeeded |= succeeded;
            if !ever_succeeded {
                assert!(!tasks.keys_backed_up(), "no backup yet at {second} s");
            }
            if succeeded {
                backed_up_after_success |= tasks.keys_backed_up();
                waiting_after_success |= !tasks.keys_backed_up();
            }
        }
        assert!(
            backed_up_after_success,
            "a successful backup covers the keys"
        );
        assert!(
            waiting_after_success,
            "keys change after a backup and wait again"
        );
    }

    #[test]
    fn key_changes_leave_the_task_history_as_it_was() {
        let rates = Scenario::Busy.rates();
        let never = Rates {
            key_change_gap_s: (1 << 40, 1 << 40),
            ..rates
        };
        let mut with_changes = GklmTasks::new(1, rates);
        let mut without = GklmTasks::new(1, never);
        let mut differed = false;
        for second in 0..20_000 {
            with_changes.advance_to(second * 1000);
            without.advance_to(second * 1000);
            assert_eq!(with_changes.result(), without.result(), "at {second} s");
            assert_eq!(with_changes.backup_running(), without.backup_running());
            assert_eq!(with_changes.restore_phase(), without.restore_phase());
            differed |= with_changes.keys_backed_up() != without.keys_backed_up();
        }
        assert!(differed, "key changes did happen");
    }

    #[test]
    fn the_newest_backup_file_is_the_last_success() {
        let mut tasks = GklmTasks::new(1, Scenario::Busy.rates());
        let mut grew = false;
        for second in (0..86_400).step_by(60) {
            let before = tasks.successes().len();
            tasks.advance_to(second * 1000);
            grew |= tasks.successes().len() > before;
            assert_eq!(tasks.successes().last().copied(), tasks.last_success_ms());
            assert!(tasks.successes().len() <= BACKUP_FILES_KEPT);
            assert!(tasks.successes().windows(2).all(|w| w[0] < w[1]));
        }
        assert!(grew, "backups were made");
    }

    #[test]
    fn same_seed_same_history_whatever_the_polling() {
        let mut coarse = GklmTasks::new(9, Scenario::Busy.rates());
        let mut fine = GklmTasks::new(9, Scenario::Busy.rates());
        for second in 0..5_000 {
            fine.advance_to(second * 1000);
        }
        coarse.advance_to(4_999_000);
        assert_eq!(coarse.result(), fine.result());
        assert_eq!(coarse.backup_running(), fine.backup_running());
        assert_eq!(coarse.restore_phase(), fine.restore_phase());
        assert_eq!(coarse.keys_backed_up(), fine.keys_backed_up());
    }
}

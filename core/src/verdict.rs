//! How each reading looks to an operator at a glance: a tone (colour), an
//! icon and a word, never colour alone, and a stable name for the DOM
//! (`data-state`) that tests and hosts can rely on.

use crate::model::backup::{BackupActivity, BackupNeed, BackupResult};
use crate::model::backup_info::BackupAge;
use crate::model::cluster::MasterState;
use crate::model::cluster_report::ClusterReading;
use crate::model::notification::{DeliveryReading, EventUuidProblem};
use crate::model::restore::{PhaseState, RestorePhase, RestoreProgress};
use crate::model::sync_job::{RegionReading, SyncStatus};
use crate::text::Text;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Good,
    Warning,
    Bad,
    /// Something is under way.
    Active,
    Neutral,
}

impl Tone {
    pub fn class(self) -> &'static str {
        match self {
            Tone::Good => "kw-tone-good",
            Tone::Warning => "kw-tone-warning",
            Tone::Bad => "kw-tone-bad",
            Tone::Active => "kw-tone-active",
            Tone::Neutral => "kw-tone-neutral",
        }
    }

    /// A shape that says the same as the colour.
    pub fn icon(self) -> &'static str {
        match self {
            Tone::Good => "✓",
            Tone::Warning => "!",
            Tone::Bad => "✕",
            Tone::Active => "↻",
            Tone::Neutral => "–",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub tone: Tone,
    pub label: Text,
    pub state: &'static str,
}

const fn verdict(tone: Tone, label: Text, state: &'static str) -> Verdict {
    Verdict { tone, label, state }
}

pub fn backup_result(result: &BackupResult) -> Verdict {
    match result {
        BackupResult::Succeeded { .. } => verdict(Tone::Good, Text::BackupSucceeded, "succeeded"),
        BackupResult::Failed { .. } => verdict(Tone::Bad, Text::BackupFailed, "failed"),
        BackupResult::SucceededWithWarning { .. } => verdict(
            Tone::Warning,
            Text::BackupSucceededWithWarning,
            "succeeded-with-warning",
        ),
        BackupResult::NotRunSinceStart { .. } => {
            verdict(Tone::Neutral, Text::BackupNotRunSinceStart, "not-run")
        }
        BackupResult::Unrecognised { .. } => {
            verdict(Tone::Neutral, Text::BackupUnrecognised, "unrecognised")
        }
    }
}

/// The last backup's age against the limit. `label` is what the card says
/// after "Last backup … ago"; an unknown age has no verdict.
pub fn backup_age(age: BackupAge) -> Option<Verdict> {
    Some(match age {
        BackupAge::Recent { .. } => verdict(Tone::Good, Text::LastBackupMade, "backup-recent"),
        BackupAge::Old { .. } => verdict(Tone::Warning, Text::LastBackupMade, "backup-old"),
        BackupAge::Overdue { .. } => verdict(Tone::Bad, Text::LastBackupMade, "backup-overdue"),
        BackupAge::Never => verdict(Tone::Bad, Text::BackupNeverMade, "never-backed-up"),
        BackupAge::Unknown => return None,
    })
}

/// The "Cluster and server" card at a glance.
pub fn cluster(reading: ClusterReading) -> Verdict {
    match reading {
        ClusterReading::MasterDown => verdict(Tone::Bad, Text::ClusterMasterDown, "master-down"),
        ClusterReading::Isolated => verdict(Tone::Bad, Text::ClusterIsolated, "isolated"),
        ClusterReading::Unhealthy => verdict(Tone::Bad, Text::ServerUnhealthy, "unhealthy"),
        ClusterReading::AgentDown => verdict(Tone::Warning, Text::ClusterAgentDown, "agent-down"),
        ClusterReading::ListenerDown => verdict(Tone::Warning, Text::ListenerDown, "listener-down"),
        ClusterReading::Whole => verdict(Tone::Good, Text::ClusterWhole, "cluster-whole"),
        ClusterReading::Standalone => verdict(Tone::Good, Text::NotInCluster, "standalone"),
        ClusterReading::Unknown => verdict(Tone::Neutral, Text::NothingRead, "unknown"),
    }
}

/// A master's reachability: tone, word and a stable name.
pub fn master_state(state: Option<MasterState>) -> (Tone, Text, &'static str) {
    match state {
        Some(MasterState::Reachable) => (Tone::Good, Text::ReachableWord, "reachable"),
        Some(MasterState::Unreachable) => (Tone::Bad, Text::UnreachableWord, "unreachable"),
        _ => (Tone::Neutral, Text::UnknownWord, "unknown"),
    }
}

/// The worse of two verdicts (bad over warning over anything else); the
/// first when they are as bad.
pub fn worse(a: Verdict, b: Verdict) -> Verdict {
    let weight = |v: &Verdict| match v.tone {
        Tone::Bad => 2,
        Tone::Warning => 1,
        _ => 0,
    };
    if weight(&b) > weight(&a) {
        b
    } else {
        a
    }
}

pub fn backup_need(need: &BackupNeed) -> Verdict {
    match need {
        BackupNeed::AllBackedUp { .. } => verdict(Tone::Good, Text::KeysAllBackedUp, "backed-up"),
        BackupNeed::KeysWaiting { .. } => {
            verdict(Tone::Warning, Text::KeysAwaitBackup, "keys-waiting")
        }
        BackupNeed::Unrecognised { .. } => {
            verdict(Tone::Neutral, Text::KeysBackupNeedUnknown, "unrecognised")
        }
    }
}

pub fn backup_activity(activity: &BackupActivity) -> Verdict {
    match activity {
        BackupActivity::Running { .. } => verdict(Tone::Active, Text::BackupRunning, "running"),
        BackupActivity::Idle { .. } => verdict(Tone::Neutral, Text::BackupNotRunning, "idle"),
        BackupActivity::Unrecognised { .. } => verdict(
            Tone::Neutral,
            Text::BackupActivityUnrecognised,
            "unrecognised",
        ),
    }
}

pub fn phase_text(phase: RestorePhase) -> Text {
    match phase {
        RestorePhase::Idle => Text::PhaseIdle,
        RestorePhase::Initialize => Text::PhaseInitialize,
        RestorePhase::CreateTempDir => Text::PhaseCreateTempDir,
        RestorePhase::RestoreConfigFiles => Text::PhaseRestoreConfigFiles,
        RestorePhase::RestoreKeystores => Text::PhaseRestoreKeystores,
        RestorePhase::RestoreDatabases => Text::PhaseRestoreDatabases,
        RestorePhase::Cleanup => Text::PhaseCleanup,
        RestorePhase::Completed => Text::PhaseCompleted,
    }
}

/// A phase's name in the stepper, where IDLE is a step like the others.
pub fn step_text(phase: RestorePhase) -> Text {
    match phase {
        RestorePhase::Idle => Text::PhaseIdleStep,
        other => phase_text(other),
    }
}

pub fn restore(progress: &RestoreProgress) -> Verdict {
    match progress.phase {
        Some(RestorePhase::Idle) => verdict(Tone::Neutral, Text::PhaseIdle, "idle"),
        Some(RestorePhase::Completed) => verdict(Tone::Good, Text::PhaseCompleted, "completed"),
        Some(phase) => verdict(Tone::Active, phase_text(phase), "running"),
        None => verdict(Tone::Neutral, Text::PhaseUnknown, "unrecognised"),
    }
}

/// A step of the restore stepper: its tone and the word for its state.
pub fn phase_state(state: PhaseState) -> (Tone, Text, &'static str) {
    match state {
        PhaseState::Passed => (Tone::Good, Text::PhaseDone, "passed"),
        PhaseState::PassedUnseen => (Tone::Good, Text::PhaseDoneUnseen, "passed-unseen"),
        PhaseState::Current => (Tone::Active, Text::PhaseNow, "current"),
        PhaseState::Pending => (Tone::Neutral, Text::PhaseToCome, "pending"),
    }
}

/// How a channel's delivery reads: a word for 0 and 1, the raw value otherwise.
pub fn delivery(reading: &DeliveryReading) -> (Tone, Option<Text>, &'static str) {
    match reading {
        DeliveryReading::Delivered => (Tone::Good, Some(Text::Delivered), "delivered"),
        DeliveryReading::NotDelivered => (Tone::Warning, Some(Text::NotDelivered), "not-delivered"),
        DeliveryReading::Other(_) => (Tone::Neutral, None, "other"),
    }
}

/// A sync job's status: tone, word (`None`: show the server's own text), and a
/// stable name for the DOM.
pub fn sync_status(status: &SyncStatus) -> (Tone, Option<Text>, &'static str) {
    match status {
        SyncStatus::Completed => (Tone::Good, Some(Text::StatusCompleted), "completed"),
        SyncStatus::Failed => (Tone::Bad, Some(Text::StatusFailed), "failed"),
        SyncStatus::InProgress => (Tone::Active, Some(Text::StatusInProgress), "in_progress"),
        SyncStatus::Aborted => (Tone::Warning, Some(Text::StatusAborted), "aborted"),
        SyncStatus::Other(_) => (Tone::Neutral, None, "other"),
    }
}

/// How one account/region's text reads.
pub fn region(reading: RegionReading) -> (Tone, Text) {
    match reading {
        RegionReading::Synchronized => (Tone::Good, Text::RegionSynchronized),
        RegionReading::InProgress => (Tone::Active, Text::RegionInProgress),
        RegionReading::Failed => (Tone::Bad, Text::RegionFailed),
        RegionReading::Other => (Tone::Neutral, Text::RegionOther),
    }
}

pub fn event_uuid_problem(problem: EventUuidProblem) -> Text {
    match problem {
        EventUuidProblem::Empty => Text::UuidEmpty,
        EventUuidProblem::Whitespace => Text::UuidWhitespace,
        EventUuidProblem::Slash => Text::UuidSlash,
        EventUuidProblem::DotDot => Text::UuidDotDot,
        EventUuidProblem::TooLong => Text::UuidTooLong,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn status() -> String {
        "Operation succeeded".into()
    }

    #[test]
    fn an_old_backup_warns_an_overdue_or_missing_one_fails_and_the_worse_wins() {
        let recent = backup_age(BackupAge::Recent { hours: 3 }).unwrap();
        let old = backup_age(BackupAge::Old { hours: 26 }).unwrap();
        let overdue = backup_age(BackupAge::Overdue { hours: 60 }).unwrap();
        let never = backup_age(BackupAge::Never).unwrap();
        assert_eq!(backup_age(BackupAge::Unknown), None);
        assert_eq!(
            [recent.tone, old.tone, overdue.tone, never.tone],
            [Tone::Good, Tone::Warning, Tone::Bad, Tone::Bad]
        );
        let succeeded = backup_result(&BackupResult::Succeeded { status: status() });
        let failed = backup_result(&BackupResult::Failed { status: status() });
        assert_eq!(worse(succeeded, recent).state, "succeeded");
        assert_eq!(worse(succeeded, old).state, "backup-old");
        assert_eq!(worse(old, overdue).state, "backup-overdue");
        assert_eq!(
            worse(failed, overdue).state,
            "failed",
            "as bad: the first stays"
        );
    }

    #[test]
    fn each_backup_result_has_its_own_tone_label_and_state() {
        let cases = [
            (
                BackupResult::Succeeded { status: status() },
                Tone::Good,
                "succeeded",
            ),
            (
                BackupResult::Failed { status: status() },
                Tone::Bad,
                "failed",
            ),
            (
                BackupResult::SucceededWithWarning { status: status() },
                Tone::Warning,
                "succeeded-with-warning",
            ),
            (
                BackupResult::NotRunSinceStart { status: status() },
                Tone::Neutral,
                "not-run",
            ),
            (
                BackupResult::Unrecognised {
                    code: "9".into(),
                    status: status(),
                },
                Tone::Neutral,
                "unrecognised",
            ),
        ];
        let mut labels = HashSet::new();
        let mut states = HashSet::new();
        for (result, tone, state) in &cases {
            let v = backup_result(result);
            assert_eq!((v.tone, v.state), (*tone, *state), "{result:?}");
            labels.insert(v.label);
            states.insert(v.state);
        }
        assert_eq!(labels.len(), cases.len(), "labels must differ: {labels:?}");
        assert_eq!(states.len(), cases.len());
    }

    #[test]
    fn every_tone_has_its_own_icon() {
        let tones = [
            Tone::Good,
            Tone::Warning,
            Tone::Bad,
            Tone::Active,
            Tone::Neutral,
        ];
        let icons: HashSet<&str> = tones.iter().map(|t| t.icon()).collect();
        assert_eq!(icons.len(), tones.len());
        let classes: HashSet<&str> = tones.iter().map(|t| t.class()).collect();
        assert_eq!(classes.len(), tones.len());
    }

    #[test]
    fn every_restore_phase_has_its_own_words() {
        let texts: HashSet<Text> = RestorePhase::ALL.iter().map(|p| phase_text(*p)).collect();
        assert_eq!(texts.len(), 8);
        let at = |code: &str, phase| RestoreProgress {
            code: code.into(),
            phase,
            status: String::new(),
        };
        assert_eq!(
            restore(&at("0", Some(RestorePhase::Idle))).label,
            Text::PhaseIdle
        );
        assert_eq!(
            restore(&at("4", Some(RestorePhase::RestoreKeystores))).tone,
            Tone::Active
        );
        assert_eq!(
            restore(&at("7", Some(RestorePhase::Completed))).tone,
            Tone::Good
        );
        assert_eq!(restore(&at("42", None)).state, "unrecognised");
    }

    #[test]
    fn a_backup_that_waits_is_a_warning() {
        let waiting = backup_need(&BackupNeed::KeysWaiting { status: status() });
        assert_eq!(
            (waiting.tone, waiting.state),
            (Tone::Warning, "keys-waiting")
        );
        let running = backup_activity(&BackupActivity::Running { status: status() });
        assert_eq!(
            (running.tone, running.label),
            (Tone::Active, Text::BackupRunning)
        );
    }
}

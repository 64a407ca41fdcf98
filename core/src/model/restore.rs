//! The progress of a GKLM restore (`GET /ckms/backupRestore/progress`).

use crate::json::Value;

use super::code::code_number;
use super::decode::{DecodeError, Fields};

/// The documented phases of a restore, in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RestorePhase {
    Idle = 0,
    Initialize = 1,
    CreateTempDir = 2,
    RestoreConfigFiles = 3,
    RestoreKeystores = 4,
    RestoreDatabases = 5,
    Cleanup = 6,
    Completed = 7,
}

impl RestorePhase {
    pub const ALL: [RestorePhase; 8] = [
        RestorePhase::Idle,
        RestorePhase::Initialize,
        RestorePhase::CreateTempDir,
        RestorePhase::RestoreConfigFiles,
        RestorePhase::RestoreKeystores,
        RestorePhase::RestoreDatabases,
        RestorePhase::Cleanup,
        RestorePhase::Completed,
    ];

    pub fn from_code(code: i64) -> Option<RestorePhase> {
        usize::try_from(code)
            .ok()
            .and_then(|i| RestorePhase::ALL.get(i).copied())
    }

    pub fn code(self) -> u8 {
        self as u8
    }

    /// The server's name for the phase, e.g. `RESTORE_KEYSTORES`.
    pub fn name(self) -> &'static str {
        match self {
            RestorePhase::Idle => "IDLE",
            RestorePhase::Initialize => "INITIALIZE",
            RestorePhase::CreateTempDir => "CREATE_TEMP_DIR",
            RestorePhase::RestoreConfigFiles => "RESTORE_CONFIG_FILES",
            RestorePhase::RestoreKeystores => "RESTORE_KEYSTORES",
            RestorePhase::RestoreDatabases => "RESTORE_DATABASES",
            RestorePhase::Cleanup => "CLEANUP",
            RestorePhase::Completed => "COMPLETED",
        }
    }
}

/// One observation of the restore progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RestoreProgress {
    /// The code as sent (`"7"`), kept even when it is not a known phase.
    pub code: String,
    /// The phase the code names; `None` for an unknown code.
    pub phase: Option<RestorePhase>,
    /// The server's status text (`COMPLETED`).
    pub status: String,
}

impl RestoreProgress {
    /// Reads `{"code":"7","status":"COMPLETED"}`.
    pub fn from_json(value: &Value) -> Result<Self, DecodeError> {
        let fields = Fields::of(value, "")?;
        let code = fields.code("code")?;
        let status = fields.message("status")?;
        let phase = code_number(&code).and_then(RestorePhase::from_code);
        Ok(RestoreProgress {
            code,
            phase,
            status,
        })
    }
}

/// Where a phase stands, as a progress display shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhaseState {
    Passed,
    /// Passed between two observations, never seen running.
    PassedUnseen,
    Current,
    Pending,
}

/// Each phase with its state, given the previous and the current observation.
///
/// Phases run in order, so every phase before the current one has passed.
/// Brief ones that ran between two observations (a jump from 2 to 5 passes
/// 3 and 4 unseen) are [`PhaseState::PassedUnseen`], never errors. COMPLETED
/// is passed, not current: the restore is done. When the current code is
/// unknown, the last known phase is taken as passed and the rest as pending,
/// with none current; when neither is known, all are pending.
pub fn phase_states(
    previous: Option<&RestoreProgress>,
    current: &RestoreProgress,
) -> [(RestorePhase, PhaseState); 8] {
    let current_phase = current.phase;
    let last_known = previous.and_then(|p| p.phase);
    RestorePhase::ALL.map(|phase| {
        let state = match (current_phase, last_known) {
            (Some(RestorePhase::Completed), _) if phase == RestorePhase::Completed => {
                PhaseState::Passed
            }
            (Some(now), Some(before)) if phase < now && phase > before => PhaseState::PassedUnseen,
            (Some(now), _) if phase < now => PhaseState::Passed,
            (Some(now), _) if phase == now => PhaseState::Current,
            (Some(_), _) => PhaseState::Pending,
            (None, Some(before)) if phase <= before => PhaseState::Passed,
            (None, _) => PhaseState::Pending,
        };
        (phase, state)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::json;

    fn at(code: &str) -> RestoreProgress {
        RestoreProgress {
            code: code.to_owned(),
            phase: code_number(code).and_then(RestorePhase::from_code),
            status: String::new(),
        }
    }

    fn states(previous: Option<&str>, current: &str) -> Vec<PhaseState> {
        let previous = previous.map(at);
        phase_states(previous.as_ref(), &at(current))
            .iter()
            .map(|(_, s)| *s)
            .collect()
    }

    use PhaseState::{Current as C, Passed as P, Pending as W};

    #[test]
    fn every_phase_code_has_its_documented_name() {
        let names = [
            "IDLE",
            "INITIALIZE",
            "CREATE_TEMP_DIR",
            "RESTORE_CONFIG_FILES",
            "RESTORE_KEYSTORES",
            "RESTORE_DATABASES",
            "CLEANUP",
            "COMPLETED",
        ];
        for (code, name) in names.iter().enumerate() {
            let progress =
                RestoreProgress::from_json(&json!({"code": code.to_string(), "status": name}));
            let phase = progress.as_ref().ok().and_then(|p| p.phase);
            assert_eq!(phase.map(RestorePhase::name), Some(*name));
            assert_eq!(phase.map(RestorePhase::code), Some(code as u8));
        }
    }

    #[test]
    fn unknown_codes_are_kept_as_sent() {
        assert_eq!(
            RestoreProgress::from_json(&json!({"code": 8, "status": "NEW_PHASE"})),
            Ok(RestoreProgress {
                code: "8".to_owned(),
                phase: None,
                status: "NEW_PHASE".to_owned()
            })
        );
        assert_eq!(at("-1").phase, None);
        assert_eq!(at("x").phase, None);
    }

    use PhaseState::PassedUnseen as U;

    #[test]
    fn a_jump_marks_the_phases_in_between_passed_unseen() {
        assert_eq!(states(Some("2"), "5"), [P, P, P, U, U, C, W, W]);
        assert_eq!(states(Some("1"), "6"), [P, P, U, U, U, U, C, W]);
        // Seen one after the other: nothing ran unseen.
        assert_eq!(states(Some("3"), "4"), [P, P, P, P, C, W, W, W]);
        // Without an earlier reading, nothing is known to have been missed.
        assert_eq!(states(None, "5"), [P, P, P, P, P, C, W, W]);
    }

    #[test]
    fn first_observation_and_completion() {
        assert_eq!(states(None, "3"), [P, P, P, C, W, W, W, W]);
        // COMPLETED is done, not under way.
        assert_eq!(states(None, "7"), [P; 8]);
        assert_eq!(states(Some("4"), "7"), [P, P, P, P, P, U, U, P]);
        assert_eq!(states(None, "0"), [C, W, W, W, W, W, W, W]);
    }

    #[test]
    fn an_unknown_code_keeps_what_was_known() {
        assert_eq!(states(Some("4"), "42"), [P, P, P, P, P, W, W, W]);
        assert_eq!(states(None, "42"), [W; 8]);
    }

    #[test]
    fn no_movement_or_a_new_restore_skips_nothing() {
        assert_eq!(states(Some("5"), "5"), [P, P, P, P, P, C, W, W]);
        assert_eq!(states(Some("7"), "2"), [P, P, C, W, W, W, W, W]);
    }
}

//! The progress of a GKLM restore (`GET /ckms/backupRestore/progress`).

use serde_json::Value;

use super::code::code_number;
use super::decode::{DecodeError, Fields};
use crate::lang::Language;

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

    /// What the phase does, for a person.
    pub fn label(self, lang: Language) -> &'static str {
        let (en, de) = match self {
            RestorePhase::Idle => ("No restore running", "Keine Wiederherstellung aktiv"),
            RestorePhase::Initialize => ("Starting", "Start"),
            RestorePhase::CreateTempDir => {
                ("Creating a temporary folder", "Temporären Ordner anlegen")
            }
            RestorePhase::RestoreConfigFiles => (
                "Restoring configuration files",
                "Konfigurationsdateien wiederherstellen",
            ),
            RestorePhase::RestoreKeystores => ("Restoring keystores", "Keystores wiederherstellen"),
            RestorePhase::RestoreDatabases => {
                ("Restoring databases", "Datenbanken wiederherstellen")
            }
            RestorePhase::Cleanup => ("Cleaning up", "Aufräumen"),
            RestorePhase::Completed => ("Completed", "Abgeschlossen"),
        };
        match lang {
            Language::En => en,
            Language::De => de,
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
    Current,
    Pending,
}

/// Each phase with its state, given the previous and the current observation.
///
/// Phases run in order, so every phase before the current one has passed,
/// including brief ones never observed (a jump from 2 to 5 marks 3 and 4
/// passed). When the current code is unknown, the last known phase is taken
/// as passed and the rest as pending, with none current; when neither is
/// known, all are pending.
pub fn phase_states(
    previous: Option<&RestoreProgress>,
    current: &RestoreProgress,
) -> [(RestorePhase, PhaseState); 8] {
    let current_phase = current.phase;
    let last_known = previous.and_then(|p| p.phase);
    RestorePhase::ALL.map(|phase| {
        let state = match (current_phase, last_known) {
            (Some(now), _) if phase < now => PhaseState::Passed,
            (Some(now), _) if phase == now => PhaseState::Current,
            (Some(_), _) => PhaseState::Pending,
            (None, Some(before)) if phase <= before => PhaseState::Passed,
            (None, _) => PhaseState::Pending,
        };
        (phase, state)
    })
}

/// The phases that ran between two observations without being observed:
/// from 2 to 5 they are 3 and 4. Empty when the restore did not move
/// forward or either code is unknown.
pub fn unobserved_phases(
    previous: &RestoreProgress,
    current: &RestoreProgress,
) -> Vec<RestorePhase> {
    match (previous.phase, current.phase) {
        (Some(before), Some(now)) => RestorePhase::ALL
            .into_iter()
            .filter(|phase| *phase > before && *phase < now)
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
            assert!(phase.is_some_and(|p| !p.label(Language::De).is_empty()));
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

    #[test]
    fn a_jump_marks_the_skipped_phases_passed() {
        assert_eq!(states(Some("2"), "5"), [P, P, P, P, P, C, W, W]);
        assert_eq!(
            unobserved_phases(&at("2"), &at("5")),
            [
                RestorePhase::RestoreConfigFiles,
                RestorePhase::RestoreKeystores
            ]
        );
    }

    #[test]
    fn first_observation_and_completion() {
        assert_eq!(states(None, "3"), [P, P, P, C, W, W, W, W]);
        assert_eq!(states(None, "7"), [P, P, P, P, P, P, P, C]);
        assert_eq!(states(Some("4"), "7"), [P, P, P, P, P, P, P, C]);
        assert_eq!(states(None, "0"), [C, W, W, W, W, W, W, W]);
    }

    #[test]
    fn an_unknown_code_keeps_what_was_known() {
        assert_eq!(states(Some("4"), "42"), [P, P, P, P, P, W, W, W]);
        assert_eq!(states(None, "42"), [W; 8]);
        assert!(unobserved_phases(&at("4"), &at("42")).is_empty());
    }

    #[test]
    fn no_movement_or_going_back_skips_nothing() {
        assert!(unobserved_phases(&at("5"), &at("5")).is_empty());
        assert!(unobserved_phases(&at("5"), &at("2")).is_empty());
        assert!(unobserved_phases(&at("3"), &at("4")).is_empty());
    }
}

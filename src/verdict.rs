//! How each reading looks to an operator at a glance: a tone, a label, and a
//! stable name for the DOM (`data-state`) that tests and hosts can rely on.

use crate::model::backup::BackupResult;
use crate::text::Text;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Good,
    Warning,
    Bad,
    Neutral,
}

impl Tone {
    pub fn class(self) -> &'static str {
        match self {
            Tone::Good => "kw-tone-good",
            Tone::Warning => "kw-tone-warning",
            Tone::Bad => "kw-tone-bad",
            Tone::Neutral => "kw-tone-neutral",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub tone: Tone,
    pub label: Text,
    pub state: &'static str,
}

pub fn backup_result(result: &BackupResult) -> Verdict {
    let (tone, label, state) = match result {
        BackupResult::Succeeded { .. } => (Tone::Good, Text::BackupSucceeded, "succeeded"),
        BackupResult::Failed { .. } => (Tone::Bad, Text::BackupFailed, "failed"),
        BackupResult::SucceededWithWarning { .. } => (
            Tone::Warning,
            Text::BackupSucceededWithWarning,
            "succeeded-with-warning",
        ),
        BackupResult::NotRunSinceStart { .. } => {
            (Tone::Neutral, Text::BackupNotRunSinceStart, "not-run")
        }
        BackupResult::Unrecognised { .. } => {
            (Tone::Neutral, Text::BackupUnrecognised, "unrecognised")
        }
    };
    Verdict { tone, label, state }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status() -> String {
        "Operation succeeded".into()
    }

    #[test]
    fn each_backup_result_has_its_own_tone_and_label() {
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
        ];
        let mut labels = Vec::new();
        for (result, tone, state) in cases {
            let v = backup_result(&result);
            assert_eq!((v.tone, v.state), (tone, state), "{result:?}");
            labels.push(v.label);
        }
        labels.dedup();
        assert_eq!(labels.len(), 4, "labels must differ: {labels:?}");
    }
}

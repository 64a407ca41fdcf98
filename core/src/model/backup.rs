//! The GKLM backup: how the most recent one went, and whether one is running.

use crate::json::Value;

use super::code::code_number;
use super::decode::{DecodeError, Fields};

/// The result of the most recent backup task (`GET /ckms/backups/result`),
/// each with the server's own status text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BackupResult {
    /// Code `-1`: no backup has run since the server started, so the result is unknown.
    NotRunSinceStart { status: String },
    /// Code `0`.
    Succeeded { status: String },
    /// Code `1`.
    Failed { status: String },
    /// Code `2`.
    SucceededWithWarning { status: String },
    /// A code the documentation does not list, kept as sent.
    Unrecognised { code: String, status: String },
}

impl BackupResult {
    /// Reads `{"code":"0","status":"Operation succeeded"}`; the code may be
    /// text or a number, `status` may be absent, other fields are ignored.
    pub fn from_json(value: &Value) -> Result<Self, DecodeError> {
        let fields = Fields::of(value, "")?;
        let code = fields.code("code")?;
        let status = fields.message("status")?;
        Ok(match code_number(&code) {
            Some(-1) => BackupResult::NotRunSinceStart { status },
            Some(0) => BackupResult::Succeeded { status },
            Some(1) => BackupResult::Failed { status },
            Some(2) => BackupResult::SucceededWithWarning { status },
            _ => BackupResult::Unrecognised { code, status },
        })
    }

    /// The server's status text.
    pub fn status(&self) -> &str {
        match self {
            BackupResult::NotRunSinceStart { status }
            | BackupResult::Succeeded { status }
            | BackupResult::Failed { status }
            | BackupResult::SucceededWithWarning { status }
            | BackupResult::Unrecognised { status, .. } => status,
        }
    }
}

/// Whether a backup task is running (`GET /ckms/backups/isrunning`).
/// The wire code is inverted: `0` means running, `1` means not running.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BackupActivity {
    Running { status: String },
    Idle { status: String },
    Unrecognised { code: String, status: String },
}

impl BackupActivity {
    pub fn from_json(value: &Value) -> Result<Self, DecodeError> {
        let fields = Fields::of(value, "")?;
        let code = fields.code("code")?;
        let status = fields.message("status")?;
        Ok(match code_number(&code) {
            Some(0) => BackupActivity::Running { status },
            Some(1) => BackupActivity::Idle { status },
            _ => BackupActivity::Unrecognised { code, status },
        })
    }

    pub fn status(&self) -> &str {
        match self {
            BackupActivity::Running { status }
            | BackupActivity::Idle { status }
            | BackupActivity::Unrecognised { status, .. } => status,
        }
    }

    pub fn is_running(&self) -> bool {
        matches!(self, BackupActivity::Running { .. })
    }
}

/// Whether keys and certificates wait for a backup (`GET /ckms/backups/need`).
/// GKLM answers with a message: CTGKM1304I (all backed up) or CTGKM1305I
/// (some are not). The message id may come as `code`, `messageId`, or at the
/// start of the text; any other answer is kept as sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BackupNeed {
    AllBackedUp { status: String },
    KeysWaiting { status: String },
    Unrecognised { code: String, status: String },
}

const ALL_BACKED_UP: &str = "CTGKM1304I";
const KEYS_WAITING: &str = "CTGKM1305I";

impl BackupNeed {
    pub fn from_json(value: &Value) -> Result<Self, DecodeError> {
        let fields = Fields::of(value, "")?;
        let code = fields.opt_code("code")?.unwrap_or_default();
        let message_id = fields.opt_code("messageId")?.unwrap_or_default();
        let status = match fields.message("status")? {
            status if status.is_empty() => fields.message("message")?,
            status => status,
        };
        let says = |id: &str| {
            [code.as_str(), message_id.as_str()]
                .iter()
                .any(|c| c.eq_ignore_ascii_case(id))
                || status.trim_start().starts_with(id)
        };
        Ok(if says(KEYS_WAITING) {
            BackupNeed::KeysWaiting { status }
        } else if says(ALL_BACKED_UP) {
            BackupNeed::AllBackedUp { status }
        } else {
            let code = if code.is_empty() { message_id } else { code };
            BackupNeed::Unrecognised { code, status }
        })
    }

    pub fn status(&self) -> &str {
        match self {
            BackupNeed::AllBackedUp { status }
            | BackupNeed::KeysWaiting { status }
            | BackupNeed::Unrecognised { status, .. } => status,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{BackupActivity, BackupResult};
    use crate::json::json;
    use crate::model::decode::{DecodeError, DecodeProblem, Expected};

    fn status(s: &str) -> String {
        s.to_owned()
    }

    #[test]
    fn every_documented_result_code_as_text_or_number() {
        let cases = [
            (
                "-1",
                BackupResult::NotRunSinceStart {
                    status: status("s"),
                },
            ),
            (
                "0",
                BackupResult::Succeeded {
                    status: status("s"),
                },
            ),
            (
                "1",
                BackupResult::Failed {
                    status: status("s"),
                },
            ),
            (
                "2",
                BackupResult::SucceededWithWarning {
                    status: status("s"),
                },
            ),
        ];
        for (code, expected) in cases {
            let as_text = json!({"code": code, "status": "s"});
            assert_eq!(BackupResult::from_json(&as_text), Ok(expected.clone()));
            let number: i64 = code.parse().unwrap_or(99);
            let as_number = json!({"code": number, "status": "s"});
            assert_eq!(BackupResult::from_json(&as_number), Ok(expected));
        }
    }

    #[test]
    fn unknown_result_codes_are_kept() {
        let value = json!({"code": "3", "status": "Something new", "messageId": "CTGKM3465I"});
        assert_eq!(
            BackupResult::from_json(&value),
            Ok(BackupResult::Unrecognised {
                code: status("3"),
                status: status("Something new")
            })
        );
    }

    #[test]
    fn missing_code_names_the_field() {
        assert_eq!(
            BackupResult::from_json(&json!({"status": "x"})),
            Err(DecodeError::missing("code"))
        );
        assert_eq!(
            BackupResult::from_json(&json!({"code": true})),
            Err(DecodeError::not_a("code", Expected::Code))
        );
        assert_eq!(
            BackupResult::from_json(&json!([1])).map_err(|e| e.problem),
            Err(DecodeProblem::NotA(Expected::Object))
        );
    }

    #[test]
    fn missing_status_reads_as_empty_text() {
        assert_eq!(
            BackupResult::from_json(&json!({"code": 0})),
            Ok(BackupResult::Succeeded {
                status: String::new()
            })
        );
    }

    #[test]
    fn backup_need_reads_the_message_id_wherever_it_is() {
        use super::BackupNeed;
        let all = "CTGKM1304I All keys and certificates have been backed up.";
        let waiting = "CTGKM1305I There are keys and certificates which have not been backed up. Make a backup.";
        for body in [
            json!({"code": "CTGKM1304I", "status": all}),
            json!({"messageId": "CTGKM1304I", "code": "0", "status": all}),
            json!({"code": "0", "status": all}),
            json!({"message": all}),
        ] {
            assert_eq!(
                BackupNeed::from_json(&body),
                Ok(BackupNeed::AllBackedUp {
                    status: status(all)
                }),
                "{body}"
            );
        }
        for body in [
            json!({"code": "CTGKM1305I", "status": waiting}),
            json!({"code": 1, "messageId": "ctgkm1305i", "status": waiting}),
            json!({"status": waiting}),
        ] {
            assert_eq!(
                BackupNeed::from_json(&body),
                Ok(BackupNeed::KeysWaiting {
                    status: status(waiting)
                }),
                "{body}"
            );
        }
        assert_eq!(
            BackupNeed::from_json(&json!({"code": "CTGKM9999W", "status": "New"})),
            Ok(BackupNeed::Unrecognised {
                code: status("CTGKM9999W"),
                status: status("New")
            })
        );
        assert!(BackupNeed::from_json(&json!("CTGKM1304I")).is_err());
    }

    #[test]
    fn activity_code_is_inverted() {
        let running = json!({"code": "0", "status": "CTGKM3290I Backup process is running."});
        let idle = json!({"code": 1, "status": "CTGKM3291I Backup process is not running."});
        assert!(BackupActivity::from_json(&running).is_ok_and(|a| a.is_running()));
        assert_eq!(
            BackupActivity::from_json(&idle),
            Ok(BackupActivity::Idle {
                status: status("CTGKM3291I Backup process is not running.")
            })
        );
        assert_eq!(
            BackupActivity::from_json(&json!({"code": "-1"})),
            Ok(BackupActivity::Unrecognised {
                code: status("-1"),
                status: String::new()
            })
        );
    }
}

//! `GET /backupInfo`: when the last backup was made.
//!
//! IBM's page (GKLM 4.2.1, "Last Backup Info REST Service") names three
//! fields, `IsBackupBeforeServing`, `IsLastBackupDateAvailable` and
//! `lastBackupDate`, and gives no example: the value types and the date's
//! format are *unconfirmed*. Flags are read as JSON booleans or as text
//! (`"true"`), and the date as RFC 3339 text, as Java's `Date.toString()`
//! (`Wed Dec 02 02:00:00 UTC 2026`, the form IBM's Java services often
//! print), or as Unix time in seconds or milliseconds; a date in any other
//! form is kept as sent, with no time read from it.

use crate::json::Value;

use super::decode::{DecodeError, Fields};
use super::timestamp::Timestamp;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupInfo {
    /// `IsLastBackupDateAvailable`; `Some(false)`: no backup was ever made
    /// (or the server cannot say when).
    pub date_available: Option<bool>,
    /// `lastBackupDate` as sent, for a person to read.
    pub last_backup_raw: Option<String>,
    /// `lastBackupDate` as a time, when it is in a form this reader knows.
    pub last_backup: Option<Timestamp>,
    /// `IsBackupBeforeServing`: whether new keys are served only after a backup.
    pub backup_before_serving: Option<bool>,
}

impl BackupInfo {
    pub fn from_json(value: &Value) -> Result<Self, DecodeError> {
        let fields = Fields::of(value, "")?;
        let raw = match fields.get("lastBackupDate") {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) if text.trim().is_empty() => None,
            Some(Value::String(text)) => Some(text.trim().to_owned()),
            Some(Value::Number(number)) => Some(number.to_string()),
            Some(_) => None,
        };
        let last_backup = raw.as_deref().and_then(read_date);
        Ok(BackupInfo {
            date_available: fields.opt_flag("IsLastBackupDateAvailable")?,
            last_backup_raw: raw,
            last_backup,
            backup_before_serving: fields.opt_flag("IsBackupBeforeServing")?,
        })
    }

    /// The time of the last backup: `Some(None)` when the server says there
    /// is none, `None` when it does not say in a form this reader knows.
    pub fn last_backup(&self) -> Option<Option<Timestamp>> {
        match (self.date_available, self.last_backup) {
            (Some(false), _) => Some(None),
            (_, Some(at)) => Some(Some(at)),
            (None, None) if self.last_backup_raw.is_none() => Some(None),
            _ => None,
        }
    }
}

/// How old the last backup is, against the operator's limit
/// (`backupMaxAgeHours`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackupAge {
    /// Within the limit.
    Recent { hours: u32 },
    /// Past the limit: a warning.
    Old { hours: u32 },
    /// Past twice the limit: a failure.
    Overdue { hours: u32 },
    /// The server says no backup was ever made: a failure.
    Never,
    /// The server does not say, or not in a form this reader knows.
    Unknown,
}

impl BackupAge {
    /// `last` as [`BackupInfo::last_backup`] gives it; `now_ms` in Unix
    /// milliseconds. A backup dated in the future (clocks apart) is 0 h old.
    pub fn of(last: Option<Option<Timestamp>>, now_ms: i64, max_age_hours: u32) -> BackupAge {
        let at = match last {
            None => return BackupAge::Unknown,
            Some(None) => return BackupAge::Never,
            Some(Some(at)) => at,
        };
        let age_ms = now_ms.saturating_sub(at.unix_millis()).max(0);
        let hours = u32::try_from(age_ms / 3_600_000).unwrap_or(u32::MAX);
        let limit_ms = i64::from(max_age_hours) * 3_600_000;
        if age_ms > limit_ms.saturating_mul(2) {
            BackupAge::Overdue { hours }
        } else if age_ms > limit_ms {
            BackupAge::Old { hours }
        } else {
            BackupAge::Recent { hours }
        }
    }

    /// Whole hours since the last backup, when known.
    pub fn hours(self) -> Option<u32> {
        match self {
            BackupAge::Recent { hours }
            | BackupAge::Old { hours }
            | BackupAge::Overdue { hours } => Some(hours),
            BackupAge::Never | BackupAge::Unknown => None,
        }
    }
}

/// A date as RFC 3339, Unix seconds or milliseconds, or Java's
/// `Date.toString()`; `None` for any other form.
pub(crate) fn read_date(text: &str) -> Option<Timestamp> {
    if let Some(at) = Timestamp::parse(text) {
        return Some(at);
    }
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        let number: i64 = text.parse().ok()?;
        // Seconds until the year 5138; milliseconds after 2001.
        let millis = if number < 100_000_000_000 {
            number.checked_mul(1000)?
        } else {
            number
        };
        return Some(Timestamp::from_unix_millis(millis));
    }
    java_date(text)
}

/// `EEE MMM dd HH:mm:ss zzz yyyy` with the zone `UTC`, `GMT`, `Z`, or a
/// numeric offset (`GMT+01:00`, `+0100`); named zones such as `CET` are
/// ambiguous and are not read.
fn java_date(text: &str) -> Option<Timestamp> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let words: Vec<&str> = text.split_whitespace().collect();
    let [_weekday, month, day, time, zone, year] = words.as_slice() else {
        return None;
    };
    let month = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(month))? + 1;
    let day: u32 = day.parse().ok()?;
    let year: u32 = year.parse().ok()?;
    let offset = zone_offset(zone)?;
    let iso = format!("{year:04}-{month:02}-{day:02}T{time}{offset}");
    Timestamp::parse(&iso)
}

fn zone_offset(zone: &str) -> Option<String> {
    let rest = ["UTC", "GMT"]
        .iter()
        .find_map(|name| zone.strip_prefix(name))
        .unwrap_or(zone);
    if rest.is_empty() || rest == "Z" {
        return Some("Z".to_owned());
    }
    let (sign, digits) = rest.split_at_checked(1)?;
    if sign != "+" && sign != "-" {
        return None;
    }
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (hours, minutes) = digits.split_at(2);
    Some(format!("{sign}{hours}:{minutes}"))
}

#[cfg(test)]
mod tests {
    use crate::json::json;

    use super::*;

    fn at(iso: &str) -> Option<Timestamp> {
        Timestamp::parse(iso)
    }

    #[test]
    fn reads_the_documented_fields_as_text_or_json_values() {
        let info = BackupInfo::from_json(&json!({
            "IsBackupBeforeServing": "false",
            "IsLastBackupDateAvailable": true,
            "lastBackupDate": "Wed Dec 02 02:00:00 UTC 2026",
            "messageId": "CTGKM9999I"
        }))
        .unwrap();
        assert_eq!(info.date_available, Some(true));
        assert_eq!(info.backup_before_serving, Some(false));
        assert_eq!(
            info.last_backup_raw.as_deref(),
            Some("Wed Dec 02 02:00:00 UTC 2026")
        );
        assert_eq!(info.last_backup(), Some(at("2026-12-02T02:00:00Z")));
    }

    #[test]
    fn reads_every_date_form_it_knows() {
        for (sent, wanted) in [
            (json!("2026-12-02T02:00:00Z"), "2026-12-02T02:00:00Z"),
            (json!("2026-12-02T03:00:00+01:00"), "2026-12-02T02:00:00Z"),
            (
                json!("Wed Dec 02 03:00:00 GMT+01:00 2026"),
                "2026-12-02T02:00:00Z",
            ),
            (
                json!("Wed Dec 2 01:00:00 -0100 2026"),
                "2026-12-02T02:00:00Z",
            ),
            (json!(1_796_176_800), "2026-12-02T02:00:00Z"),
            (json!("1796176800000"), "2026-12-02T02:00:00Z"),
        ] {
            let info = BackupInfo::from_json(&json!({ "lastBackupDate": sent })).unwrap();
            assert_eq!(info.last_backup, at(wanted), "{sent}");
        }
    }

    #[test]
    fn a_date_in_an_unknown_form_is_kept_but_not_guessed() {
        for sent in [
            "Wed Dec 02 02:00:00 CET 2026",
            "02.12.2026 02:00",
            "gestern",
        ] {
            let info = BackupInfo::from_json(&json!({
                "IsLastBackupDateAvailable": "true",
                "lastBackupDate": sent
            }))
            .unwrap();
            assert_eq!(info.last_backup_raw.as_deref(), Some(sent));
            assert_eq!(info.last_backup, None, "{sent}");
            assert_eq!(info.last_backup(), None, "not known: {sent}");
        }
    }

    #[test]
    fn no_backup_ever_is_said_by_the_flag_or_by_no_date() {
        let never = BackupInfo::from_json(&json!({
            "IsLastBackupDateAvailable": "false",
            "lastBackupDate": ""
        }))
        .unwrap();
        assert_eq!(never.last_backup(), Some(None));
        let no_date = BackupInfo::from_json(&json!({"IsBackupBeforeServing": false})).unwrap();
        assert_eq!(no_date.last_backup(), Some(None));
    }

    #[test]
    fn the_age_turns_old_past_the_limit_and_overdue_past_twice_it() {
        let now = at("2026-12-03T10:00:00Z").unwrap().unix_millis();
        let ago = |hours: i64, minutes: i64| {
            Some(Some(Timestamp::from_unix_millis(
                now - hours * 3_600_000 - minutes * 60_000,
            )))
        };
        assert_eq!(
            BackupAge::of(ago(23, 59), now, 24),
            BackupAge::Recent { hours: 23 }
        );
        assert_eq!(
            BackupAge::of(ago(24, 0), now, 24),
            BackupAge::Recent { hours: 24 }
        );
        assert_eq!(
            BackupAge::of(ago(24, 1), now, 24),
            BackupAge::Old { hours: 24 }
        );
        assert_eq!(
            BackupAge::of(ago(26, 0), now, 24),
            BackupAge::Old { hours: 26 }
        );
        assert_eq!(
            BackupAge::of(ago(48, 0), now, 24),
            BackupAge::Old { hours: 48 }
        );
        assert_eq!(
            BackupAge::of(ago(48, 1), now, 24),
            BackupAge::Overdue { hours: 48 }
        );
        assert_eq!(
            BackupAge::of(ago(30, 0), now, 72),
            BackupAge::Recent { hours: 30 }
        );
        assert_eq!(
            BackupAge::of(ago(-2, 0), now, 24),
            BackupAge::Recent { hours: 0 }
        );
        assert_eq!(BackupAge::of(Some(None), now, 24), BackupAge::Never);
        assert_eq!(BackupAge::of(None, now, 24), BackupAge::Unknown);
        assert_eq!(BackupAge::Never.hours(), None);
    }

    #[test]
    fn a_flag_of_the_wrong_type_is_an_error_not_a_guess() {
        assert!(BackupInfo::from_json(&json!({"IsLastBackupDateAvailable": 3})).is_err());
        assert!(BackupInfo::from_json(&json!(["not", "an", "object"])).is_err());
    }
}

//! `GET /ckms/backups`: the backup files a GKLM server knows (its history).
//!
//! IBM's page ("Backup List REST Service", GKLM 4.2 and 4.2.1) names
//! `status` ("whether the specified backup file was found"),
//! `productHomeDir`, `backupFilePath`, `timestamp` ("of the last backup")
//! and `description`, and is cut off after them: further fields are
//! *unconfirmed* and kept as text in [`BackupRecord::other`]. The page says
//! "JSON object"; the service lists files, so a bare array and an object
//! wrapping one array are both read. `timestamp` is read as
//! [`backup_info`](super::backup_info) reads its date (RFC 3339, Unix
//! seconds or milliseconds, Java's `Date.toString()`); when it is absent or
//! in another form, the time in the file name is used: GKLM names backups
//! `sklm_v2.7.0.0_20160123144220-0800_backup.jar`, `yyyyMMddHHmmss` and the
//! offset from GMT (IBM's "Backup Run REST Service" page).

use crate::json::Value;

use super::backup_info::read_date;
use super::decode::{index_path, one_list, other_text_fields, scalar_text, DecodeError, Fields};
use super::timestamp::Timestamp;

const KNOWN: [&str; 5] = [
    "status",
    "productHomeDir",
    "backupFilePath",
    "timestamp",
    "description",
];

/// One backup file as the server lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupRecord {
    /// `status` as sent (its values are not documented).
    pub status: Option<String>,
    pub product_home_dir: Option<String>,
    pub backup_file_path: Option<String>,
    /// `timestamp` as sent, for a person to read.
    pub timestamp_raw: Option<String>,
    pub description: Option<String>,
    /// When the backup was made: `timestamp` when readable, else the time
    /// in the file name, else `None`.
    pub time: Option<Timestamp>,
    /// Every other field that reads as text, in no promised order.
    pub other: Vec<(String, String)>,
}

impl BackupRecord {
    pub fn from_json(value: &Value, path: &str) -> Result<Self, DecodeError> {
        let fields = Fields::of(value, path)?;
        let text = |name: &str| {
            fields
                .get(name)
                .and_then(scalar_text)
                .filter(|text| !text.is_empty())
        };
        let timestamp_raw = text("timestamp");
        let backup_file_path = text("backupFilePath");
        let time = timestamp_raw
            .as_deref()
            .and_then(read_date)
            .or_else(|| backup_file_path.as_deref().and_then(file_name_time));
        Ok(BackupRecord {
            status: text("status"),
            product_home_dir: text("productHomeDir"),
            backup_file_path,
            timestamp_raw,
            description: text("description"),
            time,
            other: other_text_fields(fields.map(), &KNOWN),
        })
    }

    /// A bare array, or an object holding one array under any name.
    pub fn list_from_json(value: &Value) -> Result<Vec<Self>, DecodeError> {
        one_list(value)?
            .iter()
            .enumerate()
            .map(|(i, item)| BackupRecord::from_json(item, &index_path("", i)))
            .collect()
    }

    /// The file's name without its directory.
    pub fn file_name(&self) -> Option<&str> {
        let path = self.backup_file_path.as_deref()?;
        path.rsplit(['/', '\\']).next()
    }
}

/// The list newest first; backups with no known time go last, in the order
/// the server sent them.
pub fn newest_first(records: &[BackupRecord]) -> Vec<BackupRecord> {
    let mut sorted = records.to_vec();
    // A stable sort: equal times and unknown times keep the server's order.
    sorted.sort_by(|a, b| match (a.time, b.time) {
        (Some(a), Some(b)) => b.cmp(&a),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    sorted
}

/// The time in a GKLM backup file name: fourteen digits `yyyyMMddHHmmss`
/// followed by `+hhmm` or `-hhmm`, e.g. `…_20160123144220-0800_backup.jar`
/// (2016-01-23 22:42:20 UTC). A time without an offset is not read: its
/// zone is unknown.
pub fn file_name_time(path: &str) -> Option<Timestamp> {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let chars: Vec<char> = name.chars().collect();
    (0..chars.len()).find_map(|start| {
        if start > 0 && chars.get(start - 1).is_some_and(char::is_ascii_digit) {
            return None;
        }
        let window = chars.get(start..start + 19)?;
        let (digits, zone) = window.split_at(14);
        let (sign, offset) = zone.split_first()?;
        let after = chars.get(start + 19);
        let fits = digits.iter().all(char::is_ascii_digit)
            && matches!(sign, '+' | '-')
            && offset.iter().all(char::is_ascii_digit)
            && !after.is_some_and(char::is_ascii_digit);
        if !fits {
            return None;
        }
        let d: String = digits.iter().collect();
        let o: String = offset.iter().collect();
        let iso = format!(
            "{}-{}-{}T{}:{}:{}{sign}{}:{}",
            d.get(0..4)?,
            d.get(4..6)?,
            d.get(6..8)?,
            d.get(8..10)?,
            d.get(10..12)?,
            d.get(12..14)?,
            o.get(0..2)?,
            o.get(2..4)?
        );
        Timestamp::parse(&iso)
    })
}

#[cfg(test)]
mod tests {
    use crate::json::json;

    use super::*;

    fn at(iso: &str) -> Option<Timestamp> {
        Timestamp::parse(iso)
    }

    #[test]
    fn reads_the_documented_fields_and_keeps_the_others() {
        let list = BackupRecord::list_from_json(&json!([{
            "status": "CTGKM3100I Backup file found.",
            "productHomeDir": "/opt/IBM/WebSphere/Liberty/products/sklm",
            "backupFilePath": "/opt/IBM/sklmbackup/sklm_v4.2.1.0_20261202020000+0000_backup.jar",
            "timestamp": "Wed Dec 02 02:00:00 UTC 2026",
            "description": "nightly",
            "sourceServer": "gklm1.example",
            "size in bytes": 81234,
            "encrypted": true,
            "nested": {"ignored": 1}
        }]))
        .unwrap();
        assert_eq!(list.len(), 1);
        let record = &list[0];
        assert_eq!(
            record.status.as_deref(),
            Some("CTGKM3100I Backup file found.")
        );
        assert_eq!(record.description.as_deref(), Some("nightly"));
        assert_eq!(
            record.file_name(),
            Some("sklm_v4.2.1.0_20261202020000+0000_backup.jar")
        );
        assert_eq!(record.time, at("2026-12-02T02:00:00Z"));
        let mut other = record.other.clone();
        other.sort();
        assert_eq!(
            other,
            vec![
                ("encrypted".to_owned(), "true".to_owned()),
                ("size in bytes".to_owned(), "81234".to_owned()),
                ("sourceServer".to_owned(), "gklm1.example".to_owned()),
            ]
        );
    }

    #[test]
    fn the_time_comes_from_the_timestamp_in_any_known_form() {
        for (sent, wanted) in [
            (json!("2026-12-02T02:00:00Z"), "2026-12-02T02:00:00Z"),
            (json!(1_796_176_800), "2026-12-02T02:00:00Z"),
            (json!("1796176800000"), "2026-12-02T02:00:00Z"),
            (
                json!("Wed Dec 02 03:00:00 GMT+01:00 2026"),
                "2026-12-02T02:00:00Z",
            ),
        ] {
            let list = BackupRecord::list_from_json(&json!([{"timestamp": sent}])).unwrap();
            assert_eq!(list[0].time, at(wanted), "{sent}");
        }
    }

    #[test]
    fn without_a_readable_timestamp_the_file_name_says_when() {
        let list = BackupRecord::list_from_json(&json!({"backups": [
            {"backupFilePath": "C:\\backup\\sklm_v2.7.0.0_20160123144220-0800_backup.jar"},
            {"backupFilePath": "/b/sklm_v2.7.0.0_20160123144220-0800_backup.jar",
             "timestamp": "gestern"},
            {"backupFilePath": "/b/notes.jar", "timestamp": ""}
        ]}))
        .unwrap();
        assert_eq!(list.len(), 3);
        assert_eq!(list[0].time, at("2016-01-23T22:42:20Z"));
        assert_eq!(list[1].time, at("2016-01-23T22:42:20Z"));
        assert_eq!(list[1].timestamp_raw.as_deref(), Some("gestern"));
        assert_eq!(list[2].time, None);
        assert_eq!(list[2].timestamp_raw, None);
    }

    #[test]
    fn file_names_are_read_only_in_the_documented_form() {
        assert_eq!(
            file_name_time("sklm_v2.7.0.0_20160123144220+0130_backup.jar"),
            at("2016-01-23T13:12:20Z")
        );
        for name in [
            "sklm_v2.7.0.0_20160123144220_backup.jar",
            "sklm_v2.7.0.0_120160123144220-0800_backup.jar",
            "sklm_v2.7.0.0_20160123144220-08000_backup.jar",
            "sklm_v2.7.0.0_20161323144220-0800_backup.jar",
            "/20160123144220-0800/other.jar",
            "",
        ] {
            assert_eq!(file_name_time(name), None, "{name}");
        }
    }

    #[test]
    fn numbers_as_text_and_missing_fields_are_fine() {
        let list = BackupRecord::list_from_json(&json!([{"status": 0}, {}])).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].status.as_deref(), Some("0"));
        assert_eq!(list[1], BackupRecord::from_json(&json!({}), "").unwrap());
        assert_eq!(list[1].time, None);
    }

    #[test]
    fn newest_first_puts_unknown_times_last_in_the_order_sent() {
        let list = BackupRecord::list_from_json(&json!([
            {"description": "a", "timestamp": "2026-12-01T02:00:00Z"},
            {"description": "b"},
            {"description": "c", "timestamp": "2026-12-03T02:00:00Z"},
            {"description": "d", "timestamp": "nie"},
            {"description": "e", "backupFilePath": "sklm_v4_20261202020000+0000_backup.jar"}
        ]))
        .unwrap();
        let order: Vec<String> = newest_first(&list)
            .into_iter()
            .filter_map(|r| r.description)
            .collect();
        assert_eq!(order, ["c", "e", "a", "b", "d"]);
    }

    #[test]
    fn anything_but_a_list_of_objects_is_an_error() {
        for bad in [
            json!("x"),
            json!(3),
            json!({"a": [], "b": []}),
            json!({"a": 1}),
            json!([1]),
        ] {
            assert!(BackupRecord::list_from_json(&bad).is_err(), "{bad}");
        }
        assert_eq!(BackupRecord::list_from_json(&json!([])).unwrap(), vec![]);
    }
}

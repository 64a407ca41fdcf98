//! The current page of sync jobs as CSV, safe to open in a spreadsheet.

use super::sync_job::{Source, SyncJob};
use super::timestamp::Timestamp;

/// The header, the containers' column named as the source names them
/// (`kms`, `key_vaults`, `organizations`, …).
fn header(containers: &str) -> [&str; 9] {
    [
        "id",
        "status",
        "started",
        "completed",
        "duration_seconds",
        "accounts_regions",
        containers,
        "abort",
        "cloud",
    ]
}

/// One CSV field: quoted when it holds a quote, comma or line break, and
/// neutralised with a leading `'` when a spreadsheet would run it as a
/// formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return).
pub fn field(value: &str) -> String {
    let neutral = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if neutral.contains(['"', ',', '\n', '\r']) || neutral != neutral.trim() {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// The jobs of `source` as CSV with a header row, lines ended by CRLF (RFC 4180).
pub fn jobs_csv(jobs: &[SyncJob], source: Source, now: Timestamp) -> String {
    let mut out = header(source.containers().wire()).join(",");
    out.push_str("\r\n");
    for job in jobs {
        let regions: Vec<String> = job
            .details
            .iter()
            .map(|d| format!("{}: {}", d.key(), d.text))
            .collect();
        let row = [
            job.id.clone(),
            job.overall_status.as_wire().to_owned(),
            job.created_at.to_string(),
            job.completed_at.map(|t| t.to_string()).unwrap_or_default(),
            job.elapsed(now)
                .map(|d| d.as_secs().to_string())
                .unwrap_or_default(),
            regions.join("; "),
            job.containers.join("; "),
            job.abort.to_string(),
            job.cloud.clone(),
        ];
        let fields: Vec<String> = row.iter().map(|v| field(v)).collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::sync_job::{RegionDetail, SyncStatus};

    #[test]
    fn fields_are_quoted_when_they_must_be() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field(" padded "), "\" padded \"");
        assert_eq!(field(""), "");
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(
            field("=HYPERLINK(\"http://evil\")"),
            "\"'=HYPERLINK(\"\"http://evil\"\")\""
        );
        assert_eq!(field("+1"), "'+1");
        assert_eq!(field("-2+3"), "'-2+3");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("\tcmd"), "'\tcmd");
        assert_eq!(field("a=b"), "a=b", "only a leading sign counts");
    }

    #[test]
    fn a_page_becomes_a_header_and_one_row_per_job() {
        let at = |s: &str| Timestamp::parse(s).expect("a timestamp");
        let job = SyncJob {
            id: "=cmd|' /C calc'!A0".into(),
            uri: String::new(),
            account: String::new(),
            application: String::new(),
            dev_account: String::new(),
            created_at: at("2024-05-01T10:00:00Z"),
            updated_at: at("2024-05-01T10:01:00Z"),
            completed_at: Some(at("2024-05-01T10:01:30Z")),
            overall_status: SyncStatus::Failed,
            details: vec![RegionDetail::new("123/us-east-1", "failed, see log")],
            cloud: "aws".into(),
            regions: None,
            containers: vec!["kms-a".into(), "kms-b".into()],
            abort: false,
            synchronize_all: None,
        };
        let csv = jobs_csv(
            std::slice::from_ref(&job),
            Source::Aws,
            at("2024-05-01T11:00:00Z"),
        );
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines.len(), 3, "{csv}");
        assert_eq!(
            lines[0],
            "id,status,started,completed,duration_seconds,accounts_regions,kms,abort,cloud"
        );
        assert_eq!(
            lines[1],
            "'=cmd|' /C calc'!A0,failed,2024-05-01 10:00:00 UTC,2024-05-01 10:01:30 UTC,90,\"123/us-east-1: failed, see log\",kms-a; kms-b,false,aws"
        );
        assert_eq!(lines[2], "");
        let azure = SyncJob {
            details: vec![RegionDetail::new("https://kv.vault.azure.net/", "done")],
            containers: vec!["kv-prod".into()],
            ..job
        };
        let csv = jobs_csv(&[azure], Source::AzureSecrets, at("2024-05-01T11:00:00Z"));
        assert!(csv.starts_with("id,status,started,completed,duration_seconds,accounts_regions,key_vaults,abort,cloud\r\n"), "{csv}");
        assert!(
            csv.contains(",https://kv.vault.azure.net/: done,kv-prod,"),
            "{csv}"
        );
    }
}

//! Any input decodes or fails cleanly: arbitrary bytes and arbitrary JSON
//! values through every reader, with any status, never panic.

use proptest::prelude::*;
use serde_json::{Map, Number, Value};

use super::cckm::{self, CckmTokens};
use super::error::{ApiError, EXCERPT_CHARS};
use super::gklm;
use super::http::HttpResponse;
use crate::lang::Language;
use crate::model::backup::{BackupActivity, BackupResult};
use crate::model::backup_history::{file_name_time, newest_first, BackupRecord};
use crate::model::backup_info::BackupInfo;
use crate::model::cluster::MasterStatus;
use crate::model::code::code_text;
use crate::model::multimaster::{
    cluster_name_from_json, AgentStatus, ClusterMaster, NodeIsolation,
};
use crate::model::notification::EventLookup;
use crate::model::notification::NotificationDelivery;
use crate::model::notification_events::{event_type_words, NotificationEvent};
use crate::model::percent::percent_encode;
use crate::model::restore::{phase_states, RestoreProgress};
use crate::model::server_info::{Health, SystemDetails, VersionInfo};
use crate::model::sync_job::{ContainerField, SyncJob, SyncJobFilter, SyncJobPage, SyncStatus};
use crate::model::text::{excerpt, plain_text, MAX_MESSAGE_CHARS};
use crate::model::timestamp::Timestamp;

const BYTES_CASES: u32 = 4_096;
const JSON_CASES: u32 = 4_096;
const SHAPED_CASES: u32 = 1_024;

/// Field names the decoders look for, so that arbitrary objects reach deep.
const KEYS: &[&str] = &[
    "code",
    "status",
    "message",
    "codeDesc",
    "messageId",
    "UserAuthId",
    "userAuthId",
    "eventUUID",
    "tenantId",
    "channelType",
    "delivered",
    "numberOfTries",
    "skip",
    "limit",
    "total",
    "resources",
    "id",
    "uri",
    "account",
    "application",
    "devAccount",
    "createdAt",
    "updatedAt",
    "completed_at",
    "overall_status",
    "detailed_status",
    "cloud",
    "regions",
    "kms",
    "key_vaults",
    "key_rings",
    "vaults",
    "organizations",
    "organization_ids",
    "groups",
    "abort",
    "jwt",
    "refresh_token",
    "duration",
    "token_type",
    "productHomeDir",
    "backupFilePath",
    "timestamp",
    "description",
    "eventType",
    "nodeIsolatedFromCluster",
    "multimasterRole",
    "clusterName",
    "Agent Status",
    "Agent Last Available Time",
    "keyStoreInitialized",
    "KMIPStatus",
    "overall",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        (-3i64..10).prop_map(|n| Value::String(n.to_string())),
        Just(Value::String("2020-11-05T06:39:45.726289Z".to_owned())),
        Just(Value::String("0001-01-01T00:00:00Z".to_owned())),
        "[0-9T:.Z+-]{0,30}".prop_map(Value::String),
        ".{0,40}".prop_map(Value::String),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 64, 8, |inner| {
        let key = prop_oneof![
            3 => proptest::sample::select(KEYS).prop_map(str::to_owned),
            1 => ".{0,12}",
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((key, inner), 0..10)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        Just(200u16),
        Just(400),
        Just(401),
        Just(404),
        Just(500),
        100u16..600
    ]
}

fn response(status: u16, body: String) -> HttpResponse {
    HttpResponse {
        status,
        content_type: None,
        content_language: None,
        body,
    }
}

/// Runs every reader on one response; checks what must hold of any answer.
fn read_everything(resp: &HttpResponse) {
    let filter = SyncJobFilter::default();
    let errors: Vec<ApiError> = [
        gklm::read_backup_result(resp).err(),
        gklm::read_backup_activity(resp).err(),
        gklm::read_restore_progress(resp).err(),
        gklm::read_backup_need(resp).err(),
        gklm::read_login(resp).err(),
        gklm::read_backup_info(resp).err(),
        gklm::read_master_status(resp).err(),
        gklm::read_notification_statuses(resp).err(),
        gklm::read_backup_history(resp).err(),
        gklm::read_notification_events(resp).err(),
        gklm::read_node_isolation(resp).err(),
        gklm::read_cluster_masters(resp).err(),
        gklm::read_agent_status(resp).err(),
        gklm::read_cluster_name(resp).err(),
        gklm::read_version_info(resp).err(),
        gklm::read_system_details(resp).err(),
        gklm::read_health(resp).err(),
        cckm::read_sync_jobs(resp, &filter).err(),
        cckm::read_sync_job(resp).err(),
        cckm::read_tokens(resp).err(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let success = (200..300).contains(&resp.status);
    if !success {
        assert_eq!(errors.len(), 20, "an error status was read as a value");
    }
    // Only GKLM's JSON 404 for an unknown event is an answer among errors.
    let lookup = gklm::read_notification_status(resp);
    if let Ok(reply) = &lookup {
        assert!(
            success || (resp.status == 404 && matches!(reply.value, EventLookup::NotFound { .. })),
            "HTTP {} read as {:?}",
            resp.status,
            reply.value
        );
    }
    let errors = errors.into_iter().chain(lookup.err());
    for err in errors {
        if resp.status == 401 {
            assert!(err.is_sign_in_needed(), "401 gave {err:?}");
        }
        if let ApiError::NotJson { excerpt, .. } = &err {
            assert!(excerpt.chars().count() <= EXCERPT_CHARS);
            assert!(!excerpt.contains('<'));
        }
        assert!(!err.describe(Language::En).is_empty());
        assert!(!err.describe(Language::De).is_empty());
    }
}

/// Runs every model decoder on one value.
fn decode_everything(value: &crate::json::Value) {
    let _ = BackupResult::from_json(value);
    let _ = BackupActivity::from_json(value);
    if let Ok(masters) = MasterStatus::list_from_json(value) {
        let _ = masters.iter().map(MasterStatus::state).count();
    }
    if let Ok(info) = BackupInfo::from_json(value) {
        let _ = info.last_backup();
    }
    let _ = NotificationDelivery::list_from_json(value);
    if let Ok(records) = BackupRecord::list_from_json(value) {
        let sorted = newest_first(&records);
        assert_eq!(sorted.len(), records.len());
        let _ = sorted.iter().map(BackupRecord::file_name).count();
    }
    if let Ok(events) = NotificationEvent::list_from_json(value) {
        for event in &events {
            let _ = event.type_words(Language::En);
            let _ = event.type_words(Language::De);
        }
    }
    let _ = NodeIsolation::from_json(value);
    let _ = ClusterMaster::list_from_json(value);
    if let Ok(agent) = AgentStatus::from_json(value) {
        let _ = agent.reading();
    }
    let _ = cluster_name_from_json(value);
    if let Ok(info) = VersionInfo::from_json(value) {
        let _ = (info.version(), info.build());
    }
    if let Ok(details) = SystemDetails::from_json(value) {
        let _ = details.not_ready();
    }
    if let Ok(health) = Health::from_json(value) {
        let _ = health.unhealthy();
    }
    let _ = SyncJobPage::from_json(value);
    let _ = SyncJob::from_json(value, "");
    let _ = CckmTokens::from_json(value);
    let _ = code_text(value);
    if let Ok(progress) = RestoreProgress::from_json(value) {
        let _ = phase_states(Some(&progress), &progress);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(BYTES_CASES))]

    #[test]
    fn arbitrary_bytes_never_panic_a_reader(status in status(), bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        read_everything(&response(status, String::from_utf8_lossy(&bytes).into_owned()));
    }

    /// Printable ASCII (the plain texts kept without a copy) reads as its
    /// words joined by single spaces, whether or not it was plain.
    #[test]
    fn plain_ascii_text_reads_as_its_words(text in "[ -~]{0,60}") {
        let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
        prop_assert_eq!(plain_text(&text), words.join(" "));
    }

    /// A region's text reads as it does lowercased in a new String, for any
    /// text (short or long, ASCII or not): the stack copy changes nothing.
    #[test]
    fn a_region_reads_as_its_lowercased_words(text in "(?i)( |fail|error|abort|in_progress|in progress|pending|running|not |unsync|success|synchronized|completed|done|é|[a-z]){0,12}") {
        use crate::model::sync_job::RegionReading;
        let expected = RegionReading::from_lowercase(&text.trim().to_ascii_lowercase());
        prop_assert_eq!(RegionReading::from_text(&text), expected);
    }

    #[test]
    fn arbitrary_text_never_panics_the_text_helpers(text in ".{0,600}") {
        let _ = Timestamp::parse(&text);
        let _ = file_name_time(&text);
        let _ = event_type_words(&text, Language::De);
        let _ = crate::api::read::gklm_session_ended(text.as_bytes());
        let _ = Language::from_tag(&text);
        let shown = plain_text(&text);
        prop_assert!(shown.chars().count() <= MAX_MESSAGE_CHARS);
        prop_assert!(!shown.chars().any(char::is_control));
        let cut = excerpt(&text, EXCERPT_CHARS);
        prop_assert!(cut.chars().count() <= EXCERPT_CHARS);
        prop_assert!(!cut.contains('<'));
        let encoded = percent_encode(&text);
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(JSON_CASES))]

    #[test]
    fn arbitrary_json_never_panics_a_decoder(status in status(), value in json()) {
        decode_everything(&value.clone().into());
        read_everything(&response(status, value.to_string()));
    }

    /// A page's jobs, found by scanning its text and decoded one by one,
    /// read as the whole JSON tree reads them, however the text is laid
    /// out and whatever the items hold (brackets and quotes in text too).
    #[test]
    fn a_page_read_job_by_job_reads_as_the_whole_tree(
        items in proptest::collection::vec(json(), 0..6),
        before in json(),
        pretty in any::<bool>(),
    ) {
        let page = serde_json::json!({ "before": before, "resources": items, "total": 9 });
        let text = if pretty {
            serde_json::to_string_pretty(&page).unwrap_or_default()
        } else {
            page.to_string()
        };
        // The tree the text parses to (a float may read back a bit apart).
        let whole = crate::json::from_str(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let (envelope, read) = crate::model::sync_job::SyncJobPage::from_text(&text)
            .ok_or_else(|| TestCaseError::fail(text.clone()))?;
        prop_assert_eq!(read, crate::model::sync_job::SyncJobPage::from_json(&whole));
        prop_assert_eq!(envelope.get("before"), whole.get("before"));
    }

    /// The parser takes exactly the texts serde_json takes, as the same
    /// tree: any JSON value, written compact or pretty.
    #[test]
    fn the_parser_reads_any_json_as_serde_json_does(value in json(), pretty in any::<bool>()) {
        let text = if pretty {
            serde_json::to_string_pretty(&value).unwrap_or_default()
        } else {
            value.to_string()
        };
        let theirs: Value = serde_json::from_str(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(crate::json::from_str(&text), Ok(crate::json::Value::from(theirs)));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(BYTES_CASES))]

    /// Any text, JSON or nearly: taken or refused as serde_json does, and
    /// never a panic.
    #[test]
    fn the_parser_refuses_what_serde_json_refuses(text in r#"[\[\]{}",:0-9.eE+\-a-z\\ \n]{0,40}"#) {
        let theirs = serde_json::from_str::<Value>(&text);
        let ours = crate::json::from_str(&text);
        // A number beyond f64 is kept as written here, refused there, and
        // serde_json stops at it: its verdict says nothing of what follows
        // ("1E310:"). Such a case is drawn again, not passed.
        let out_of_range = theirs.as_ref().is_err_and(|e| e.to_string().contains("out of range"));
        prop_assume!(!out_of_range);
        prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?}: {:?}", text, ours);
        if let (Ok(ours), Ok(theirs)) = (ours, theirs) {
            prop_assert_eq!(ours, crate::json::Value::from(theirs));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(SHAPED_CASES))]

    /// A code means the same written as text or as a number.
    #[test]
    fn codes_read_alike_as_text_or_number(code in -5i64..20, status_text in ".{0,30}") {
        let as_text = crate::json::json!({"code": code.to_string(), "status": status_text});
        let as_number = crate::json::json!({"code": code, "status": status_text});
        prop_assert_eq!(BackupResult::from_json(&as_text), BackupResult::from_json(&as_number));
        prop_assert_eq!(BackupActivity::from_json(&as_text), BackupActivity::from_json(&as_number));
        prop_assert_eq!(RestoreProgress::from_json(&as_text), RestoreProgress::from_json(&as_number));
    }

    /// Any valid RFC 3339 time reads back to what it says.
    #[test]
    fn generated_timestamps_round_trip(
        year in 1i64..=9999, month in 1i64..=12, day in 1i64..=28,
        hour in 0i64..24, minute in 0i64..60, second in 0i64..60, millis in 0i64..1000,
    ) {
        let text = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{millis:03}Z");
        let parsed = Timestamp::parse(&text);
        prop_assert!(parsed.is_some(), "{} did not parse", text);
        let shown = parsed.map(|t| t.to_string()).unwrap_or_default();
        let expected = format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02} UTC");
        prop_assert_eq!(shown, expected);
        let later = Timestamp::parse(&text.replace('Z', "-01:00"));
        prop_assert_eq!(
            later.zip(parsed).map(|(l, p)| l.unix_millis() - p.unix_millis()),
            Some(3_600_000)
        );
    }

    /// The client-side filter keeps exactly the jobs of the selected statuses.
    #[test]
    fn several_statuses_keep_only_matching_jobs(picks in proptest::collection::vec(0usize..5, 0..12), selected in proptest::collection::btree_set(0usize..5, 2..5)) {
        let all = ["in_progress", "completed", "failed", "aborted", "queued"];
        let pick = |i: usize| all.get(i).copied().unwrap_or("queued");
        let jobs: Vec<Value> = picks.iter().enumerate().map(|(n, i)| serde_json::json!({
            "id": n.to_string(), "createdAt": "2024-01-01T00:00:00Z",
            "updatedAt": "2024-01-01T00:00:00Z", "overall_status": pick(*i)
        })).collect();
        let body = serde_json::json!({"skip": 0, "limit": 50, "total": jobs.len(), "resources": jobs}).to_string();
        let filter = SyncJobFilter {
            statuses: selected.iter().map(|i| SyncStatus::from_wire(pick(*i))).collect(),
            ..SyncJobFilter::default()
        };
        prop_assert!(!cckm::sync_jobs_query(&filter).contains("overall_status"));
        let page = cckm::read_sync_jobs(&response(200, body), &filter).map(|r| r.value);
        prop_assert!(page.is_ok());
        let kept: Vec<usize> = page.map(|p| p.jobs.iter().filter_map(|j| j.id.parse().ok()).collect()).unwrap_or_default();
        let expected: Vec<usize> = picks.iter().enumerate().filter(|(_, i)| selected.contains(i)).map(|(n, _)| n).collect();
        prop_assert_eq!(kept, expected);
    }

    /// Whatever field a family carries its containers in, the names are read
    /// whole, whatever they hold, and the other fields do not disturb them.
    #[test]
    fn containers_are_read_under_each_family_s_field(field in 0usize..6, names in proptest::collection::vec(".{0,12}", 1..5), noise in json()) {
        let wire = ContainerField::ALL.get(field).map_or("kms", |f| f.wire());
        let job = crate::json::json!({
            "id": "j", "createdAt": "2024-01-01T00:00:00Z",
            "updatedAt": "2024-01-01T00:00:00Z", "overall_status": "completed",
            wire: names, "detailed_status": noise
        });
        match SyncJob::from_json(&job, "") {
            Ok(job) => prop_assert_eq!(job.containers, names),
            // Only the arbitrary `detailed_status` may be refused.
            Err(error) => prop_assert!(error.field.starts_with("detailed_status"), "{error:?}"),
        }
    }
}

//! The vendors' own example bodies (kept verbatim in `tests/fixtures/`) and
//! every variant of `api-notes`, read the way a card will read them.

use std::time::Duration;

use crate::json::Value;

use super::cckm::{self, CckmTokens};
use super::config::{CckmConfig, GklmConfig};
use super::error::{ApiError, Server};
use super::gklm;
use super::http::{HttpResponse, Method};
use crate::lang::Language;
use crate::model::backup::{BackupActivity, BackupResult};
use crate::model::decode::{DecodeProblem, Expected};
use crate::model::notification::{DeliveryReading, EventLookup};
use crate::model::restore::RestorePhase;
use crate::model::sync_job::{
    RegionReading, SortKey, SortOrder, Source, SyncJobFilter, SyncStatus,
};
use crate::model::timestamp::Timestamp;

macro_rules! fixture {
    ($path:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/",
            $path
        ))
    };
}

fn response(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        content_type: Some("application/json".to_owned()),
        content_language: Some("en".to_owned()),
        body: body.to_owned(),
    }
}

fn gklm_config() -> GklmConfig {
    let mut cfg = GklmConfig::new("https://gklm.example:9443/SKLM/rest/v1/");
    cfg.auth_id = Some("139aeh34567m".to_owned());
    cfg.language = Language::De;
    cfg.timeout_ms = 2_500;
    cfg
}

fn cckm_config() -> CckmConfig {
    let mut cfg = CckmConfig::new("https://ctm.example/api/v1");
    cfg.token = Some("eyJ.token".to_owned());
    cfg
}

fn ts(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap_or(Timestamp::from_unix_millis(i64::MIN))
}

// --- Seed 000: backup result -------------------------------------------------

#[test]
fn seed_backup_result_reads_as_succeeded_with_its_language() {
    let reply = gklm::read_backup_result(&response(200, fixture!("gklm/backup_result_ok.json")));
    let reply = reply.map_err(|e| e.describe(Language::En));
    assert_eq!(
        reply.as_ref().map(|r| &r.value),
        Ok(&BackupResult::Succeeded {
            status: "Operation succeeded".to_owned()
        })
    );
    assert_eq!(
        reply.ok().and_then(|r| r.content_language).as_deref(),
        Some("en")
    );
}

#[test]
fn seed_not_authenticated_error_needs_sign_in_despite_the_line_break() {
    for body in [
        fixture!("gklm/backup_result_not_authenticated.json"),
        fixture!("gklm/backup_isrunning_not_authenticated.json"),
        fixture!("gklm/restore_progress_not_authenticated.json"),
    ] {
        let err = gklm::read_backup_result(&response(400, body)).err();
        let Some(err) = err else {
            panic!("an error body was read as a result: {body}");
        };
        assert!(err.is_sign_in_needed(), "{err:?}");
        assert_eq!(err.server_code(), Some("CTGKM6002E"));
        assert_eq!(
            err.describe(Language::En),
            "GKLM needs a session (CTGKM6002E): sign in."
        );
        assert_eq!(
            err.describe(Language::De),
            "GKLM verlangt eine Sitzung (CTGKM6002E): anmelden."
        );
        if let ApiError::SignInNeeded { said, status, .. } = &err {
            assert_eq!(*status, 400);
            assert_eq!(
                said.message.as_deref(),
                Some("CTGKM6002E Bad Request: Invalid user authentication ID or invalid request format.")
            );
        }
    }
}

#[test]
fn result_with_undocumented_message_id_is_read() {
    let reply = gklm::read_backup_result(&response(
        200,
        fixture!("gklm/backup_result_with_message_id.json"),
    ));
    assert_eq!(
        reply.map(|r| r.value),
        Ok(BackupResult::Succeeded {
            status: "CTGKM3465I Operation succeeded".to_owned()
        })
    );
}

// --- Seed 001: backup running ------------------------------------------------

#[test]
fn seed_backup_activity_both_ways() {
    let idle =
        gklm::read_backup_activity(&response(200, fixture!("gklm/backup_isrunning_idle.json")));
    assert_eq!(
        idle.map(|r| r.value),
        Ok(BackupActivity::Idle {
            status: "CTGKM3291I Backup process is not running.".to_owned()
        })
    );
    let running = gklm::read_backup_activity(&response(
        200,
        fixture!("gklm/backup_isrunning_running.json"),
    ));
    assert_eq!(
        running.map(|r| r.value),
        Ok(BackupActivity::Running {
            status: "CTGKM3290I Backup process is running.".to_owned()
        })
    );
}

// --- Seed 002: restore progress ---------------------------------------------

#[test]
fn seed_restore_progress_is_completed() {
    let reply = gklm::read_restore_progress(&response(
        200,
        fixture!("gklm/restore_progress_completed.json"),
    ));
    let progress = reply.map(|r| r.value);
    assert_eq!(
        progress.as_ref().map(|p| p.phase),
        Ok(Some(RestorePhase::Completed))
    );
    assert_eq!(progress.as_ref().map(|p| p.code.as_str()), Ok("7"));
    assert_eq!(
        progress.as_ref().map(|p| p.status.as_str()),
        Ok("COMPLETED")
    );
}

// --- Seed 003: notification status ------------------------------------------

#[test]
fn seed_notification_row_reads_as_not_delivered_after_one_try() {
    let reply =
        gklm::read_notification_status(&response(200, fixture!("gklm/notification_status.json")));
    let rows = match reply.map(|r| r.value) {
        Ok(EventLookup::Found(rows)) => rows,
        other => panic!("{other:?}"),
    };
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(
        row.event_uuid,
        "NOT_EVENT-fed6658-f11fba8a-a9ca-4835-b4bd-9d0e0a9d4062"
    );
    assert_eq!(row.tenant_id, "0");
    assert_eq!(row.channel, "email");
    assert_eq!(row.delivered, DeliveryReading::NotDelivered);
    assert_eq!(row.delivered_raw, "0");
    assert_eq!(row.tries, Some(1));
    assert_eq!(row.tries_raw, "1");
}

#[test]
fn an_unknown_event_is_an_answer_not_an_error() {
    let body =
        r#"{"code":"CTGKM0404E","message":"CTGKM0404E The notification event x was not found."}"#;
    let reply = gklm::read_notification_status(&response(404, body)).map(|r| r.value);
    assert_eq!(
        reply,
        Ok(EventLookup::NotFound {
            code: Some("CTGKM0404E".to_owned()),
            message: Some("CTGKM0404E The notification event x was not found.".to_owned()),
        })
    );
    // An HTML 404 page says the address is wrong, not that the event is unknown.
    let page = gklm::read_notification_status(&response(404, "<html>Not Found</html>"));
    assert!(
        matches!(page, Err(ApiError::NotJson { status: 404, .. })),
        "{page:?}"
    );
}

// --- Seed 004: synchronization jobs -----------------------------------------

#[test]
fn seed_sync_job_page_keeps_every_field() {
    let reply = cckm::read_sync_jobs(
        &response(200, fixture!("cckm/sync_jobs_page.json")),
        &SyncJobFilter::default(),
    );
    let Ok(page) = reply.map(|r| r.value) else {
        panic!("the seed page did not decode");
    };
    assert_eq!((page.skip, page.limit, page.total), (0, 10, 2));
    assert_eq!(page.jobs.len(), 2);
    let (Some(aborted), Some(completed)) = (page.jobs.first(), page.jobs.get(1)) else {
        return;
    };

    assert_eq!(aborted.id, "0ea5d52e-387c-44fa-b079-21c8b768f77b");
    assert_eq!(
        aborted.uri,
        "kylo:kylo:cckm:synchronize:0ea5d52e-387c-44fa-b079-21c8b768f77b"
    );
    assert_eq!(aborted.account, "kylo:kylo:admin:accounts:kylo");
    assert_eq!(aborted.application, "ncryptify:gemalto:admin:apps:kylo");
    assert_eq!(
        aborted.dev_account,
        "ncryptify:gemalto:admin:accounts:gemalto"
    );
    assert_eq!(aborted.created_at, ts("2020-11-05T06:39:45.726289Z"));
    assert_eq!(aborted.updated_at, ts("2020-11-05T06:39:57.973309Z"));
    assert_eq!(
        aborted.completed_at,
        Some(ts("2020-11-05T06:39:57.973157Z"))
    );
    assert_eq!(aborted.duration(), Some(Duration::from_millis(12_247)));
    assert_eq!(aborted.overall_status, SyncStatus::Aborted);
    assert_eq!(aborted.cloud, "aws");
    assert_eq!(aborted.regions, None);
    assert_eq!(aborted.containers, ["kms"]);
    assert!(aborted.abort);
    assert_eq!(aborted.details.len(), 1);
    let detail = aborted.details.first();
    assert_eq!(detail.map(|d| d.account.as_str()), Some("123456789012"));
    assert_eq!(detail.map(|d| d.region.as_str()), Some("us-east-1"));
    assert_eq!(detail.map(|d| d.text.as_str()), Some("in_progress"));
    assert_eq!(detail.map(|d| d.reading), Some(RegionReading::InProgress));

    assert_eq!(completed.overall_status, SyncStatus::Completed);
    assert_eq!(
        completed.regions.as_deref(),
        Some(&["ap-south-1".to_owned()][..])
    );
    assert!(!completed.abort);
    assert_eq!(completed.duration(), Some(Duration::from_millis(3_940)));
    let detail = completed.details.first();
    assert_eq!(detail.map(|d| d.region.as_str()), Some("ap-south-1"));
    assert_eq!(
        detail.map(|d| d.text.as_str()),
        Some("region synchronized successfully")
    );
    assert_eq!(detail.map(|d| d.reading), Some(RegionReading::Synchronized));
}

#[test]
fn seed_sync_job_alone_reads_through_the_single_job_reader() {
    let page: Value =
        crate::json::from_str(fixture!("cckm/sync_jobs_page.json")).unwrap_or(Value::Null);
    let job = page
        .get("resources")
        .and_then(Value::as_array)
        .and_then(|jobs| jobs.get(1))
        .cloned()
        .unwrap_or(Value::Null);
    let reply = cckm::read_sync_job(&response(200, &job.to_string()));
    assert_eq!(
        reply.map(|r| r.value.id),
        Ok("afef70ff-311e-46c1-8ead-e1999e8c6d46".to_owned())
    );
}

#[test]
fn a_bad_timestamp_is_named_by_its_path() {
    let body =
        fixture!("cckm/sync_jobs_page.json").replace("2020-11-05T06:38:25.308834Z", "yesterday");
    let err = cckm::read_sync_jobs(&response(200, &body), &SyncJobFilter::default()).err();
    assert_eq!(
        err,
        Some(ApiError::Decode {
            server: Server::Cckm,
            field: "resources[1].createdAt".to_owned(),
            problem: DecodeProblem::NotA(Expected::Timestamp),
        })
    );
    let sentence = err.map(|e| e.describe(Language::En)).unwrap_or_default();
    assert!(sentence.contains("resources[1].createdAt"), "{sentence}");
    assert!(sentence.contains("not a date and time"), "{sentence}");
}

#[test]
fn lenient_job_fields() {
    let body = r#"{"skip":"0","limit":"5","total":"1","resources":[{
        "id":"j1","createdAt":"2024-01-01T00:00:00Z","updatedAt":"2024-01-01T00:00:05Z",
        "completed_at":null,"overall_status":"queued","abort":"true","future":{"x":1},
        "detailed_status":{"123/eu-west-1":"synchronization failed: AccessDenied","eu-central-1":null}}]}"#;
    let filter = SyncJobFilter::default();
    let page = cckm::read_sync_jobs(&response(200, body), &filter).map(|r| r.value);
    let Ok(page) = page else {
        panic!("lenient page did not decode: {page:?}");
    };
    assert_eq!((page.skip, page.limit, page.total), (0, 5, 1));
    let Some(job) = page.jobs.first() else { return };
    assert_eq!(job.overall_status, SyncStatus::Other("queued".to_owned()));
    assert_eq!(job.completed_at, None);
    assert_eq!(job.duration(), None);
    assert_eq!(
        job.elapsed(ts("2024-01-01T00:01:00Z")),
        Some(Duration::from_secs(60))
    );
    assert!(job.abort);
    assert!(job.containers.is_empty());
    let readings: Vec<_> = job
        .details
        .iter()
        .map(|d| (d.account.as_str(), d.region.as_str(), d.reading))
        .collect();
    assert_eq!(
        readings,
        [
            ("123", "eu-west-1", RegionReading::Failed),
            ("", "eu-central-1", RegionReading::Other)
        ]
    );
}

#[test]
fn go_zero_completion_time_means_still_running() {
    let body = r#"{"id":"j","createdAt":"2024-01-01T00:00:00Z","updatedAt":"2024-01-01T00:00:00Z",
        "completed_at":"0001-01-01T00:00:00Z","overall_status":"in_progress","abort":true}"#;
    let job = cckm::read_sync_job(&response(200, body)).map(|r| r.value);
    assert_eq!(job.as_ref().map(|j| j.completed_at), Ok(None));
    assert_eq!(job.as_ref().map(|j| j.is_cancelling()), Ok(true));
}

// --- Login and tokens ------------------------------------------------------

#[test]
fn login_accepts_both_spellings_of_the_session_id() {
    assert_eq!(
        gklm::read_login(&response(200, fixture!("gklm/login_real_server.json"))),
        Ok("4259b494-9cb2-4414-87b4-9a17b9f916c7".to_owned())
    );
    assert_eq!(
        gklm::read_login(&response(200, fixture!("gklm/login_documented.json"))),
        Ok("139aeh34567m".to_owned())
    );
    assert_eq!(
        gklm::read_login(&response(200, r#"{"userAuthId":"  "}"#)),
        Err(ApiError::Decode {
            server: Server::Gklm,
            field: "UserAuthId".to_owned(),
            problem: DecodeProblem::Missing
        })
    );
}

#[test]
fn refused_login_asks_to_check_the_credentials() {
    let err = gklm::read_login(&response(401, fixture!("gklm/login_refused.json"))).err();
    assert!(err.as_ref().is_some_and(ApiError::is_sign_in_needed));
    assert_eq!(
        err.as_ref().and_then(ApiError::server_code),
        Some("CTGKM6003E")
    );
    assert_eq!(
        err.map(|e| e.describe(Language::En)).as_deref(),
        Some("GKLM refused the user ID or password (CTGKM6003E): check both and sign in again.")
    );
}

#[test]
fn expired_session_needs_sign_in_in_both_languages() {
    let err = gklm::read_backup_result(&response(401, fixture!("gklm/session_expired.json"))).err();
    let Some(err) = err else { panic!("no error") };
    assert!(err.is_sign_in_needed());
    assert_eq!(err.server_code(), Some("CTGKM6004E"));
    assert_eq!(
        err.describe(Language::En),
        "GKLM rejected the session (CTGKM6004E): sign in again."
    );
    assert_eq!(
        err.describe(Language::De),
        "GKLM hat die Sitzung abgelehnt (CTGKM6004E): erneut anmelden."
    );
    // Also when a server sends the code with a success status.
    let err = gklm::read_backup_activity(&response(200, fixture!("gklm/session_expired.json")));
    assert!(err.is_err_and(|e| e.is_sign_in_needed()));
}

#[test]
fn validation_error_is_an_http_error_with_the_servers_words() {
    let err =
        gklm::read_backup_result(&response(400, fixture!("gklm/validation_error.json"))).err();
    let Some(err) = err else { panic!("no error") };
    assert!(!err.is_sign_in_needed());
    assert_eq!(err.server_code(), Some("CTGKM0630E"));
    assert_eq!(
        err.describe(Language::En),
        "GKLM answered HTTP 400 (CTGKM0630E: Validation error: the value of the parameter is not valid.): the request was refused; check the configuration."
    );
}

#[test]
fn cckm_tokens_are_read_and_never_printed() {
    let tokens = cckm::read_tokens(&response(200, fixture!("cckm/tokens.json")));
    assert_eq!(
        tokens,
        Ok(CckmTokens {
            jwt: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.sig".to_owned(),
            refresh_token: Some("Yx6g1oNaKqFzSzJ3".to_owned()),
            duration_s: Some(300),
            token_type: Some("Bearer".to_owned()),
        })
    );
    let shown = format!("{tokens:?}");
    assert!(!shown.contains("eyJ") && !shown.contains("Yx6g"), "{shown}");
    assert_eq!(
        cckm::read_tokens(&response(200, r#"{"duration":300}"#)).err(),
        Some(ApiError::Decode {
            server: Server::Cckm,
            field: "jwt".to_owned(),
            problem: DecodeProblem::Missing
        })
    );
}

#[test]
fn cckm_errors_keep_code_description_and_message() {
    let err = cckm::read_sync_job(&response(404, fixture!("cckm/not_found.json"))).err();
    let Some(err) = err else { panic!("no error") };
    assert_eq!(err.server_code(), Some("NCERRResourceNotFound"));
    assert_eq!(
        err.describe(Language::En),
        "CipherTrust Manager: Resource not found (NCERRResourceNotFound) (HTTP 404): check the configured address."
    );
    // Thales' own shape: no `message`, the sentence after the code word.
    for (body, code, sentence) in [
        (
            r#"{"code":16,"codeDesc":"NCERRResourceNotFound: Resource not found"}"#,
            "NCERRResourceNotFound",
            "CipherTrust Manager: Resource not found (NCERRResourceNotFound) (HTTP 404)",
        ),
        (
            r#"{"code":"14","codeDesc":" NCERRInternalServerError: unexpected error "}"#,
            "NCERRInternalServerError",
            "CipherTrust Manager: unexpected error (NCERRInternalServerError) (HTTP 404)",
        ),
        (
            r#"{"code":16,"codeDesc":"NCERRResourceNotFound:"}"#,
            "NCERRResourceNotFound",
            "CipherTrust Manager answered HTTP 404 (NCERRResourceNotFound)",
        ),
        (
            r#"{"code":16,"codeDesc":"Not found: the job"}"#,
            "Not found: the job",
            "CipherTrust Manager answered HTTP 404 (Not found: the job)",
        ),
        (
            r#"{"code":16}"#,
            "16",
            "CipherTrust Manager answered HTTP 404 (16)",
        ),
    ] {
        let err = cckm::read_sync_job(&response(404, body)).err();
        let Some(err) = err else { panic!("no error") };
        assert_eq!(err.server_code(), Some(code), "{body}");
        let said = err.describe(Language::En);
        assert!(said.starts_with(sentence), "{said}");
    }
    let err = cckm::read_sync_jobs(
        &response(401, fixture!("cckm/token_expired.json")),
        &SyncJobFilter::default(),
    )
    .err();
    let Some(err) = err else { panic!("no error") };
    assert!(err.is_sign_in_needed());
    assert_eq!(
        err.describe(Language::En),
        "CipherTrust Manager did not accept the sign-in (HTTP 401) (NCERRUnauthorized: Unauthorized: Bearer token malformed: Token is expired by 50s): sign in again."
    );
    // The same answer to the panel's first request, sent without a token:
    // a sign-in asked for, not one refused.
    assert_eq!(
        err.describe_first_ask(Language::En),
        "CipherTrust Manager asks for a sign-in (HTTP 401) (NCERRUnauthorized: Unauthorized: Bearer token malformed: Token is expired by 50s): sign in."
    );
    assert_eq!(
        err.describe_first_ask(Language::De),
        "CipherTrust Manager verlangt eine Anmeldung (HTTP 401) (NCERRUnauthorized: Unauthorized: Bearer token malformed: Token is expired by 50s): anmelden."
    );
}

// --- Bodies that are not what they should be -------------------------------

#[test]
fn an_html_error_page_becomes_a_short_excerpt() {
    let err = gklm::read_backup_result(&response(502, fixture!("gateway_502.html"))).err();
    assert_eq!(
        err,
        Some(ApiError::NotJson {
            server: Server::Gklm,
            status: 502,
            excerpt: "502 Bad Gateway 502 Bad Gateway nginx".to_owned()
        })
    );
    assert!(err.as_ref().is_some_and(ApiError::is_transient));
    let sentence = err.map(|e| e.describe(Language::De)).unwrap_or_default();
    assert!(sentence.contains("HTTP 502"), "{sentence}");
    assert!(
        sentence.contains("„502 Bad Gateway 502 Bad Gateway nginx“"),
        "{sentence}"
    );
}

#[test]
fn a_login_page_with_success_status_is_not_json() {
    let page = format!(
        "<!DOCTYPE html><html><body>{}</body></html>",
        "Please log in. ".repeat(40)
    );
    let err = gklm::read_backup_result(&response(200, &page)).err();
    let Some(ApiError::NotJson {
        status, excerpt, ..
    }) = err
    else {
        panic!("{err:?}");
    };
    assert_eq!(status, 200);
    assert!(excerpt.chars().count() <= 120, "{excerpt}");
    assert!(excerpt.starts_with("Please log in."), "{excerpt}");
    assert!(!excerpt.contains('<'));
}

#[test]
fn an_empty_error_body_is_a_bare_http_error() {
    for (status, action) in [
        (
            500,
            "the server has a problem; try again later or check its log.",
        ),
        (503, "the server is busy or restarting; try again later."),
        (404, "check the configured address."),
        (
            403,
            "the account lacks permission for this; ask an administrator.",
        ),
    ] {
        let err = gklm::read_restore_progress(&response(status, "")).err();
        let Some(err) = err else { panic!("no error") };
        assert_eq!(err.server_code(), None);
        assert_eq!(
            err.describe(Language::En),
            format!("GKLM answered HTTP {status}: {action}")
        );
    }
    let err = gklm::read_restore_progress(&response(401, "")).err();
    assert!(err.is_some_and(|e| e.is_sign_in_needed()));
}

#[test]
fn a_json_body_of_the_wrong_shape_names_what_is_wrong() {
    let err = gklm::read_backup_result(&response(200, "[]")).err();
    assert_eq!(
        err,
        Some(ApiError::Decode {
            server: Server::Gklm,
            field: String::new(),
            problem: DecodeProblem::NotA(Expected::Object)
        })
    );
    let sentence = err.map(|e| e.describe(Language::En)).unwrap_or_default();
    assert_eq!(
        sentence,
        "GKLM sent an answer the panel cannot read (field “(body)” is not an object): this server version may not be supported."
    );
}

// --- Requests ----------------------------------------------------------------

#[test]
fn gklm_requests_carry_every_header_and_the_session() {
    let cfg = gklm_config();
    for (req, path) in [
        (gklm::backup_result_request(&cfg), "ckms/backups/result"),
        (
            gklm::backup_activity_request(&cfg),
            "ckms/backups/isrunning",
        ),
        (
            gklm::restore_progress_request(&cfg),
            "ckms/backupRestore/progress",
        ),
    ] {
        assert_eq!(req.method, Method::Get);
        assert_eq!(
            req.url,
            format!("https://gklm.example:9443/SKLM/rest/v1/{path}")
        );
        assert_eq!(req.header("accept"), Some("application/json"));
        assert_eq!(req.header("content-type"), Some("application/json"));
        assert_eq!(req.header("accept-language"), Some("de"));
        assert_eq!(
            req.header("authorization"),
            Some("SKLMAuth userAuthId=139aeh34567m")
        );
        assert_eq!(req.body, None);
        assert_eq!(req.timeout_ms, 2_500);
    }
}

#[test]
fn no_session_means_no_authorization_header() {
    let mut cfg = gklm_config();
    for auth in [None, Some(String::new()), Some("  ".to_owned())] {
        cfg.auth_id = auth;
        let req = gklm::backup_result_request(&cfg);
        assert_eq!(req.header("authorization"), None);
        assert_eq!(req.headers.len(), 3);
    }
    let mut cfg = cckm_config();
    cfg.token = None;
    assert_eq!(
        cckm::sync_jobs_request(&cfg, &SyncJobFilter::default()).header("authorization"),
        None
    );
}

#[test]
fn event_uuids_are_percent_encoded_and_dot_segments_refused() {
    let cfg = gklm_config();
    let url = |uuid: &str| gklm::notification_status_request(&cfg, uuid).map(|r| r.url);
    assert_eq!(
        url("NOT_EVENT-fed6658-f11fba8a-a9ca-4835-b4bd-9d0e0a9d4062"),
        Ok("https://gklm.example:9443/SKLM/rest/v1/ckms/notification/status/NOT_EVENT-fed6658-f11fba8a-a9ca-4835-b4bd-9d0e0a9d4062".to_owned())
    );
    assert_eq!(
        url(" a?x=1#fü%\t"),
        Ok("https://gklm.example:9443/SKLM/rest/v1/ckms/notification/status/a%3Fx%3D1%23f%C3%BC%25".to_owned())
    );
    for bad in ["", " ", "..", "a/../b", "a b", &"x".repeat(201)] {
        let err = url(bad).err();
        assert!(matches!(err, Some(ApiError::BadInput { .. })), "{bad:?}");
        let sentence = err.map(|e| e.describe(Language::En)).unwrap_or_default();
        assert!(sentence.starts_with("The event UUID"), "{sentence}");
    }
}

#[test]
fn logout_deletes_the_session_it_names() {
    let req = gklm::logout_request(&gklm_config()).expect("a session is held");
    assert_eq!(req.method, Method::Delete);
    assert_eq!(
        req.url,
        "https://gklm.example:9443/SKLM/rest/v1/ckms/logout"
    );
    assert_eq!(
        req.header("authorization"),
        Some("SKLMAuth userAuthId=139aeh34567m")
    );
    let body: Value = crate::json::from_str(req.body.as_deref().unwrap_or_default()).unwrap();
    assert_eq!(body, crate::json::json!({"userAuthId": "139aeh34567m"}));
    let mut anonymous = gklm_config();
    anonymous.auth_id = None;
    assert_eq!(gklm::logout_request(&anonymous), None);
}

#[test]
fn login_posts_escaped_json_without_a_session() {
    let req = gklm::login_request(&gklm_config(), "kw\"demo", "pa\\ss\nword");
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.url, "https://gklm.example:9443/SKLM/rest/v1/ckms/login");
    assert_eq!(req.header("authorization"), None);
    assert_eq!(req.header("content-type"), Some("application/json"));
    let body: Value =
        crate::json::from_str(req.body.as_deref().unwrap_or_default()).unwrap_or(Value::Null);
    assert_eq!(
        body,
        crate::json::json!({"userid": "kw\"demo", "password": "pa\\ss\nword"})
    );
}

#[test]
fn cckm_requests_use_bearer_and_the_filter_query() {
    let cfg = cckm_config();
    let filter = SyncJobFilter {
        id: Some("0ea5d52e 387c".to_owned()),
        statuses: vec![SyncStatus::InProgress],
        containers: vec!["kms-a".to_owned(), "kms b&c".to_owned(), "  ".to_owned()],
        skip: 20,
        limit: 10,
        ..SyncJobFilter::default()
    };
    let req = cckm::sync_jobs_request(&cfg, &filter);
    assert_eq!(
        req.url,
        "https://ctm.example/api/v1/cckm/aws/synchronization-jobs?id=0ea5d52e%20387c&overall_status=in_progress&kms=kms-a&kms=kms%20b%26c&skip=20&limit=10"
    );
    assert_eq!(req.header("authorization"), Some("Bearer eyJ.token"));
    assert_eq!(req.header("accept-language"), Some("en"));
    assert_eq!(
        cckm::sync_jobs_request(&cfg, &SyncJobFilter::default()).url,
        "https://ctm.example/api/v1/cckm/aws/synchronization-jobs?skip=0&limit=10"
    );
    assert_eq!(
        cckm::sync_job_request(&cfg, Source::Aws, "afef70ff-311e").map(|r| r.url),
        Ok("https://ctm.example/api/v1/cckm/aws/synchronization-jobs/afef70ff-311e".to_owned())
    );
    assert!(cckm::sync_job_request(&cfg, Source::Aws, "..").is_err());
}

#[test]
fn each_source_has_its_path_and_container_parameter_and_sort_goes_where_documented() {
    let cfg = cckm_config();
    for (source, path, param, sort) in [
        (Source::Aws, "aws/synchronization-jobs", "kms", ""),
        (
            Source::AwsCustomKeyStores,
            "aws/custom-key-stores/synchronization-jobs",
            "kms",
            "",
        ),
        (
            Source::Azure,
            "azure/synchronization-jobs",
            "key_vaults",
            "",
        ),
        (
            Source::AzureSecrets,
            "azure/secrets/synchronization-jobs",
            "key_vaults",
            "",
        ),
        (
            Source::AzureCertificates,
            "azure/certificates/synchronization-jobs",
            "key_vaults",
            "",
        ),
        (
            Source::Google,
            "google/synchronization-jobs",
            "key_rings",
            "&sort=-createdAt",
        ),
        (Source::Oci, "oci/synchronization-jobs", "vaults", ""),
        (
            Source::Salesforce,
            "sfdc/keys/synchronization-jobs",
            "organizations",
            "&sort=-createdAt",
        ),
        (Source::Sap, "sap/synchronization-jobs", "groups", ""),
    ] {
        let filter = SyncJobFilter {
            source,
            containers: vec!["a".to_owned(), "b".to_owned()],
            sort: Some(SortOrder {
                key: SortKey::Started,
                descending: true,
            }),
            ..SyncJobFilter::default()
        };
        assert_eq!(
            cckm::sync_jobs_request(&cfg, &filter).url,
            format!(
                "https://ctm.example/api/v1/cckm/{path}?{param}=a&{param}=b{sort}&skip=0&limit=10"
            )
        );
        assert_eq!(
            cckm::sync_job_request(&cfg, source, "x").map(|r| r.url),
            Ok(format!("https://ctm.example/api/v1/cckm/{path}/x"))
        );
    }
    let by_duration = SyncJobFilter {
        sort: Some(SortOrder {
            key: SortKey::Duration,
            descending: false,
        }),
        ..SyncJobFilter::default()
    };
    assert!(!cckm::sync_jobs_query(&by_duration).contains("sort"));
    let by_status = SyncJobFilter {
        sort: Some(SortOrder {
            key: SortKey::Status,
            descending: false,
        }),
        source: Source::Salesforce,
        ..SyncJobFilter::default()
    };
    assert!(cckm::sync_jobs_query(&by_status).contains("sort=overall_status"));
}

#[test]
fn several_statuses_are_filtered_client_side() {
    let filter = SyncJobFilter {
        statuses: vec![SyncStatus::Completed, SyncStatus::Failed],
        ..SyncJobFilter::default()
    };
    let req = cckm::sync_jobs_request(&cckm_config(), &filter);
    assert!(!req.url.contains("overall_status"), "{}", req.url);
    let page = cckm::read_sync_jobs(
        &response(200, fixture!("cckm/sync_jobs_page.json")),
        &filter,
    )
    .map(|r| r.value);
    let Ok(page) = page else { panic!("{page:?}") };
    let ids: Vec<&str> = page.jobs.iter().map(|j| j.id.as_str()).collect();
    assert_eq!(ids, ["afef70ff-311e-46c1-8ead-e1999e8c6d46"]);
    assert_eq!(page.total, 2, "total stays the server's count");

    let one = SyncJobFilter {
        statuses: vec![SyncStatus::Failed],
        ..SyncJobFilter::default()
    };
    let page = cckm::read_sync_jobs(&response(200, fixture!("cckm/sync_jobs_page.json")), &one)
        .map(|r| r.value.jobs.len());
    assert_eq!(page, Ok(2), "a single status is the server's job");
}

#[test]
fn token_requests_post_the_grant_without_a_bearer() {
    let cfg = cckm_config();
    let sign_in = cckm::sign_in_request(&cfg, "admin", "pw", &cckm::SignInDomain::default());
    assert_eq!(sign_in.method, Method::Post);
    assert_eq!(sign_in.url, "https://ctm.example/api/v1/auth/tokens");
    assert_eq!(sign_in.header("authorization"), None);
    let body: Value =
        crate::json::from_str(sign_in.body.as_deref().unwrap_or_default()).unwrap_or(Value::Null);
    assert_eq!(
        body,
        crate::json::json!({"grant_type": "password", "username": "admin", "password": "pw"})
    );
    let refresh = cckm::refresh_request(&cfg, "Yx6g");
    let body: Value =
        crate::json::from_str(refresh.body.as_deref().unwrap_or_default()).unwrap_or(Value::Null);
    assert_eq!(
        body,
        crate::json::json!({"grant_type": "refresh_token", "refresh_token": "Yx6g", "renew_refresh_token": true})
    );
    let in_domain = cckm::sign_in_request(
        &cfg,
        "ops",
        "pw",
        &cckm::SignInDomain::new(" sales ", "root"),
    );
    let body: Value =
        crate::json::from_str(in_domain.body.as_deref().unwrap_or_default()).unwrap_or(Value::Null);
    assert_eq!(
        body,
        crate::json::json!({"grant_type": "password", "username": "ops", "password": "pw",
            "domain": "sales", "auth_domain": "root"})
    );
    let own_domain =
        cckm::sign_in_request(&cfg, "ops", "pw", &cckm::SignInDomain::new("sales", " "));
    assert!(own_domain
        .body
        .as_deref()
        .is_some_and(|b| b.contains("\"domain\":\"sales\"") && !b.contains("auth_domain")));
}

#[test]
fn restore_progress_falls_back_to_the_example_path_only_on_404() {
    let cfg = gklm_config();
    assert_eq!(
        gklm::restore_progress_alternate_request(&cfg).url,
        "https://gklm.example:9443/SKLM/rest/v1/ckms/restore/progress"
    );
    let missing = gklm::read_restore_progress(&response(404, "")).err();
    assert!(missing
        .as_ref()
        .is_some_and(gklm::should_try_alternate_restore_path));
    let missing_page = gklm::read_restore_progress(&response(404, "<h1>Not Found</h1>")).err();
    assert!(missing_page
        .as_ref()
        .is_some_and(gklm::should_try_alternate_restore_path));
    for status in [400, 401, 500] {
        let err =
            gklm::read_restore_progress(&response(status, fixture!("gklm/session_expired.json")))
                .err();
        assert!(
            !err.as_ref()
                .is_some_and(gklm::should_try_alternate_restore_path),
            "{status}"
        );
    }
}

#[test]
fn a_service_the_server_lacks_is_none_not_an_error() {
    let missing = response(404, r#"{"code":"CTGKM0404E","message":"Not found"}"#);
    let reply = super::read::if_served(gklm::read_backup_info(&missing));
    assert!(matches!(reply, Ok(ref r) if r.value.is_none()), "{reply:?}");
    // Liberty answers a path it does not know with its own HTML page.
    let html_404 = response(404, "<html>Not Found</html>");
    let reply = super::read::if_served(gklm::read_backup_info(&html_404));
    assert!(matches!(reply, Ok(ref r) if r.value.is_none()), "{reply:?}");
    let broken = response(500, r#"{"code":"CTGKM0001E","message":"Internal"}"#);
    assert!(super::read::if_served(gklm::read_backup_info(&broken)).is_err());
    let fine = response(
        200,
        r#"{"IsLastBackupDateAvailable":"false","lastBackupDate":""}"#,
    );
    let reply = super::read::if_served(gklm::read_backup_info(&fine)).unwrap();
    assert_eq!(reply.value.map(|info| info.last_backup()), Some(Some(None)));
}

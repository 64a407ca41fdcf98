//! The HTTP seam against the real simulator (`keywatch-gateway demo`), with a
//! real cross-origin fetch from the browser: success, timeout, abort, bodies
//! that are not JSON, oversized bodies, dropped connections and the three
//! ways GKLM asks for a sign-in.
#![cfg(target_arch = "wasm32")]

use futures::future::{select, Either};
use js_sys::{Array, Date, Function, Reflect};
use keywatch::api::cckm;
use keywatch::api::error::{ApiError, Server};
use keywatch::api::gklm;
use keywatch::api::http::{send, HttpRequest, Method, MAX_BODY_BYTES};
use keywatch::api::{CckmConfig, Fetch};
use keywatch::lang::Language;
use keywatch::model::backup::BackupResult;
use keywatch::model::notification::EventLookup;
use keywatch::model::sync_job::{Source, SyncJobFilter, SyncStatus};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

mod support;

use support::{config, fault, gateway, signed_in, sim, sleep, turn, until};

wasm_bindgen_test_configure!(run_in_browser);

const BACKUP_RESULT_ROUTE: &str = "/SKLM/rest/v1/ckms/backups/result";

/// Wraps `window.fetch` once so tests can see how each fetch ended: the name
/// of the rejection (`AbortError`) or `response`.
fn watch_fetches() {
    let install = Function::new_no_args(
        r#"
        if (globalThis.__keywatchFetches) return;
        const original = globalThis.fetch.bind(globalThis);
        globalThis.__keywatchFetches = [];
        globalThis.fetch = function (input, init) {
            const entry = { url: String((input && input.url) || input), outcome: "pending",
                            signal: input && input.signal };
            globalThis.__keywatchFetches.push(entry);
            const promise = original(input, init);
            promise.then(() => { entry.outcome = "response"; },
                         (e) => { entry.outcome = (e && e.name) || "error"; });
            return promise;
        };
        "#,
    );
    install
        .call0(&JsValue::UNDEFINED)
        .unwrap_or_else(|e| panic!("could not watch fetch: {e:?}"));
}

/// How the most recent fetch of a URL ending in `route` ended, and whether
/// its signal was aborted.
fn last_fetch(route: &str) -> Option<(String, bool)> {
    let log = Reflect::get(&js_sys::global(), &JsValue::from_str("__keywatchFetches")).ok()?;
    let entries = Array::from(&log);
    entries.iter().rev().find_map(|entry| {
        let field = |name: &str| Reflect::get(&entry, &JsValue::from_str(name)).ok();
        let url = field("url")?.as_string()?;
        if !url.ends_with(route) {
            return None;
        }
        let outcome = field("outcome")?.as_string()?;
        let aborted = field("signal")
            .and_then(|s| Reflect::get(&s, &JsValue::from_str("aborted")).ok())
            .and_then(|a| a.as_bool())
            .unwrap_or(false);
        Some((outcome, aborted))
    })
}

/// Waits for the page's last fetch of `route` to end in `outcome` (for an
/// `AbortError`, with its signal aborted as `aborted` says); fails after 10 s.
async fn fetch_ends(route: &str, outcome: &str, aborted: bool) {
    until(
        || format!("{route} never ended in {outcome}: {:?}", last_fetch(route)),
        || {
            last_fetch(route).filter(|(seen, signal)| {
                seen == outcome && (outcome != "AbortError" || *signal == aborted)
            })
        },
    )
    .await;
}

#[wasm_bindgen_test]
async fn success_reads_the_result_and_the_servers_language() {
    let _turn = turn().await;
    let cfg = signed_in(Language::De).await;
    sim(
        Method::Post,
        "/_sim/backup",
        Some(r#"{"result":"0","running":false}"#),
    )
    .await;

    let raw = send(&gklm::backup_result_request(&cfg)).await;
    let raw = raw.unwrap_or_else(|e| panic!("{}", e.describe(Language::En)));
    assert_eq!(raw.status, 200);
    assert!(raw
        .content_type
        .as_deref()
        .is_some_and(|t| t.contains("json")));

    let reply =
        gklm::read_backup_result(&raw).unwrap_or_else(|e| panic!("{}", e.describe(Language::En)));
    assert!(
        matches!(reply.value, BackupResult::Succeeded { ref status } if !status.is_empty()),
        "{:?}",
        reply.value
    );
    assert_eq!(reply.content_language.as_deref(), Some("de"));

    let activity = gklm::backup_activity(&Fetch, &cfg).await;
    assert!(
        activity.is_ok_and(|a| !a.value.is_running()),
        "backup pinned as not running"
    );
}

#[wasm_bindgen_test]
async fn a_missing_session_asks_for_sign_in_with_ctgkm6002e() {
    let _turn = turn().await;
    sim(Method::Post, "/_sim/reset", None).await;
    let err = gklm::backup_result(&Fetch, &config(Language::En))
        .await
        .err();
    let Some(err) = err else {
        panic!("a request without a session succeeded")
    };
    assert!(err.is_sign_in_needed(), "{err:?}");
    assert_eq!(err.server_code(), Some("CTGKM6002E"));
    assert_eq!(
        err.describe(Language::En),
        "GKLM needs a session (CTGKM6002E): sign in."
    );
}

#[wasm_bindgen_test]
async fn an_expired_session_is_a_401_that_asks_for_sign_in() {
    let _turn = turn().await;
    let cfg = signed_in(Language::En).await;
    fault(&format!(
        r#"{{"route":"{BACKUP_RESULT_ROUTE}","kind":"expired-session","times":1}}"#
    ))
    .await;
    let err = gklm::backup_result(&Fetch, &cfg).await.err();
    let Some(err) = err else {
        panic!("the expired-session fault was not applied")
    };
    assert!(
        matches!(
            err,
            ApiError::SignInNeeded {
                server: Server::Gklm,
                status: 401,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.server_code(), Some("CTGKM6004E"));
    assert_eq!(
        err.describe(Language::De),
        "GKLM hat die Sitzung abgelehnt (CTGKM6004E): erneut anmelden."
    );
    // The fault was for one request only.
    assert!(gklm::backup_result(&Fetch, &cfg).await.is_ok());
}

#[wasm_bindgen_test]
async fn a_wrong_password_asks_to_check_it() {
    let _turn = turn().await;
    sim(Method::Post, "/_sim/reset", None).await;
    let err = gklm::login(&Fetch, &config(Language::En), "kwdemo", "wrong")
        .await
        .err();
    assert!(
        err.as_ref().is_some_and(ApiError::is_sign_in_needed),
        "{err:?}"
    );
    assert_eq!(
        err.as_ref().and_then(ApiError::server_code),
        Some("CTGKM6003E")
    );
}

#[wasm_bindgen_test]
async fn an_html_page_is_not_json_with_a_short_excerpt() {
    let _turn = turn().await;
    let cfg = signed_in(Language::En).await;
    fault(&format!(
        r#"{{"route":"{BACKUP_RESULT_ROUTE}","kind":"html","status":502,"times":1}}"#
    ))
    .await;
    let err = gklm::backup_result(&Fetch, &cfg).await.err();
    let Some(ApiError::NotJson {
        status, excerpt, ..
    }) = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(status, 502);
    assert!(excerpt.contains("502 Bad Gateway"), "{excerpt}");
    assert!(excerpt.chars().count() <= 120 && !excerpt.contains('<'));
}

#[wasm_bindgen_test]
async fn a_cut_off_body_is_not_json_and_a_server_error_keeps_its_code() {
    let _turn = turn().await;
    let cfg = signed_in(Language::En).await;
    fault(&format!(
        r#"{{"route":"{BACKUP_RESULT_ROUTE}","kind":"malformed","times":1}}"#
    ))
    .await;
    let err = gklm::backup_result(&Fetch, &cfg).await.err();
    assert!(
        matches!(err, Some(ApiError::NotJson { status: 200, .. })),
        "{err:?}"
    );

    fault(&format!(
        r#"{{"route":"{BACKUP_RESULT_ROUTE}","kind":"status","status":503,"times":1}}"#
    ))
    .await;
    let err = gklm::backup_result(&Fetch, &cfg).await.err();
    assert!(
        matches!(err, Some(ApiError::Http { status: 503, .. })),
        "{err:?}"
    );
    assert_eq!(
        err.as_ref().and_then(ApiError::server_code),
        Some("CTGKM9999E")
    );
    assert!(err.is_some_and(|e| e.is_transient()));
}

#[wasm_bindgen_test]
async fn a_slow_answer_times_out_and_the_fetch_is_aborted() {
    let _turn = turn().await;
    watch_fetches();
    let mut cfg = signed_in(Language::En).await;
    fault(&format!(
        r#"{{"route":"{BACKUP_RESULT_ROUTE}","kind":"latency","ms":3000,"times":1}}"#
    ))
    .await;
    cfg.timeout_ms = 300;
    let started = Date::now();
    let result = gklm::backup_result(&Fetch, &cfg).await;
    let waited = Date::now() - started;
    assert_eq!(result.err(), Some(ApiError::Timeout { after_ms: 300 }));
    assert!(
        waited < 2_000.0,
        "gave up after {waited} ms, not after the 300 ms timeout"
    );
    fetch_ends(BACKUP_RESULT_ROUTE, "AbortError", true).await;
}

#[wasm_bindgen_test]
async fn dropping_the_call_aborts_the_fetch() {
    let _turn = turn().await;
    watch_fetches();
    let cfg = signed_in(Language::En).await;
    fault(&format!(
        r#"{{"route":"{BACKUP_RESULT_ROUTE}","kind":"latency","ms":3000,"times":1}}"#
    ))
    .await;
    {
        let call = Box::pin(gklm::backup_result(&Fetch, &cfg));
        let card_went_away = Box::pin(sleep(200));
        match select(call, card_went_away).await {
            Either::Left((result, _)) => panic!("answered despite the latency: {result:?}"),
            Either::Right(((), call)) => drop(call),
        }
    }
    // The dropped request ends as aborted, not as still running.
    fetch_ends(BACKUP_RESULT_ROUTE, "AbortError", true).await;
    // A completed call is not reported as aborted.
    assert!(gklm::backup_result(&Fetch, &cfg).await.is_ok());
    fetch_ends(BACKUP_RESULT_ROUTE, "response", true).await;
}

#[wasm_bindgen_test]
async fn a_dropped_connection_is_a_network_error() {
    let _turn = turn().await;
    let cfg = signed_in(Language::En).await;
    fault(&format!(
        r#"{{"route":"{BACKUP_RESULT_ROUTE}","kind":"drop"}}"#
    ))
    .await;
    // Until cleared: Chromium retries a GET once when a reused connection
    // drops, so a one-time fault would go unnoticed.
    let err = gklm::backup_result(&Fetch, &cfg).await.err();
    sim(Method::Delete, "/_sim/faults", None).await;
    assert!(matches!(err, Some(ApiError::Network { .. })), "{err:?}");
}

#[wasm_bindgen_test]
async fn an_oversized_body_is_refused_not_read() {
    let _turn = turn().await;
    let cfg = signed_in(Language::En).await;
    fault(&format!(
        r#"{{"route":"{BACKUP_RESULT_ROUTE}","kind":"huge","times":1}}"#
    ))
    .await;
    let err = gklm::backup_result(&Fetch, &cfg).await.err();
    assert_eq!(
        err,
        Some(ApiError::TooLarge {
            limit_bytes: MAX_BODY_BYTES
        })
    );
}

#[wasm_bindgen_test]
async fn an_unreachable_server_is_a_network_error() {
    let mut cfg = config(Language::En);
    cfg.base_url = "http://127.0.0.1:9/SKLM/rest/v1".to_owned();
    cfg.timeout_ms = 5_000;
    let err = gklm::backup_result(&Fetch, &cfg).await.err();
    assert!(matches!(err, Some(ApiError::Network { .. })), "{err:?}");
}

#[wasm_bindgen_test]
async fn cckm_sign_in_and_a_filtered_page_of_jobs() {
    let _turn = turn().await;
    sim(Method::Post, "/_sim/reset", None).await;
    let mut cfg = CckmConfig::new(format!("{}/api/v1", gateway()));
    let unsigned = cckm::sync_jobs(&Fetch, &cfg, &SyncJobFilter::default())
        .await
        .err();
    assert!(unsigned.is_some_and(|e| e.is_sign_in_needed()));

    let tokens = cckm::sign_in(&Fetch, &cfg, "kwdemo", "kwdemo", &Default::default()).await;
    let tokens = tokens.unwrap_or_else(|e| panic!("{}", e.describe(Language::En)));
    cfg.token = Some(tokens.jwt.clone());
    let refresh_token = tokens.refresh_token.unwrap_or_default();
    let refreshed = cckm::refresh(&Fetch, &cfg, &refresh_token).await;
    assert!(refreshed.is_ok_and(|t| !t.jwt.is_empty()));

    let all = cckm::sync_jobs(&Fetch, &cfg, &SyncJobFilter::default()).await;
    let all = all
        .unwrap_or_else(|e| panic!("{}", e.describe(Language::En)))
        .value;
    assert!(!all.jobs.is_empty(), "the demo has jobs");
    assert!(all.jobs.len() as u64 <= all.limit);

    let filter = SyncJobFilter {
        statuses: vec![SyncStatus::Completed],
        limit: 50,
        ..SyncJobFilter::default()
    };
    let completed = cckm::sync_jobs(&Fetch, &cfg, &filter).await;
    let completed = completed
        .unwrap_or_else(|e| panic!("{}", e.describe(Language::En)))
        .value;
    assert!(
        !completed.jobs.is_empty(),
        "the demo has no completed job to filter for"
    );
    assert!(completed
        .jobs
        .iter()
        .all(|job| job.overall_status == SyncStatus::Completed));

    let job = all.jobs.first().expect("the demo lists sync jobs");
    let one = cckm::sync_job(&Fetch, &cfg, Source::Aws, &job.id)
        .await
        .map(|r| r.value);
    assert_eq!(one.as_ref().map(|j| &j.id), Ok(&job.id));
    let missing = cckm::sync_job(&Fetch, &cfg, Source::Aws, "no-such-job")
        .await
        .err();
    assert_eq!(
        missing.as_ref().and_then(|e| e.server_code()),
        Some("NCERRResourceNotFound")
    );
}

#[wasm_bindgen_test]
async fn restore_progress_and_notification_status_read_through_the_seam() {
    let _turn = turn().await;
    let cfg = signed_in(Language::En).await;
    let progress = gklm::restore_progress(&Fetch, &cfg, &Default::default()).await;
    assert!(progress.is_ok(), "{progress:?}");

    let events = send(&HttpRequest {
        method: Method::Get,
        url: format!("{}/_sim/events", gateway()),
        headers: Vec::new(),
        body: None,
        timeout_ms: 5_000,
    })
    .await
    .map(|r| r.body)
    .unwrap_or_default();
    let events: serde_json::Value = serde_json::from_str(&events).unwrap_or_default();
    let first = events
        .pointer("/events/0")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let uuid = first.unwrap_or_else(|| panic!("the demo lists no notification events"));
    let rows = gklm::notification_status(&Fetch, &cfg, &uuid).await;
    let rows = match rows
        .unwrap_or_else(|e| panic!("{}", e.describe(Language::En)))
        .value
    {
        EventLookup::Found(rows) => rows,
        other => panic!("the listed event is unknown: {other:?}"),
    };
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|row| row.event_uuid == uuid), "{rows:?}");
}

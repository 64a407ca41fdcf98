//! Issue 19: in service-account mode with `[watch]`, the gateway reads both
//! servers by itself and `/metrics` shows what it saw, from the start and as
//! it changes; no credential, session or token ever appears there.

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use common::tls::{proxy_config, tls_upstream_with, upstream_sim, Upstream};
use common::Demo;
use keywatch_gateway::config::{DemoOptions, ServiceCredentials};
use keywatch_gateway::proxy::proxy_parts;
use keywatch_gateway::server::RunningServer;
use reqwest::StatusCode;
use serde_json::json;

const USER: &str = "watch-operator";
const PASSWORD: &str = "pw-9c1e-never-shown";
const METRICS_TOKEN: &str = "metrics-token-4b7d";

async fn upstream() -> Upstream {
    tls_upstream_with(DemoOptions {
        time_scale: 0.0,
        user: USER.into(),
        password: PASSWORD.into(),
        ..DemoOptions::default()
    })
    .await
}

async fn watching_proxy(upstream: &Upstream, token: Option<&str>) -> Demo {
    let config = proxy_config(
        &upstream.base,
        &upstream.ca_file,
        "[watch]\ninterval_seconds = 0.2",
        true,
    );
    let credentials = ServiceCredentials {
        gklm_user: USER.into(),
        gklm_password: PASSWORD.into(),
        ciphertrust_user: USER.into(),
        ciphertrust_password: PASSWORD.into(),
    };
    let parts = proxy_parts(&config, Some(credentials), token.map(str::to_owned)).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = RunningServer::spawn(listener, parts.router, None).unwrap();
    Demo {
        addr: server.addr,
        server,
        http: common::client(),
    }
}

/// Series (name with labels) to value, parsed back from the text.
fn parse(text: &str) -> HashMap<String, f64> {
    assert!(
        text.ends_with("# EOF\n"),
        "OpenMetrics text ends with # EOF"
    );
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').unwrap();
            (series.to_owned(), value.parse::<f64>().unwrap())
        })
        .collect()
}

async fn metrics_text(proxy: &Demo, token: Option<&str>) -> (StatusCode, String) {
    let mut request = proxy.http.get(proxy.url("/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

/// Waits (at most 15 s) until the series has the value.
async fn wait_for(proxy: &Demo, series: &str, value: f64) -> HashMap<String, f64> {
    wait_until(proxy, series, |v| v == value).await
}

/// Waits (at most 15 s) until the series satisfies `ok`; returns every series.
async fn wait_until(proxy: &Demo, series: &str, ok: impl Fn(f64) -> bool) -> HashMap<String, f64> {
    let started = Instant::now();
    loop {
        let (status, text) = metrics_text(proxy, None).await;
        assert_eq!(status, StatusCode::OK);
        let metrics = parse(&text);
        if metrics.get(series).is_some_and(|v| ok(*v)) {
            return metrics;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{series} stayed at {:?}\n{text}",
            metrics.get(series)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn every_series_is_there_and_follows_the_servers() {
    let upstream = upstream().await;
    upstream_sim(
        &upstream,
        "/backup",
        json!({"result": 0, "all_backed_up": false}),
    )
    .await;
    let proxy = watching_proxy(&upstream, None).await;

    let metrics = wait_for(&proxy, r#"keywatch_upstream_up{upstream="gklm"}"#, 1.0).await;
    for series in [
        r#"keywatch_upstream_up{upstream="ciphertrust"}"#,
        r#"keywatch_gklm_backup_result{result="failed"}"#,
        r#"keywatch_gklm_backup_result{result="not_run"}"#,
        r#"keywatch_gklm_restore_phase{phase="restore_keystores"}"#,
        r#"keywatch_gklm_restore_phase{phase="unrecognised"}"#,
        r#"keywatch_cckm_sync_jobs{cloud="oci",status="aborted"}"#,
        r#"keywatch_cckm_sync_job_last_failure_timestamp_seconds{cloud="azure"}"#,
        "keywatch_gklm_backup_running",
        "keywatch_gklm_notifications_undelivered",
        r#"keywatch_upstream_read_duration_seconds_count{upstream="gklm"}"#,
        r#"keywatch_build_info{version="0.1.0"}"#,
    ] {
        assert!(metrics.contains_key(series), "{series} missing");
    }
    let metrics = wait_for(
        &proxy,
        r#"keywatch_upstream_up{upstream="ciphertrust"}"#,
        1.0,
    )
    .await;
    assert_eq!(
        metrics[r#"keywatch_gklm_backup_result{result="succeeded"}"#],
        1.0
    );
    assert_eq!(metrics["keywatch_gklm_keys_awaiting_backup"], 1.0);
    assert!(metrics["keywatch_gklm_last_successful_backup_timestamp_seconds"] > 1.7e9);
    assert_eq!(
        metrics[r#"keywatch_gklm_restore_phase{phase="idle"}"#]
            + metrics[r#"keywatch_gklm_restore_phase{phase="completed"}"#],
        1.0
    );
    let aws_jobs: f64 = ["in_progress", "completed", "failed", "aborted", "other"]
        .iter()
        .map(|status| {
            metrics[&format!(r#"keywatch_cckm_sync_jobs{{cloud="aws",status="{status}"}}"#)]
        })
        .sum();
    assert!(aws_jobs >= 1.0, "the newest page of AWS jobs is counted");
    assert!(
        metrics[r#"keywatch_upstream_read_duration_seconds_count{upstream="ciphertrust"}"#] >= 4.0
    );

    // A backup fails at night: the next round says so.
    upstream_sim(
        &upstream,
        "/backup",
        json!({"result": 1, "all_backed_up": true}),
    )
    .await;
    let metrics = wait_for(
        &proxy,
        r#"keywatch_gklm_backup_result{result="failed"}"#,
        1.0,
    )
    .await;
    assert_eq!(
        metrics[r#"keywatch_gklm_backup_result{result="succeeded"}"#],
        0.0
    );
    wait_for(&proxy, "keywatch_gklm_keys_awaiting_backup", 0.0).await;
    upstream_sim(&upstream, "/backup", json!({"result": 0})).await;
    wait_for(
        &proxy,
        r#"keywatch_gklm_backup_result{result="succeeded"}"#,
        1.0,
    )
    .await;

    // A master stops answering.
    assert_eq!(
        metrics[r#"keywatch_gklm_cluster_masters{state="reachable"}"#],
        2.0
    );
    upstream_sim(
        &upstream,
        "/cluster",
        json!({"masters": 3, "unreachable": 1}),
    )
    .await;
    let metrics = wait_for(
        &proxy,
        r#"keywatch_gklm_cluster_masters{state="unreachable"}"#,
        1.0,
    )
    .await;
    assert_eq!(
        metrics[r#"keywatch_gklm_cluster_masters{state="reachable"}"#],
        2.0
    );
    assert_eq!(
        metrics[r#"keywatch_gklm_cluster_masters{state="unknown"}"#],
        0.0
    );

    // The watcher's reads went through the gateway's own routes and cache.
    let metrics = parse(&metrics_text(&proxy, None).await.1);
    assert!(metrics[r#"keywatch_gateway_requests_total{route="gklm",class="2xx"}"#] >= 5.0);
    assert!(metrics["keywatch_gateway_cache_misses_total"] >= 5.0);
    assert!(metrics["keywatch_gateway_open_connections"] >= 1.0);
}

fn unix_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

#[tokio::test]
async fn the_last_backup_time_is_the_servers_own_where_it_says_it() {
    const SERIES: &str = "keywatch_gklm_last_successful_backup_timestamp_seconds";
    let upstream = upstream().await;
    upstream_sim(
        &upstream,
        "/backup",
        json!({"last_backup_seconds_ago": 26 * 3600}),
    )
    .await;
    let proxy = watching_proxy(&upstream, None).await;
    let at = wait_until(&proxy, SERIES, |v| v > 0.0).await[SERIES];
    let age_hours = (unix_now() - at) / 3600.0;
    assert!(
        (25.9..26.1).contains(&age_hours),
        "the server's date: {age_hours} h ago"
    );

    upstream_sim(&upstream, "/backup", json!({"never_backed_up": true})).await;
    wait_until(&proxy, SERIES, |v| v == 0.0).await;

    // A server without /backupInfo (before 4.2.1): the watcher's own record
    // of a success, and the server is still up.
    upstream_sim(
        &upstream,
        "/faults",
        json!({"route": "/SKLM/rest/v1/backupInfo", "kind": "status", "status": 404}),
    )
    .await;
    upstream_sim(&upstream, "/backup", json!({"result": 1})).await;
    wait_for(
        &proxy,
        r#"keywatch_gklm_backup_result{result="failed"}"#,
        1.0,
    )
    .await;
    let before = unix_now();
    upstream_sim(&upstream, "/backup", json!({"result": 0})).await;
    wait_until(&proxy, SERIES, |v| v >= before.floor()).await;
    let metrics = parse(&metrics_text(&proxy, None).await.1);
    assert_eq!(metrics[r#"keywatch_upstream_up{upstream="gklm"}"#], 1.0);
}

#[tokio::test]
async fn a_server_that_stops_answering_is_down_and_its_last_state_stays() {
    let upstream = upstream().await;
    let proxy = watching_proxy(&upstream, None).await;
    wait_for(&proxy, r#"keywatch_upstream_up{upstream="gklm"}"#, 1.0).await;
    upstream_sim(
        &upstream,
        "/faults",
        json!({"route": "/SKLM/rest/v1/ckms/backups/result", "kind": "status", "status": 503}),
    )
    .await;
    let metrics = wait_for(&proxy, r#"keywatch_upstream_up{upstream="gklm"}"#, 0.0).await;
    assert_eq!(
        metrics[r#"keywatch_upstream_up{upstream="ciphertrust"}"#], 1.0,
        "the other server is not affected"
    );
    let results: f64 = [
        "succeeded",
        "failed",
        "succeeded_with_warning",
        "not_run",
        "unrecognised",
    ]
    .iter()
    .map(|r| metrics[&format!(r#"keywatch_gklm_backup_result{{result="{r}"}}"#)])
    .sum();
    assert_eq!(results, 1.0, "the last result seen stays");
}

#[tokio::test]
async fn every_family_is_read_and_one_an_older_server_lacks_is_skipped_quietly() {
    let upstream = upstream().await;
    // An older CipherTrust Manager without SAP's jobs: 404 there.
    upstream_sim(
        &upstream,
        "/faults",
        json!({"route": "/api/v1/cckm/sap/synchronization-jobs", "kind": "status", "status": 404}),
    )
    .await;
    let proxy = watching_proxy(&upstream, None).await;
    // Up once a whole round is read: a family the server lacks does not
    // make it down.
    let metrics = wait_for(
        &proxy,
        r#"keywatch_upstream_up{upstream="ciphertrust"}"#,
        1.0,
    )
    .await;
    assert!(
        metrics[r#"keywatch_upstream_read_duration_seconds_count{upstream="ciphertrust"}"#] >= 9.0,
        "every family was read"
    );
    let statuses = ["in_progress", "completed", "failed", "aborted", "other"];
    let jobs = |metrics: &HashMap<String, f64>, cloud: &str| -> f64 {
        statuses
            .iter()
            .map(|status| {
                metrics[&format!(r#"keywatch_cckm_sync_jobs{{cloud="{cloud}",status="{status}"}}"#)]
            })
            .sum()
    };
    for cloud in [
        "aws",
        "aws-custom-key-stores",
        "azure",
        "azure-secrets",
        "azure-certificates",
        "google",
        "oci",
        "sfdc",
    ] {
        assert!(jobs(&metrics, cloud) >= 1.0, "{cloud} is counted");
    }
    assert_eq!(jobs(&metrics, "sap"), 0.0, "sap is skipped");

    // Any other error is the server failing.
    upstream_sim(
        &upstream,
        "/faults",
        json!({"route": "/api/v1/cckm/sfdc/keys/synchronization-jobs", "kind": "status", "status": 500}),
    )
    .await;
    wait_for(
        &proxy,
        r#"keywatch_upstream_up{upstream="ciphertrust"}"#,
        0.0,
    )
    .await;
}

#[tokio::test]
async fn no_credential_session_or_token_appears_in_the_metrics() {
    let upstream = upstream().await;
    let proxy = watching_proxy(&upstream, Some(METRICS_TOKEN)).await;
    let (status, text) = metrics_text(&proxy, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(!text.contains("keywatch_"));
    let (status, _) = metrics_text(&proxy, Some("wrong-token")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let started = Instant::now();
    let text = loop {
        let (status, text) = metrics_text(&proxy, Some(METRICS_TOKEN)).await;
        assert_eq!(status, StatusCode::OK);
        if text.contains(r#"keywatch_upstream_up{upstream="ciphertrust"} 1"#)
            && text.contains(r#"keywatch_upstream_up{upstream="gklm"} 1"#)
        {
            break text;
        }
        assert!(started.elapsed() < Duration::from_secs(15), "{text}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let seen = upstream.seen();
    assert!(
        !seen.authorizations.is_empty(),
        "the watcher signed in and read"
    );
    for secret in [USER, PASSWORD, METRICS_TOKEN, "SKLMAuth", "Bearer", "eyJ"] {
        assert!(!text.contains(secret), "{secret} in the metrics");
    }
    for authorization in &seen.authorizations {
        let credential = authorization.rsplit(['=', ' ']).next().unwrap();
        assert!(credential.len() > 8);
        assert!(
            !text.contains(credential),
            "a session or JWT in the metrics"
        );
    }
}

#[tokio::test]
async fn without_watch_metrics_has_the_gateways_own_figures_only() {
    let upstream = upstream().await;
    let config = proxy_config(&upstream.base, &upstream.ca_file, "", false);
    let proxy = common::tls::spawn_proxy(&config, None).await;
    proxy.get("/SKLM/rest/v1/ckms/backups/result", None).await;
    let (status, text) = metrics_text(&proxy, None).await;
    assert_eq!(status, StatusCode::OK);
    let metrics = parse(&text);
    assert!(metrics[r#"keywatch_gateway_requests_total{route="gklm",class="4xx"}"#] >= 1.0);
    assert!(!text.contains("keywatch_upstream_up"), "nothing is watched");
    // /metrics answers only to the allowed host names.
    let refused = proxy
        .http
        .get(proxy.url("/metrics"))
        .header("Host", "attacker.example")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::MISDIRECTED_REQUEST);
}

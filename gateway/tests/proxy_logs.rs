//! "Credentials never appear in a response or a log line": the log half.
//!
//! Everything the process logs at TRACE (the gateway's own events, the
//! tower-http request spans and events, and whatever reqwest, hyper-util and
//! rustls log through `log` or `tracing`) is captured while the proxy, in
//! both auth modes, and the simulator behind it go through every sign-in,
//! read, refusal and failure path. Then no password, session id, JWT or
//! refresh token may be found in it.
//!
//! This binary holds a single test: it installs the process-wide
//! subscriber, so that every runtime thread logs into the capture.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::tls::{
    proxy_config, spawn_proxy, start_proxy, tls_upstream_with, upstream_sim, Upstream,
};
use common::{Demo, Reply};
use keywatch_gateway::config::{DemoOptions, ServiceCredentials};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tracing_subscriber::fmt::format::FmtSpan;

const USER: &str = "kw-operator";
/// The pass-through upstream's password, typed by the browser's user.
const BROWSER_PASSWORD: &str = "browser-pw-Q7v2Lk9x";
/// The service-account upstream's password, as if from the environment.
const SERVICE_PASSWORD: &str = "service-pw-M4t8Rz1c";
const WRONG_BROWSER_PASSWORD: &str = "mistyped-pw-H3n6Wd5s";
const WRONG_SERVICE_PASSWORD: &str = "stale-env-pw-B9f1Xq2j";
const FORGED_SESSION: &str = "forged-session-5e1d7c9a";
const FORGED_JWT: &str = "forged-jwt-hdr.forged-jwt-body.forged-jwt-sig";
const QUERY_TOKEN: &str = "query-token-K2p8Vn4r";
/// Every JWT starts with this (`{"alg":"HS256",…` in base64url).
const JWT_PREFIX: &str = "eyJhbGci";

const GKLM_LOGIN: &str = "/SKLM/rest/v1/ckms/login";
const CCKM_TOKENS: &str = "/api/v1/auth/tokens";
const BACKUP_RESULT: &str = "/SKLM/rest/v1/ckms/backups/result";
const BACKUP_RUNNING: &str = "/SKLM/rest/v1/ckms/backups/isrunning";
const AWS_JOBS: &str = "/api/v1/cckm/aws/synchronization-jobs";

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned()
    }
}

/// As `main` does it, but at TRACE, with span lifecycles, into the capture.
fn capture_everything() -> Capture {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::FULL)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .try_init()
        .expect("this binary installs the only subscriber");
    capture
}

async fn upstream(password: &str) -> Upstream {
    tls_upstream_with(DemoOptions {
        time_scale: 0.0,
        user: USER.into(),
        password: password.into(),
        dist: "no-such-bundle-dir".into(),
        ..DemoOptions::default()
    })
    .await
}

fn service_credentials(password: &str) -> ServiceCredentials {
    ServiceCredentials {
        gklm_user: USER.into(),
        gklm_password: password.into(),
        ciphertrust_user: USER.into(),
        ciphertrust_password: password.into(),
    }
}

async fn post(proxy: &Demo, path: &str, body: Value) -> Reply {
    proxy.post(path, body).await
}

fn text(reply: &Reply, key: &str) -> String {
    reply.body[key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key} in {:?}", reply.body))
        .to_string()
}

/// Browser signs in through the proxy and reads with its own credentials.
async fn pass_through(upstream: &Upstream) {
    let proxy = start_proxy(upstream, "cache_seconds = 0", None).await;

    let login = post(
        &proxy,
        GKLM_LOGIN,
        json!({"userid": USER, "password": BROWSER_PASSWORD}),
    )
    .await;
    assert_eq!(login.status, StatusCode::OK, "{:?}", login.body);
    let session = format!("SKLMAuth userAuthId={}", text(&login, "UserAuthId"));
    let refused = post(
        &proxy,
        GKLM_LOGIN,
        json!({"userid": USER, "password": WRONG_BROWSER_PASSWORD}),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);

    let grant = post(
        &proxy,
        CCKM_TOKENS,
        json!({"grant_type": "password", "username": USER, "password": BROWSER_PASSWORD}),
    )
    .await;
    assert_eq!(grant.status, StatusCode::OK, "{:?}", grant.body);
    let refresh_token = text(&grant, "refresh_token");
    let refreshed = post(
        &proxy,
        CCKM_TOKENS,
        json!({"grant_type": "refresh_token", "refresh_token": refresh_token}),
    )
    .await;
    assert_eq!(refreshed.status, StatusCode::OK, "{:?}", refreshed.body);
    let refused = post(
        &proxy,
        CCKM_TOKENS,
        json!({"grant_type": "password", "username": USER, "password": WRONG_BROWSER_PASSWORD}),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);

    for bearer in [text(&grant, "jwt"), text(&refreshed, "jwt")] {
        let bearer = format!("Bearer {bearer}");
        let jobs = proxy
            .get(&format!("{AWS_JOBS}?limit=2"), Some(&bearer))
            .await;
        assert_eq!(jobs.status, StatusCode::OK, "{:?}", jobs.body);
    }
    for path in [BACKUP_RESULT, BACKUP_RUNNING] {
        let reply = proxy.get(path, Some(&session)).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {:?}", reply.body);
    }
    // A credential put in the query string, where it does not belong.
    let jobs = proxy
        .get(
            &format!("{AWS_JOBS}?access_token={QUERY_TOKEN}&limit=1"),
            Some(&format!("Bearer {}", text(&grant, "jwt"))),
        )
        .await;
    assert_eq!(jobs.status, StatusCode::OK, "{:?}", jobs.body);

    // Credentials upstream does not know, and ones it let expire.
    let forged = proxy
        .get(
            BACKUP_RESULT,
            Some(&format!("SKLMAuth userAuthId={FORGED_SESSION}")),
        )
        .await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);
    let forged = proxy
        .get(AWS_JOBS, Some(&format!("Bearer {FORGED_JWT}")))
        .await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);
    upstream_sim(upstream, "/clock", json!({"advance_seconds": 3600})).await;
    let expired = proxy.get(BACKUP_RUNNING, Some(&session)).await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
    let expired = proxy
        .get(
            AWS_JOBS,
            Some(&format!("Bearer {}", text(&refreshed, "jwt"))),
        )
        .await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);

    refusals(&proxy, &session).await;
    upstream_errors(&proxy, upstream).await;
}

/// Requests the proxy turns away, carrying credentials all the same.
async fn refusals(proxy: &Demo, session: &str) {
    for path in [
        "/_sim/reset",
        "/SKLM/rest/v1/ckms/backups/now",
        "/api/v1/cckm/aws/keys",
        "/SKLM/rest/v1/ckms/backups/%2e%2e/%2e%2e/_sim/reset",
        "/SKLM/rest/v1/ckms/notification/status/..%2F..%2F..%2F_sim%2Fstate",
        "/api/v1/cckm/aws/synchronization-jobs/..%5c..%5cadmin",
    ] {
        let reply = proxy.get(path, Some(session)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
    }
    let delete = proxy
        .http
        .delete(proxy.url(BACKUP_RESULT))
        .header("Authorization", session)
        .send()
        .await
        .unwrap();
    assert_eq!(delete.status(), StatusCode::METHOD_NOT_ALLOWED);
    let write = post(
        proxy,
        AWS_JOBS,
        json!({"username": USER, "password": BROWSER_PASSWORD}),
    )
    .await;
    assert_eq!(write.status, StatusCode::METHOD_NOT_ALLOWED);
    let read_login = proxy.get(GKLM_LOGIN, Some(session)).await;
    assert_eq!(read_login.status, StatusCode::METHOD_NOT_ALLOWED);
}

/// Upstream answers HTML, drops the connection, or is not there at all.
async fn upstream_errors(proxy: &Demo, upstream: &Upstream) {
    let login = post(
        proxy,
        GKLM_LOGIN,
        json!({"userid": USER, "password": BROWSER_PASSWORD}),
    )
    .await;
    let session = format!("SKLMAuth userAuthId={}", text(&login, "UserAuthId"));
    upstream_sim(
        upstream,
        "/faults",
        json!({"route": BACKUP_RESULT, "kind": "html", "status": 503, "times": 1}),
    )
    .await;
    let html = proxy.get(BACKUP_RESULT, Some(&session)).await;
    assert_eq!(html.status, StatusCode::SERVICE_UNAVAILABLE);
    upstream_sim(
        upstream,
        "/faults",
        json!({"route": GKLM_LOGIN, "kind": "drop", "times": 1}),
    )
    .await;
    let dropped = post(
        proxy,
        GKLM_LOGIN,
        json!({"userid": USER, "password": BROWSER_PASSWORD}),
    )
    .await;
    assert_eq!(dropped.status, StatusCode::BAD_GATEWAY);

    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let nowhere = format!("https://127.0.0.1:{}", closed.local_addr().unwrap().port());
    drop(closed);
    let config = proxy_config(&nowhere, &upstream.ca_file, "", false);
    let dead = spawn_proxy(&config, None).await;
    let login = post(
        &dead,
        GKLM_LOGIN,
        json!({"userid": USER, "password": BROWSER_PASSWORD}),
    )
    .await;
    assert_eq!(login.status, StatusCode::BAD_GATEWAY);
    let read = dead.get(BACKUP_RESULT, Some(&session)).await;
    assert_eq!(read.status, StatusCode::BAD_GATEWAY);
    dead.server.shut_down().await;
}

/// The gateway signs in itself, renews the JWT, and signs in to GKLM again
/// after CTGKM6004E; with a wrong password it cannot sign in at all.
async fn service_account(upstream: &Upstream) {
    let proxy = start_proxy(
        upstream,
        "cache_seconds = 0",
        Some(service_credentials(SERVICE_PASSWORD)),
    )
    .await;
    let forged = format!("SKLMAuth userAuthId={FORGED_SESSION}");
    for _ in 0..2 {
        let reply = proxy.get(BACKUP_RUNNING, Some(&forged)).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        let jobs = proxy
            .get(AWS_JOBS, Some(&format!("Bearer {FORGED_JWT}")))
            .await;
        assert_eq!(jobs.status, StatusCode::OK, "{:?}", jobs.body);
        // GKLM session idles out and the CipherTrust JWT expires upstream.
        upstream_sim(upstream, "/clock", json!({"advance_seconds": 3600})).await;
    }
    let login = post(
        &proxy,
        GKLM_LOGIN,
        json!({"userid": USER, "password": BROWSER_PASSWORD}),
    )
    .await;
    assert_eq!(login.status, StatusCode::FORBIDDEN);
    let grant = post(
        &proxy,
        CCKM_TOKENS,
        json!({"grant_type": "password", "username": USER, "password": BROWSER_PASSWORD}),
    )
    .await;
    assert_eq!(grant.status, StatusCode::FORBIDDEN);
    upstream_sim(
        upstream,
        "/faults",
        json!({"route": BACKUP_RESULT, "kind": "drop", "times": 1}),
    )
    .await;
    let dropped = proxy.get(BACKUP_RESULT, None).await;
    assert_eq!(dropped.status, StatusCode::BAD_GATEWAY);

    let locked_out = start_proxy(
        upstream,
        "",
        Some(service_credentials(WRONG_SERVICE_PASSWORD)),
    )
    .await;
    for path in [BACKUP_RESULT, AWS_JOBS] {
        let reply = locked_out.get(path, None).await;
        assert_eq!(reply.status, StatusCode::BAD_GATEWAY, "{path}");
    }
    locked_out.server.shut_down().await;
    proxy.server.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_credential_reaches_a_log_line() {
    let capture = capture_everything();
    let browsers_upstream = upstream(BROWSER_PASSWORD).await;
    let service_upstream = upstream(SERVICE_PASSWORD).await;

    pass_through(&browsers_upstream).await;
    service_account(&service_upstream).await;

    let browsers = browsers_upstream.seen();
    let service = service_upstream.seen();
    browsers_upstream.server.shut_down().await;
    service_upstream.server.shut_down().await;

    // The flows happened as intended: two browser GKLM sessions and one
    // refresh; the service account signed in to GKLM twice (CTGKM6004E in
    // between) and renewed its JWT with the refresh token.
    assert_eq!(browsers.user_auth_ids.len(), 2, "{browsers:?}");
    assert_eq!(browsers.jwts.len(), 2, "{browsers:?}");
    assert_eq!(service.user_auth_ids.len(), 2, "{service:?}");
    assert!(service.jwts.len() >= 2, "{service:?}");
    assert!(
        service.grants.iter().any(|g| g == "refresh_token"),
        "{service:?}"
    );
    assert!(service
        .authorizations
        .iter()
        .all(|a| !a.contains(FORGED_SESSION) && !a.contains(FORGED_JWT)));

    let log = capture.text();
    // The capture works and saw the traffic, from every layer.
    for expected in [
        GKLM_LOGIN,
        CCKM_TOKENS,
        BACKUP_RESULT,
        AWS_JOBS,
        "status=200",
        "status=401",
        "status=403",
        "status=405",
        "status=502",
        "signed in to GKLM as the service account",
        "signed in to CipherTrust as the service account",
        "refreshed the CipherTrust token",
        "session rejected upstream; signing in again",
        "service account sign-in failed",
        "upstream unreachable",
        "injecting a fault",
        "tower_http::trace",
        "rustls::",
    ] {
        assert!(
            log.contains(expected),
            "the capture lacks {expected:?}; {} bytes captured",
            log.len()
        );
    }

    let mut secrets: Vec<(String, &str)> = vec![
        (BROWSER_PASSWORD.into(), "browser password"),
        (WRONG_BROWSER_PASSWORD.into(), "mistyped browser password"),
        (SERVICE_PASSWORD.into(), "service-account password"),
        (
            WRONG_SERVICE_PASSWORD.into(),
            "wrong service-account password",
        ),
        (FORGED_SESSION.into(), "browser-sent session id"),
        (FORGED_JWT.into(), "browser-sent bearer token"),
        (QUERY_TOKEN.into(), "token in a query string"),
        (JWT_PREFIX.into(), "something JWT-shaped"),
    ];
    for seen in [&browsers, &service] {
        secrets.extend(seen.user_auth_ids.iter().map(|s| (s.clone(), "userAuthId")));
        secrets.extend(seen.jwts.iter().map(|s| (s.clone(), "JWT")));
        for jwt in &seen.jwts {
            let signature = jwt.rsplit('.').next().unwrap_or_default();
            secrets.push((signature.to_string(), "JWT signature"));
        }
        secrets.extend(
            seen.refresh_tokens
                .iter()
                .map(|s| (s.clone(), "refresh token")),
        );
        secrets.extend(
            seen.authorizations
                .iter()
                .map(|s| (s.clone(), "Authorization header")),
        );
    }
    assert!(secrets.len() > 20, "{} secrets", secrets.len());
    for (secret, what) in &secrets {
        assert!(
            secret.len() >= 8,
            "{what} {secret:?} is too short to look for"
        );
        if let Some(line) = log.lines().find(|line| line.contains(secret.as_str())) {
            panic!("a {what} ({secret}) is in the log:\n{line}");
        }
    }
}

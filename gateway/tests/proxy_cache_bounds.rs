//! Finding 2 of issue 7 (a cache that grows with distinct requests): after
//! 1,000 distinct requests the cache weighs no more than its configured
//! bytes and entries, failed answers are not kept, its keys hold neither a
//! credential nor the raw `Accept-Language`, and once the cache period has
//! passed it is empty without anyone asking.

mod common;

use std::time::{Duration, Instant};

use common::tls::{proxy_config, tls_upstream, upstream_sim, Upstream};
use common::Demo;
use keywatch_gateway::config::ServiceCredentials;
use keywatch_gateway::proxy::{proxy_parts, CacheView};
use keywatch_gateway::server::RunningServer;
use reqwest::StatusCode;
use serde_json::json;

const MAX_BYTES: u64 = 256 * 1024;
const MAX_ENTRIES: u64 = 64;

async fn proxy(upstream: &Upstream, service: bool) -> (Demo, CacheView) {
    let extra = format!(
        "cache_seconds = 1\ncache_max_bytes = {MAX_BYTES}\ncache_max_entries = {MAX_ENTRIES}\nmax_response_bytes = 8388608"
    );
    let config = proxy_config(&upstream.base, &upstream.ca_file, &extra, service);
    let credentials = service.then(|| ServiceCredentials {
        gklm_user: "kwdemo".into(),
        gklm_password: "kwdemo".into(),
        ciphertrust_user: "kwdemo".into(),
        ciphertrust_password: "kwdemo".into(),
    });
    let parts = proxy_parts(&config, credentials, None).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = RunningServer::spawn(listener, parts.router, None).unwrap();
    let demo = Demo {
        addr: server.addr,
        server,
        http: common::client(),
    };
    (demo, parts.cache)
}

async fn get(proxy: &Demo, path: &str, auth: Option<&str>, language: &str) -> StatusCode {
    let mut request = proxy
        .http
        .get(proxy.url(path))
        .header("Accept-Language", language);
    if let Some(auth) = auth {
        request = request.header("Authorization", auth);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    response.bytes().await.unwrap();
    status
}

/// A distinct `Accept-Language` of about 20 kB, German first.
fn long_language(n: usize) -> String {
    let filler: String = (0..2000)
        .map(|i| format!("x-{:04},", (n + i) % 10_000))
        .collect();
    format!("de-DE,{filler}en;q=0.1")
}

async fn wait_until_empty(cache: &CacheView, limit: Duration) -> (u64, u64) {
    let deadline = Instant::now() + limit;
    loop {
        let held = cache.held();
        if held == (0, 0) || Instant::now() > deadline {
            return held;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_thousand_distinct_requests_stay_within_the_caches_bytes_and_entries() {
    let upstream = tls_upstream().await;
    let (proxy, cache) = proxy(&upstream, false).await;
    let session = proxy.gklm_sign_in().await;
    let bearer = proxy.cckm_bearer().await;
    for n in 0..400 {
        let status = get(
            &proxy,
            "/SKLM/rest/v1/ckms/backups/result",
            Some(&session),
            &long_language(n),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }
    let (entries, _) = cache.weight().await;
    assert!(
        entries <= 1,
        "one language, one identity: {entries} entries"
    );
    for n in 0..600 {
        let path = format!("/api/v1/cckm/aws/synchronization-jobs?limit=5&skip={n}");
        assert_eq!(
            get(&proxy, &path, Some(&bearer), "en").await,
            StatusCode::OK
        );
    }
    let (entries, bytes) = cache.weight().await;
    assert!(entries <= MAX_ENTRIES, "{entries} entries");
    assert!(bytes <= MAX_BYTES, "{bytes} bytes");
    let user_auth_id = session.trim_start_matches("SKLMAuth userAuthId=");
    let jwt = bearer.trim_start_matches("Bearer ");
    for secret in [user_auth_id, jwt, "SKLMAuth", "Bearer", "x-0001"] {
        assert!(!cache.keys_mention(secret), "a key holds {secret}");
    }

    // Nobody asks anything: the entries go all the same once expired.
    let left = wait_until_empty(&cache, Duration::from_secs(4)).await;
    assert_eq!(left, (0, 0), "still held after the cache period");
}

#[tokio::test]
async fn failed_answers_are_not_kept_and_large_lists_stay_within_the_bytes() {
    let upstream = tls_upstream().await;
    let (anonymous, cache) = proxy(&upstream, false).await;
    for n in 0..300 {
        let status = get(
            &anonymous,
            "/SKLM/rest/v1/ckms/backups/result",
            None,
            &long_language(n),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "upstream wants a session");
    }
    assert_eq!(cache.weight().await, (0, 0), "failures are not kept");

    // Service-account mode, no sign-in by the browser: large pages of the
    // many-jobs scenario, each distinct.
    upstream_sim(&upstream, "/scenario", json!({"name": "many-jobs"})).await;
    let (service, cache) = proxy(&upstream, true).await;
    for n in 0..30 {
        let path = format!(
            "/api/v1/cckm/aws/synchronization-jobs?limit=300&skip={}",
            n * 300
        );
        assert_eq!(get(&service, &path, None, "en").await, StatusCode::OK);
        let (_, bytes) = cache.weight().await;
        assert!(bytes <= MAX_BYTES, "{bytes} bytes after {n}");
    }
}

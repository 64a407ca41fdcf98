mod common;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use common::tls::{spawn_proxy, tls_upstream, upstream_sim, Upstream, ORIGIN};
use keywatch_gateway::config::{ProxyConfig, ServiceCredentials};
use reqwest::StatusCode;
use serde_json::json;

const SERVICE_PASSWORD: &str = "kwdemo";

async fn start_proxy(upstream: &Upstream, extra: &str, service: bool) -> common::Demo {
    let credentials = service.then(|| ServiceCredentials {
        gklm_user: "kwdemo".into(),
        gklm_password: SERVICE_PASSWORD.into(),
        ciphertrust_user: "kwdemo".into(),
        ciphertrust_password: SERVICE_PASSWORD.into(),
    });
    common::tls::start_proxy(upstream, extra, credentials).await
}

#[tokio::test]
async fn pass_through_signs_in_and_reads_over_verified_tls() {
    let upstream = tls_upstream().await;
    let proxy = start_proxy(&upstream, "", false).await;
    let auth = proxy.gklm_sign_in().await;
    let reply = proxy
        .get("/SKLM/rest/v1/ckms/backups/result", Some(&auth))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["code"], "-1");
    assert_eq!(reply.header("content-language"), "en");

    let bearer = proxy.cckm_bearer().await;
    let jobs = proxy
        .get(
            "/api/v1/cckm/aws/synchronization-jobs?limit=2&evil=1",
            Some(&bearer),
        )
        .await;
    assert_eq!(jobs.status, StatusCode::OK);
    assert_eq!(jobs.body["limit"], 2);

    let anonymous = proxy.get("/SKLM/rest/v1/ckms/backups/result", None).await;
    assert_eq!(
        anonymous.status,
        StatusCode::BAD_REQUEST,
        "upstream's own answer passes through"
    );
    assert_eq!(anonymous.body["code"], "CTGKM6002E");
    upstream.server.shut_down().await;
}

#[tokio::test]
async fn refuses_writes_unknown_endpoints_and_traversal_without_touching_upstream() {
    let upstream = tls_upstream().await;
    let proxy = start_proxy(&upstream, "", false).await;
    for path in [
        "/_sim/reset",
        "/SKLM/rest/v1/ckms/backups/now",
        "/SKLM/rest/v1/ckms/backups/%2e%2e/%2e%2e/_sim/reset",
        "/SKLM/rest/v1/ckms/notification/status/..%2F..%2F..%2F_sim%2Fstate",
        "/api/v1/cckm/aws/synchronization-jobs/..%5c..%5cadmin",
        "/SKLM/rest/v1/../../_sim/state",
    ] {
        let reply = proxy.get(path, None).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
    }
    let write = proxy
        .http
        .delete(proxy.url("/SKLM/rest/v1/ckms/backups/result"))
        .send()
        .await
        .unwrap();
    assert_eq!(write.status(), StatusCode::METHOD_NOT_ALLOWED);
    let start_job = proxy
        .post("/api/v1/cckm/aws/synchronization-jobs", json!({}))
        .await;
    assert_eq!(start_job.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(upstream.hits.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn cors_only_for_the_configured_origin() {
    let upstream = tls_upstream().await;
    let proxy = start_proxy(&upstream, "", false).await;
    let path = proxy.url("/SKLM/rest/v1/ckms/backups/result");
    let preflight = |origin: &'static str| {
        proxy
            .http
            .request(reqwest::Method::OPTIONS, &path)
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "GET")
            .header("Access-Control-Request-Headers", "authorization")
            .send()
    };
    let allowed = preflight(ORIGIN).await.unwrap();
    assert_eq!(allowed.headers()["access-control-allow-origin"], ORIGIN);
    assert!(allowed.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .contains("authorization"));
    let no_cors_headers = |headers: &reqwest::header::HeaderMap| {
        let cors: Vec<_> = headers
            .keys()
            .filter(|name| name.as_str().starts_with("access-control-"))
            .collect();
        assert!(cors.is_empty(), "a foreign origin got {cors:?}");
    };
    let foreign = preflight("https://evil.example").await.unwrap();
    no_cors_headers(foreign.headers());

    let read = proxy
        .http
        .get(&path)
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    no_cors_headers(read.headers());
    let read = proxy
        .http
        .get(&path)
        .header("Origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(read.headers()["access-control-allow-origin"], ORIGIN);
    assert_eq!(
        read.headers()["access-control-expose-headers"],
        "content-language"
    );
}

#[tokio::test]
async fn credentials_allowed_only_for_named_origins() {
    let upstream = tls_upstream().await;
    let proxy = start_proxy(&upstream, "allow_credentials = true", false).await;
    let read = proxy
        .http
        .get(proxy.url("/SKLM/rest/v1/ckms/backups/result"))
        .header("Origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(read.headers()["access-control-allow-origin"], ORIGIN);
    assert_eq!(read.headers()["access-control-allow-credentials"], "true");
}

#[tokio::test]
async fn hundred_concurrent_identical_polls_cost_one_upstream_request() {
    let upstream = tls_upstream().await;
    let proxy = Arc::new(start_proxy(&upstream, "", false).await);
    let auth = proxy.gklm_sign_in().await;
    let before = upstream.hits.load(Ordering::SeqCst);
    let mut pollers = Vec::new();
    for _ in 0..100 {
        let proxy = proxy.clone();
        let auth = auth.clone();
        pollers.push(tokio::spawn(async move {
            proxy
                .get("/SKLM/rest/v1/ckms/backups/result", Some(&auth))
                .await
                .status
        }));
    }
    for poller in pollers {
        assert_eq!(poller.await.unwrap(), StatusCode::OK);
    }
    assert_eq!(upstream.hits.load(Ordering::SeqCst) - before, 1);

    let other = proxy.gklm_sign_in().await;
    let before = upstream.hits.load(Ordering::SeqCst);
    proxy
        .get("/SKLM/rest/v1/ckms/backups/result", Some(&other))
        .await;
    assert_eq!(
        upstream.hits.load(Ordering::SeqCst) - before,
        1,
        "another identity is not served from cache"
    );
}

#[tokio::test]
async fn service_account_signs_in_ignores_the_browser_and_recovers_sessions() {
    let upstream = tls_upstream().await;
    let proxy = start_proxy(&upstream, "cache_seconds = 0", true).await;
    let reply = proxy
        .get(
            "/SKLM/rest/v1/ckms/backups/isrunning",
            Some("SKLMAuth userAuthId=forged"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["code"], "1");
    let jobs = proxy
        .get("/api/v1/cckm/aws/synchronization-jobs", None)
        .await;
    assert_eq!(jobs.status, StatusCode::OK);

    // GKLM session idles out and the CipherTrust JWT expires upstream.
    upstream_sim(&upstream, "/clock", json!({"advance_seconds": 3600})).await;
    let reply = proxy
        .get("/SKLM/rest/v1/ckms/backups/isrunning", None)
        .await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "signed in again: {:?}",
        reply.body
    );
    let jobs = proxy
        .get("/api/v1/cckm/aws/synchronization-jobs", None)
        .await;
    assert_eq!(
        jobs.status,
        StatusCode::OK,
        "token renewed: {:?}",
        jobs.body
    );

    let login = proxy
        .post(
            "/SKLM/rest/v1/ckms/login",
            json!({"userid": "kwdemo", "password": "kwdemo"}),
        )
        .await;
    assert_eq!(login.status, StatusCode::FORBIDDEN);
    for reply in [&reply, &jobs, &login] {
        let text = reply.body.to_string();
        assert!(!text.contains("SKLMAuth") && !text.contains("jwt") && !text.contains("eyJ"));
    }
}

#[tokio::test]
async fn upstream_faults_reach_the_browser_as_gateway_errors_or_as_they_are() {
    let upstream = tls_upstream().await;
    let proxy = start_proxy(&upstream, "max_response_bytes = 1048576", false).await;
    let auth = proxy.gklm_sign_in().await;
    let path = "/SKLM/rest/v1/ckms/backups/result";
    upstream_sim(
        &upstream,
        "/faults",
        json!({"route": path, "kind": "huge", "times": 1}),
    )
    .await;
    assert_eq!(
        proxy.get(path, Some(&auth)).await.status,
        StatusCode::BAD_GATEWAY
    );
    upstream_sim(
        &upstream,
        "/faults",
        json!({"route": path, "kind": "drop", "times": 1}),
    )
    .await;
    assert_eq!(
        proxy.get(path, Some(&auth)).await.status,
        StatusCode::BAD_GATEWAY
    );
    upstream_sim(
        &upstream,
        "/faults",
        json!({"route": path, "kind": "html", "status": 503, "times": 1}),
    )
    .await;
    let html = proxy.get(path, Some(&auth)).await;
    assert_eq!(html.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(html.header("content-type"), "text/html");
}

#[tokio::test]
async fn untrusted_certificate_is_refused() {
    let upstream = tls_upstream().await;
    let text = format!(
        "gklm_base_url = \"{base}/SKLM/rest/v1\"\nciphertrust_base_url = \"{base}/api/v1\"\n",
        base = upstream.base
    );
    let config = ProxyConfig::from_toml(&text).unwrap();
    let proxy = spawn_proxy(&config, None).await;
    let reply = proxy.get("/SKLM/rest/v1/ckms/backups/result", None).await;
    assert_eq!(reply.status, StatusCode::BAD_GATEWAY);
    assert_eq!(upstream.hits.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn gklm_5_prefix_reaches_the_configured_upstream_and_join_back_the_cluster_never_does() {
    let upstream = tls_upstream().await;
    let proxy = start_proxy(&upstream, "cache_seconds = 0", false).await;
    let login = proxy
        .post(
            "/GKLM/rest/v1/ckms/login",
            json!({"userid": "kwdemo", "password": "kwdemo"}),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{:?}", login.body);
    let auth = format!(
        "SKLMAuth userAuthId={}",
        login.body["UserAuthId"].as_str().unwrap()
    );
    for (path, field) in [
        ("/GKLM/rest/v1/ckms/versionInfo", "version"),
        ("/GKLM/rest/v1/health", "overall"),
        (
            "/GKLM/rest/v1/ckms/config/nodes/getClusterName",
            "clusterName",
        ),
        ("/SKLM/rest/v1/systemDetails", "KMIPStatus"),
    ] {
        let reply = proxy.get(path, Some(&auth)).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {:?}", reply.body);
        assert!(!reply.body[field].is_null(), "{path}: {:?}", reply.body);
    }
    let reached: Vec<String> = upstream
        .seen()
        .requests
        .iter()
        .map(|r| r.path.clone())
        .collect();
    // Under the upstream's own prefix (gklm_base_url), whatever the browser used.
    assert_eq!(
        reached,
        [
            "/SKLM/rest/v1/ckms/login",
            "/SKLM/rest/v1/ckms/versionInfo",
            "/SKLM/rest/v1/health",
            "/SKLM/rest/v1/ckms/config/nodes/getClusterName",
            "/SKLM/rest/v1/systemDetails",
        ]
    );

    let hits = upstream.hits.load(Ordering::SeqCst);
    for prefix in ["/SKLM/rest/v1", "/GKLM/rest/v1"] {
        let path = format!("{prefix}/ckms/config/nodes/joinBackTheCluster");
        let reply = proxy.get(&path, Some(&auth)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(
        upstream.hits.load(Ordering::SeqCst),
        hits,
        "nothing went up"
    );
    upstream.server.shut_down().await;
}

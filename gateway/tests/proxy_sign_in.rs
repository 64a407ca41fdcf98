//! Finding 4 of issue 7 (cross-site sign-in): the sign-in POSTs and the
//! GKLM logout go upstream only as `application/json`, from a listed origin
//! when an origin is given, with the browser's own content type; sign-in
//! attempts are limited per client address; preflights are answered only
//! for what the allowlist forwards.

mod common;

use std::sync::atomic::Ordering;

use common::tls::{start_proxy, tls_upstream, Upstream, ORIGIN};
use common::{Demo, Reply};
use keywatch_gateway::config::ServiceCredentials;
use reqwest::StatusCode;
use serde_json::json;

const GKLM_LOGIN: &str = "/SKLM/rest/v1/ckms/login";
const GKLM_LOGOUT: &str = "/SKLM/rest/v1/ckms/logout";
const CCKM_TOKENS: &str = "/api/v1/auth/tokens";
const RESULT: &str = "/SKLM/rest/v1/ckms/backups/result";

async fn send(
    proxy: &Demo,
    method: reqwest::Method,
    path: &str,
    content_type: Option<&str>,
    origin: Option<&str>,
    body: String,
) -> Reply {
    let mut request = proxy.http.request(method, proxy.url(path)).body(body);
    if let Some(content_type) = content_type {
        request = request.header("Content-Type", content_type);
    }
    if let Some(origin) = origin {
        request = request.header("Origin", origin);
    }
    Reply::from(request.send().await.unwrap()).await
}

fn gklm_credentials() -> String {
    json!({"userid": "kwdemo", "password": "kwdemo"}).to_string()
}

fn cckm_credentials() -> String {
    json!({"grant_type": "password", "username": "kwdemo", "password": "kwdemo"}).to_string()
}

/// Content types of the sign-in and logout requests upstream received.
fn write_content_types(upstream: &Upstream) -> Vec<Option<String>> {
    upstream
        .seen()
        .requests
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| r.content_type)
        .collect()
}

#[tokio::test]
async fn a_sign_in_a_page_could_send_without_a_preflight_never_reaches_upstream() {
    let upstream = tls_upstream().await;
    let proxy = start_proxy(&upstream, "", None).await;
    for content_type in [
        Some("text/plain"),
        Some("text/plain;charset=UTF-8"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/jsonp"),
        None,
    ] {
        for (path, body) in [
            (GKLM_LOGIN, gklm_credentials()),
            (CCKM_TOKENS, cckm_credentials()),
        ] {
            let reply = send(
                &proxy,
                reqwest::Method::POST,
                path,
                content_type,
                Some("https://evil.example"),
                body.clone(),
            )
            .await;
            assert!(
                matches!(
                    reply.status,
                    StatusCode::UNSUPPORTED_MEDIA_TYPE | StatusCode::FORBIDDEN
                ),
                "{path} {content_type:?}: {}",
                reply.status
            );
            // Without an Origin, the type alone decides.
            let reply = send(
                &proxy,
                reqwest::Method::POST,
                path,
                content_type,
                None,
                body,
            )
            .await;
            assert_eq!(
                reply.status,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "{path} {content_type:?}"
            );
        }
    }
    assert_eq!(upstream.hits.load(Ordering::SeqCst), 0);
    assert!(write_content_types(&upstream).is_empty());
}

#[tokio::test]
async fn json_sign_ins_go_through_with_their_own_content_type_from_listed_origins_only() {
    let upstream = tls_upstream().await;
    // No cache period: the read after the logout goes upstream.
    let proxy = start_proxy(&upstream, "cache_seconds = 0", None).await;
    let gklm = send(
        &proxy,
        reqwest::Method::POST,
        GKLM_LOGIN,
        Some("application/json; charset=utf-8"),
        Some(ORIGIN),
        gklm_credentials(),
    )
    .await;
    assert_eq!(gklm.status, StatusCode::OK, "{:?}", gklm.body);
    let cckm = send(
        &proxy,
        reqwest::Method::POST,
        CCKM_TOKENS,
        Some("Application/JSON"),
        None,
        cckm_credentials(),
    )
    .await;
    assert_eq!(cckm.status, StatusCode::OK, "{:?}", cckm.body);
    let foreign = send(
        &proxy,
        reqwest::Method::POST,
        GKLM_LOGIN,
        Some("application/json"),
        Some("https://evil.example"),
        gklm_credentials(),
    )
    .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    assert_eq!(
        write_content_types(&upstream),
        [
            Some("application/json; charset=utf-8".to_string()),
            Some("Application/JSON".to_string())
        ],
        "forwarded as sent, never relabelled"
    );

    // Logout: DELETE with JSON only; it ends the browser's session.
    let id = gklm.body["UserAuthId"].as_str().unwrap();
    let auth = format!("SKLMAuth userAuthId={id}");
    let logout = |content_type: &'static str| {
        proxy
            .http
            .delete(proxy.url(GKLM_LOGOUT))
            .header("Authorization", &auth)
            .header("Content-Type", content_type)
            .header("Origin", ORIGIN)
            .body(json!({"userAuthId": id}).to_string())
            .send()
    };
    assert_eq!(
        logout("text/plain").await.unwrap().status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    assert_eq!(proxy.get(RESULT, Some(&auth)).await.status, StatusCode::OK);
    assert_eq!(
        logout("application/json").await.unwrap().status(),
        StatusCode::OK
    );
    let after = proxy.get(RESULT, Some(&auth)).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(after.body["code"], "CTGKM6004E");
}

#[tokio::test]
async fn in_service_account_mode_the_browsers_logout_leaves_the_gateways_session() {
    let upstream = tls_upstream().await;
    let service = ServiceCredentials {
        gklm_user: "kwdemo".into(),
        gklm_password: "kwdemo".into(),
        ciphertrust_user: "kwdemo".into(),
        ciphertrust_password: "kwdemo".into(),
    };
    let proxy = start_proxy(&upstream, "cache_seconds = 0", Some(service)).await;
    assert_eq!(proxy.get(RESULT, None).await.status, StatusCode::OK);
    let logout = send(
        &proxy,
        reqwest::Method::DELETE,
        GKLM_LOGOUT,
        Some("application/json"),
        Some(ORIGIN),
        "{}".into(),
    )
    .await;
    assert_eq!(logout.status, StatusCode::OK);
    assert!(upstream
        .seen()
        .requests
        .iter()
        .all(|r| r.method != "DELETE"));
    let logins = upstream.seen().user_auth_ids.len();
    assert_eq!(proxy.get(RESULT, None).await.status, StatusCode::OK);
    assert_eq!(
        upstream.seen().user_auth_ids.len(),
        logins,
        "the same session goes on"
    );
}

#[tokio::test]
async fn sign_in_attempts_are_limited_per_client_address() {
    let upstream = tls_upstream().await;
    let proxy = start_proxy(&upstream, "sign_in_attempts_per_minute = 3", None).await;
    let wrong = json!({"userid": "kwdemo", "password": "guess"}).to_string();
    for _ in 0..3 {
        let reply = send(
            &proxy,
            reqwest::Method::POST,
            GKLM_LOGIN,
            Some("application/json"),
            None,
            wrong.clone(),
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::UNAUTHORIZED,
            "upstream's own answer"
        );
    }
    let hits = upstream.hits.load(Ordering::SeqCst);
    for (path, body) in [
        (GKLM_LOGIN, gklm_credentials()),
        (CCKM_TOKENS, cckm_credentials()),
        (GKLM_LOGIN, wrong),
    ] {
        let reply = send(
            &proxy,
            reqwest::Method::POST,
            path,
            Some("application/json"),
            None,
            body,
        )
        .await;
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "{path}");
        let wait: u64 = reply.header("retry-after").parse().unwrap();
        assert!((1..=20).contains(&wait), "Retry-After {wait}");
    }
    assert_eq!(
        upstream.hits.load(Ordering::SeqCst),
        hits,
        "nothing more went upstream"
    );
    // Reads are not sign-ins.
    assert_eq!(
        proxy.get(RESULT, None).await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn preflights_are_answered_only_for_what_the_allowlist_forwards() {
    let upstream = tls_upstream().await;
    let proxy = start_proxy(&upstream, "", None).await;
    let preflight = |path: &'static str, method: &'static str| {
        proxy
            .http
            .request(reqwest::Method::OPTIONS, proxy.url(path))
            .header("Origin", ORIGIN)
            .header("Access-Control-Request-Method", method)
            .header(
                "Access-Control-Request-Headers",
                "authorization,content-type",
            )
            .send()
    };
    for (path, method) in [
        (RESULT, "GET"),
        (GKLM_LOGIN, "POST"),
        (CCKM_TOKENS, "POST"),
        (GKLM_LOGOUT, "DELETE"),
        ("/api/v1/cckm/aws/synchronization-jobs", "GET"),
    ] {
        let answer = preflight(path, method).await.unwrap();
        assert!(answer.status().is_success(), "{path}");
        assert_eq!(answer.headers()["access-control-allow-origin"], ORIGIN);
        let methods = answer.headers()["access-control-allow-methods"]
            .to_str()
            .unwrap();
        assert!(methods.contains(method), "{path}: {methods}");
    }
    for (path, method, status) in [
        ("/_sim/reset", "POST", StatusCode::FORBIDDEN),
        // A read now: running a backup (POST) is a write to it.
        (
            "/SKLM/rest/v1/ckms/backups",
            "POST",
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        ("/api/v1/cckm/aws/keys", "GET", StatusCode::FORBIDDEN),
        ("/healthz", "GET", StatusCode::FORBIDDEN),
        (RESULT, "DELETE", StatusCode::METHOD_NOT_ALLOWED),
        (GKLM_LOGOUT, "POST", StatusCode::METHOD_NOT_ALLOWED),
    ] {
        let answer = preflight(path, method).await.unwrap();
        assert_eq!(answer.status(), status, "{path} {method}");
        assert!(
            answer
                .headers()
                .keys()
                .all(|k| !k.as_str().starts_with("access-control-")),
            "{path}"
        );
    }
    assert_eq!(upstream.hits.load(Ordering::SeqCst), 0);
}

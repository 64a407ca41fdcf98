//! Property: whatever the method, path, query string and headers, nothing
//! outside the allowlist reaches the upstream, and CORS preflights are
//! answered only for paths it knows. The oracle below is written from the
//! panel's needs, not from the proxy's code.

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderValue, Method};
use axum::Router;
use keywatch_gateway::config::ProxyConfig;
use keywatch_gateway::proxy::proxy_parts;
use keywatch_gateway::server::RunningServer;
use percent_encoding::percent_decode_str;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use tower::ServiceExt;

const ORIGIN: &str = "https://panel.example";
const CLOUDS: [(&str, &str); 4] = [
    ("aws", "kms"),
    ("azure", "key_vaults"),
    ("google", "key_rings"),
    ("oci", "vaults"),
];

#[derive(Debug, Clone)]
struct Forwarded {
    method: String,
    path: String,
    query: Option<String>,
    content_type: Option<String>,
}

type Log = Arc<Mutex<Vec<Forwarded>>>;

/// An upstream that records everything and says yes to everything.
async fn recording_upstream(log: Log) -> RunningServer {
    let app = Router::new().fallback(move |request: Request| {
        let log = log.clone();
        async move {
            log.lock().unwrap().push(Forwarded {
                method: request.method().to_string(),
                path: request.uri().path().to_string(),
                query: request.uri().query().map(str::to_string),
                content_type: request
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string),
            });
            axum::Json(serde_json::json!({"UserAuthId": "u", "jwt": "j"}))
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    RunningServer::spawn(listener, app, None).unwrap()
}

fn safe_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Which query keys an endpoint takes; `None` for one the panel never calls.
fn endpoint(method: &str, path: &str) -> Option<Vec<&'static str>> {
    let gklm = ["/SKLM/rest/v1/", "/GKLM/rest/v1/"]
        .iter()
        .find_map(|prefix| path.strip_prefix(prefix));
    let (server, rest) = if let Some(rest) = gklm {
        ("gklm", rest)
    } else if let Some(rest) = path.strip_prefix("/api/v1/") {
        ("cckm", rest)
    } else {
        return None;
    };
    let segments: Vec<&str> = rest.split('/').collect();
    match (method, server, segments.as_slice()) {
        ("GET", "gklm", ["ckms", "backups", "result" | "isrunning" | "need"])
        | ("GET", "gklm", ["ckms", "backupRestore" | "restore", "progress"])
        | ("GET", "gklm", ["ckms", "notification", "status"])
        | ("GET", "gklm", ["backupInfo"])
        | ("GET", "gklm", ["ckms", "nodes", "allNodeStatus"])
        | ("GET", "gklm", ["ckms", "backups" | "notification" | "nodes" | "versionInfo"])
        | (
            "GET",
            "gklm",
            ["ckms", "config", "nodes", "isNodeIsolatedFromCluster" | "getClusterName"],
        )
        | ("GET", "gklm", ["ckms", "multimaster", "agentstatus"])
        | ("GET", "gklm", ["systemDetails" | "health"])
        | ("POST", "gklm", ["ckms", "login"])
        | ("DELETE", "gklm", ["ckms", "logout"])
        | ("POST", "cckm", ["auth", "tokens"]) => Some(vec![]),
        ("GET", "gklm", ["ckms", "notification", "status", id]) if safe_id(id) => Some(vec![]),
        ("GET", "cckm", ["cckm", cloud, "synchronization-jobs"]) => {
            let (_, filter) = CLOUDS.iter().find(|(name, _)| name == cloud)?;
            Some(vec![
                "id",
                "overall_status",
                "skip",
                "limit",
                "sort",
                filter,
            ])
        }
        ("GET", "cckm", ["cckm", cloud, "synchronization-jobs", id])
            if CLOUDS.iter().any(|(name, _)| name == cloud) && safe_id(id) =>
        {
            Some(vec![])
        }
        _ => None,
    }
}

fn permitted(forwarded: &Forwarded) -> Result<(), String> {
    let keys = endpoint(&forwarded.method, &forwarded.path)
        .ok_or_else(|| format!("not an allowlisted endpoint: {forwarded:?}"))?;
    for (key, _) in form_urlencoded::parse(forwarded.query.as_deref().unwrap_or("").as_bytes()) {
        if !keys.contains(&key.as_ref()) {
            return Err(format!("query key {key:?} forwarded: {forwarded:?}"));
        }
    }
    if forwarded.method != "GET" {
        let json = forwarded.content_type.as_deref().is_some_and(|t| {
            t.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("application/json")
        });
        if !json {
            return Err(format!("a write went up without JSON: {forwarded:?}"));
        }
    }
    Ok(())
}

/// The path with each segment percent-decoded once, as the proxy reads it.
fn decoded(path: &str) -> String {
    path.split('/')
        .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

const WORDS: &[&str] = &[
    "ckms",
    "login",
    "logout",
    "backups",
    "result",
    "isrunning",
    "need",
    "backupRestore",
    "restore",
    "progress",
    "notification",
    "status",
    "cckm",
    "aws",
    "azure",
    "google",
    "oci",
    "sfdc",
    "synchronization-jobs",
    "auth",
    "tokens",
    "keys",
    "cancel",
    "..",
    ".",
    "%2e%2e",
    "%2E",
    "%2f",
    "%5C",
    "%00",
    "%252e",
    "",
    "NOT_EVENT-1",
    "0ea5d52e",
    "%72esult",
    "_sim",
    "reset",
    "SKLM",
    "GKLM",
    "config",
    "nodes",
    "joinBackTheCluster",
    "health",
    "rest",
    "v1",
    "api",
];

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(WORDS).prop_map(str::to_string),
        1 => "[A-Za-z0-9%._~!$&'()*+,;=:@-]{0,10}",
    ]
}

/// Near the allowlist: an endpoint the panel uses with its own method or
/// any other, perhaps with one more segment or an id that is anything.
fn near_request_line() -> impl Strategy<Value = (String, String)> {
    let endpoints = proptest::sample::select(vec![
        ("GET", "/SKLM/rest/v1/ckms/backups/result"),
        ("GET", "/SKLM/rest/v1/ckms/backups/isrunning"),
        ("GET", "/SKLM/rest/v1/ckms/backups/need"),
        ("GET", "/SKLM/rest/v1/ckms/backupRestore/progress"),
        ("GET", "/SKLM/rest/v1/ckms/restore/progress"),
        ("GET", "/SKLM/rest/v1/ckms/notification/status"),
        ("POST", "/SKLM/rest/v1/ckms/login"),
        ("DELETE", "/SKLM/rest/v1/ckms/logout"),
        ("GET", "/SKLM/rest/v1/ckms/backups"),
        ("GET", "/GKLM/rest/v1/ckms/notification"),
        (
            "GET",
            "/GKLM/rest/v1/ckms/config/nodes/isNodeIsolatedFromCluster",
        ),
        ("GET", "/SKLM/rest/v1/ckms/config/nodes/getClusterName"),
        ("GET", "/GKLM/rest/v1/ckms/config/nodes/joinBackTheCluster"),
        ("GET", "/SKLM/rest/v1/ckms/nodes"),
        ("GET", "/GKLM/rest/v1/ckms/multimaster/agentstatus"),
        ("GET", "/SKLM/rest/v1/ckms/versionInfo"),
        ("GET", "/GKLM/rest/v1/systemDetails"),
        ("GET", "/SKLM/rest/v1/health"),
        ("GET", "/GKLM/rest/v1/ckms/backups/result"),
        ("POST", "/api/v1/auth/tokens"),
        ("GET", "/api/v1/cckm/aws/synchronization-jobs"),
        ("GET", "/api/v1/cckm/azure/synchronization-jobs"),
        ("GET", "/api/v1/cckm/google/synchronization-jobs"),
        ("GET", "/api/v1/cckm/oci/synchronization-jobs"),
        ("GET", "/api/v1/cckm/sfdc/synchronization-jobs"),
    ]);
    (
        endpoints,
        proptest::option::of(method()),
        proptest::option::of(segment()),
    )
        .prop_map(|((own, endpoint), other, extra)| {
            let method = other.unwrap_or_else(|| own.to_string());
            let path = match extra {
                Some(extra) => format!("{endpoint}/{extra}"),
                None => endpoint.to_string(),
            };
            (method, path)
        })
}

fn request_line() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        1 => (method(), random_path()),
        2 => near_request_line(),
    ]
}

fn random_path() -> impl Strategy<Value = String> {
    let prefixes = proptest::sample::select(vec![
        "/SKLM/rest/v1/",
        "/SKLM/rest/v1/",
        "/api/v1/",
        "/api/v1/",
        "/GKLM/rest/v1/",
        "/",
        "/SKLM/rest/v1//",
        "/sklm/rest/v1/",
        "/api/v1/../",
        "/_sim/",
    ]);
    (
        prefixes,
        proptest::collection::vec(segment(), 0..6),
        any::<bool>(),
    )
        .prop_map(|(prefix, segments, slash)| {
            format!(
                "{prefix}{}{}",
                segments.join("/"),
                if slash { "/" } else { "" }
            )
        })
}

fn query() -> impl Strategy<Value = Option<String>> {
    let key = prop_oneof![
        proptest::sample::select(vec![
            "id",
            "overall_status",
            "skip",
            "limit",
            "sort",
            "kms",
            "key_vaults",
            "vaults",
            "key_rings",
            "access_token",
            "evil",
            "_method",
            "url",
        ])
        .prop_map(str::to_string),
        "[a-z_%]{1,8}",
    ];
    let pair = (key, "[A-Za-z0-9%._+-]{0,8}").prop_map(|(k, v)| format!("{k}={v}"));
    proptest::option::of(prop_oneof![
        proptest::collection::vec(pair, 0..5).prop_map(|pairs| pairs.join("&")),
        "[ -~]{0,30}",
    ])
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just("GET".to_string()),
        4 => proptest::sample::select(vec![
            "GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS", "HEAD", "TRACE", "CONNECT",
            "PROPFIND", "get", "Delete",
        ])
        .prop_map(str::to_string),
        1 => "[A-Z]{1,8}",
    ]
}

#[derive(Debug, Clone)]
struct Headers {
    content_type: Option<String>,
    origin: Option<String>,
    authorization: Option<String>,
    preflight_method: Option<String>,
    override_method: Option<String>,
    language: Option<String>,
}

fn headers() -> impl Strategy<Value = Headers> {
    let content_type = proptest::option::of(prop_oneof![
        4 => proptest::sample::select(vec![
            "application/json",
            "application/json; charset=utf-8",
            "APPLICATION/JSON",
            "text/plain",
            "text/plain;charset=UTF-8",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/json, text/plain",
            "text/plain; application/json",
            "application/jsonx",
            "",
        ])
        .prop_map(str::to_string),
        1 => "[ -~]{0,30}",
    ]);
    let origin = proptest::option::of(
        proptest::sample::select(vec![
            ORIGIN,
            "https://evil.example",
            "null",
            "http://localhost",
        ])
        .prop_map(str::to_string),
    );
    let authorization = proptest::option::of(
        proptest::sample::select(vec![
            "SKLMAuth userAuthId=abc",
            "Bearer x.y.z",
            "Basic Zm9vOmJhcg==",
        ])
        .prop_map(str::to_string),
    );
    (
        content_type,
        origin,
        authorization,
        proptest::option::of(method()),
        proptest::option::of(method()),
        proptest::option::of("[ -~]{0,40}"),
    )
        .prop_map(
            |(content_type, origin, authorization, preflight_method, override_method, language)| {
                Headers {
                    content_type,
                    origin,
                    authorization,
                    preflight_method,
                    override_method,
                    language,
                }
            },
        )
}

fn build(
    method: &str,
    path: &str,
    query: &Option<String>,
    headers: &Headers,
    body: &str,
) -> Option<Request> {
    let method = Method::from_bytes(method.as_bytes()).ok()?;
    let target = match query {
        Some(query) => format!("{path}?{query}"),
        None => path.to_string(),
    };
    let mut builder = axum::http::Request::builder()
        .method(method)
        .uri(target.parse::<axum::http::Uri>().ok()?)
        .header("host", "127.0.0.1:8081");
    for (name, value) in [
        ("content-type", &headers.content_type),
        ("origin", &headers.origin),
        ("authorization", &headers.authorization),
        ("access-control-request-method", &headers.preflight_method),
        ("x-http-method-override", &headers.override_method),
        ("accept-language", &headers.language),
    ] {
        if let Some(value) = value {
            builder = builder.header(name, HeaderValue::from_str(value).ok()?);
        }
    }
    let mut request = builder.body(Body::from(body.to_string())).ok()?;
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
    Some(request)
}

#[test]
fn nothing_outside_the_allowlist_is_ever_forwarded() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let log: Log = Arc::default();
    let (upstream, router) = runtime.block_on(async {
        let upstream = recording_upstream(log.clone()).await;
        let base = format!("http://{}", upstream.addr);
        let config = ProxyConfig::from_toml(&format!(
            "gklm_base_url = \"{base}/SKLM/rest/v1\"\nciphertrust_base_url = \"{base}/api/v1\"\nallowed_origins = [\"{ORIGIN}\"]\ncache_seconds = 0\nsign_in_attempts_per_minute = 1000000\n"
        ))
        .unwrap();
        let router = proxy_parts(&config, None, None).unwrap().router;
        (upstream, router)
    });

    let mut runner = TestRunner::new(Config {
        cases: 1024,
        failure_persistence: None,
        ..Config::default()
    });
    let forwarded_any = std::sync::atomic::AtomicUsize::new(0);
    let strategy = (request_line(), query(), headers(), "[ -~]{0,40}");
    runner
        .run(&strategy, |((method, path), query, headers, body)| {
            let Some(request) = build(&method, &path, &query, &headers, &body) else {
                return Ok(());
            };
            log.lock().unwrap().clear();
            let response = runtime.block_on(router.clone().oneshot(request)).unwrap();
            let forwarded = std::mem::take(&mut *log.lock().unwrap());
            if forwarded.len() > 1 {
                return Err(TestCaseError::fail(format!(
                    "one request went up {} times",
                    forwarded.len()
                )));
            }
            for request in &forwarded {
                permitted(request).map_err(TestCaseError::fail)?;
                forwarded_any.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            if method == "OPTIONS"
                && response
                    .headers()
                    .contains_key("access-control-allow-origin")
            {
                let wanted = headers.preflight_method.as_deref().unwrap_or("");
                if endpoint(wanted, &decoded(&path)).is_none() {
                    return Err(TestCaseError::fail(format!(
                        "a preflight for {wanted} {path} was answered"
                    )));
                }
            }
            Ok(())
        })
        .unwrap();
    // The generator reaches the allowlist too, or the property says little.
    let forwarded_any = forwarded_any.into_inner();
    assert!(
        forwarded_any > 20,
        "only {forwarded_any} requests went upstream"
    );
    runtime.block_on(upstream.shut_down());
}

//! The simulator over TLS as the proxy's upstream, and proxies in front of it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use keywatch_gateway::config::{DemoOptions, ProxyConfig, ServiceCredentials};
use keywatch_gateway::server::RunningServer;
use reqwest::StatusCode;
use serde_json::Value;

use super::Demo;

pub const ORIGIN: &str = "https://panel.example";

/// What the upstream simulator handed out or was shown: session ids, JWTs
/// and refresh tokens from its sign-in answers, and every `Authorization`
/// it received.
#[derive(Debug, Default, Clone)]
pub struct Seen {
    pub user_auth_ids: Vec<String>,
    pub jwts: Vec<String>,
    pub refresh_tokens: Vec<String>,
    pub authorizations: Vec<String>,
    /// `grant_type` of each CipherTrust token request.
    pub grants: Vec<String>,
    /// Method, path and `Content-Type` of every API request.
    pub requests: Vec<SeenRequest>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenRequest {
    pub method: String,
    pub path: String,
    pub content_type: Option<String>,
}

/// The simulator over TLS with a fresh self-signed certificate, counting the
/// requests it gets and recording the credentials it issues.
pub struct Upstream {
    pub server: RunningServer,
    pub hits: Arc<AtomicUsize>,
    pub seen: Arc<Mutex<Seen>>,
    pub ca_file: PathBuf,
    pub base: String,
}

impl Upstream {
    pub fn seen(&self) -> Seen {
        self.seen.lock().unwrap().clone()
    }
}

pub async fn tls_upstream() -> Upstream {
    tls_upstream_with(DemoOptions {
        time_scale: 0.0,
        ..DemoOptions::default()
    })
    .await
}

pub async fn tls_upstream_with(options: DemoOptions) -> Upstream {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let ca_file = std::env::temp_dir().join(format!(
        "keywatch-ca-{}-{}.pem",
        std::process::id(),
        cert.cert.pem().len() ^ rand_suffix()
    ));
    std::fs::write(&ca_file, cert.cert.pem()).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::try_from(cert.signing_key.serialize_der()).unwrap();
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![cert.cert.der().clone()], key)
        .unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Mutex::new(Seen::default()));
    let counted = hits.clone();
    let recorded = seen.clone();
    let app = keywatch_gateway::demo_router(&options)
        .unwrap()
        .layer(axum::middleware::from_fn(
            move |request: Request, next: Next| {
                let counted = counted.clone();
                let recorded = recorded.clone();
                async move {
                    if request.uri().path().starts_with("/_sim") {
                        return next.run(request).await;
                    }
                    counted.fetch_add(1, Ordering::SeqCst);
                    record(&recorded, request, next).await
                }
            },
        ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let server = RunningServer::spawn(listener, app, Some(acceptor)).unwrap();
    let base = format!("https://127.0.0.1:{}", server.addr.port());
    Upstream {
        server,
        hits,
        seen,
        ca_file,
        base,
    }
}

async fn record(seen: &Mutex<Seen>, request: Request, next: Next) -> axum::response::Response {
    let is_sign_in = request.uri().path().ends_with("/ckms/login")
        || request.uri().path().ends_with("/auth/tokens");
    seen.lock().unwrap().requests.push(SeenRequest {
        method: request.method().to_string(),
        path: request.uri().path().to_string(),
        content_type: request
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
    });
    if let Some(auth) = request
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
    {
        seen.lock().unwrap().authorizations.push(auth.to_string());
    }
    if !is_sign_in {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let sent = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    if let Ok(sent) = serde_json::from_slice::<Value>(&sent) {
        if let Some(grant) = sent["grant_type"].as_str() {
            seen.lock().unwrap().grants.push(grant.to_string());
        }
    }
    let response = next.run(Request::from_parts(parts, Body::from(sent))).await;
    let (parts, body) = response.into_parts();
    let answer = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    if let Ok(answer) = serde_json::from_slice::<Value>(&answer) {
        let mut seen = seen.lock().unwrap();
        let keep = |list: &mut Vec<String>, value: &Value| {
            if let Some(value) = value.as_str() {
                if !list.iter().any(|v| v == value) {
                    list.push(value.to_string());
                }
            }
        };
        keep(&mut seen.user_auth_ids, &answer["UserAuthId"]);
        keep(&mut seen.jwts, &answer["jwt"]);
        keep(&mut seen.refresh_tokens, &answer["refresh_token"]);
    }
    axum::response::Response::from_parts(parts, Body::from(answer))
}

fn rand_suffix() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    NEXT.fetch_add(1, Ordering::SeqCst) << 20
}

/// A proxy configuration for upstream `base`, trusting `ca_file`.
pub fn proxy_config(base: &str, ca_file: &Path, extra: &str, service: bool) -> ProxyConfig {
    let text = format!(
        "gklm_base_url = \"{base}/SKLM/rest/v1\"\nciphertrust_base_url = \"{base}/api/v1\"\nallowed_origins = [\"{ORIGIN}\"]\n{extra}\n[tls]\nca_bundle = \"{ca}\"\n",
        ca = ca_file.display()
    );
    let text = if service {
        format!("{text}[auth]\nmode = \"service-account\"\n")
    } else {
        text
    };
    ProxyConfig::from_toml(&text).unwrap()
}

pub async fn spawn_proxy(config: &ProxyConfig, credentials: Option<ServiceCredentials>) -> Demo {
    let app = keywatch_gateway::proxy::proxy_app(config, credentials).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = RunningServer::spawn(listener, app, None).unwrap();
    Demo {
        addr: server.addr,
        server,
        http: super::client(),
    }
}

/// A proxy in front of `upstream`; service-account mode when credentials are given.
pub async fn start_proxy(
    upstream: &Upstream,
    extra: &str,
    credentials: Option<ServiceCredentials>,
) -> Demo {
    let config = proxy_config(
        &upstream.base,
        &upstream.ca_file,
        extra,
        credentials.is_some(),
    );
    spawn_proxy(&config, credentials).await
}

/// Drives the upstream simulator's controls directly.
pub async fn upstream_sim(upstream: &Upstream, path: &str, body: Value) {
    let client = reqwest::Client::builder()
        .tls_danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    let response = client
        .post(format!("{}/_sim{path}", upstream.base))
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

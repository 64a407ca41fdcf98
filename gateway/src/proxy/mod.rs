//! `keywatch-gateway proxy`: a read-only CORS gateway in front of the real
//! GKLM and CipherTrust Manager.

pub mod allowlist;
pub mod coalescing;
pub mod cors;
pub mod service_account;
pub mod upstream_client;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tower_http::limit::RequestBodyLimitLayer;

use self::allowlist::{Allowed, Refusal, Upstream};
use self::coalescing::{Coalescer, UpstreamReply};
use self::service_account::ServiceAccount;
use crate::config::{ProxyConfig, ServiceCredentials};

/// Sign-in bodies are small; nothing else has a body at all.
const MAX_REQUEST_BYTES: usize = 16 * 1024;

struct Proxy {
    client: reqwest::Client,
    gklm_base: String,
    cckm_base: String,
    max_response_bytes: usize,
    coalescer: Coalescer,
    service_account: Option<ServiceAccount>,
}

/// The proxy application for a configuration.
pub fn proxy_app(
    config: &ProxyConfig,
    credentials: Option<ServiceCredentials>,
) -> Result<Router, String> {
    let client = upstream_client::build(
        &config.tls,
        Duration::from_secs(config.upstream_timeout_seconds),
    )?;
    let gklm_base = config.gklm_base_url.trim_end_matches('/').to_string();
    let cckm_base = config
        .ciphertrust_base_url
        .trim_end_matches('/')
        .to_string();
    let service_account = credentials.map(|credentials| {
        ServiceAccount::new(credentials, client.clone(), &gklm_base, &cckm_base)
    });
    let proxy = Arc::new(Proxy {
        client,
        gklm_base,
        cckm_base,
        max_response_bytes: config.max_response_bytes,
        coalescer: Coalescer::new(Duration::from_secs(config.cache_seconds)),
        service_account,
    });
    Ok(Router::new()
        .route("/healthz", get(healthz))
        .fallback(forward)
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BYTES))
        .layer(cors::layer(
            &config.allowed_origins,
            config.allow_credentials,
        )?)
        .layer(axum::middleware::from_fn(cors::none_for_unlisted_origins))
        .layer(crate::server::trace_layer())
        .with_state(proxy))
}

async fn healthz() -> Json<serde_json::Value> {
    Json(json!({"status": "ok", "mode": "proxy"}))
}

fn refusal(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"error": message}))).into_response()
}

async fn forward(
    State(proxy): State<Arc<Proxy>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let allowed = match allowlist::check(method.as_str(), uri.path(), uri.query()) {
        Ok(allowed) => allowed,
        Err(Refusal::MethodNotAllowed) => {
            return refusal(StatusCode::METHOD_NOT_ALLOWED, "the gateway only reads")
        }
        Err(Refusal::Forbidden(why)) => return refusal(StatusCode::FORBIDDEN, why),
    };
    let language = headers.get(header::ACCEPT_LANGUAGE).cloned();
    if allowed.is_sign_in {
        if proxy.service_account.is_some() {
            return refusal(StatusCode::FORBIDDEN, "the gateway signs in itself");
        }
        let reply = proxy
            .send(&allowed, Method::POST, language.as_ref(), None, Some(body))
            .await;
        return into_response(reply);
    }
    let browser_auth = match proxy.service_account {
        Some(_) => None,
        None => headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
    };
    if allowed.is_sign_out {
        // The gateway's own session is not the browser's to end.
        if proxy.service_account.is_some() {
            return (StatusCode::OK, axum::Json(serde_json::json!({"code": "0"}))).into_response();
        }
        let reply = proxy
            .send(
                &allowed,
                Method::DELETE,
                language.as_ref(),
                browser_auth.as_deref(),
                Some(body),
            )
            .await;
        return into_response(reply);
    }
    // The identity is part of the key: answers are never shared across identities.
    let key = format!(
        "{:?} {}?{} lang={} auth={}",
        allowed.upstream,
        allowed.path,
        allowed.query.as_deref().unwrap_or(""),
        language
            .as_ref()
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
        browser_auth.as_deref().unwrap_or("-"),
    );
    let reply = proxy
        .coalescer
        .get(key, || {
            proxy.read(&allowed, language.as_ref(), browser_auth.as_deref())
        })
        .await;
    into_response(reply)
}

impl Proxy {
    async fn read(
        &self,
        allowed: &Allowed,
        language: Option<&HeaderValue>,
        browser_auth: Option<&str>,
    ) -> UpstreamReply {
        let Some(account) = &self.service_account else {
            return self
                .send(allowed, Method::GET, language, browser_auth, None)
                .await;
        };
        let mut rejected: Option<String> = None;
        let mut reply = None;
        for _ in 0..2 {
            let authorization = match allowed.upstream {
                Upstream::Gklm => account.gklm_authorization(rejected.as_deref()).await,
                Upstream::CipherTrust => account.cckm_authorization(rejected.as_deref()).await,
            };
            let authorization = match authorization {
                Ok(authorization) => authorization,
                Err(problem) => {
                    tracing::warn!(%problem, "service account sign-in failed");
                    return gateway_error(502, "the gateway could not sign in upstream");
                }
            };
            let answer = self
                .send(allowed, Method::GET, language, Some(&authorization), None)
                .await;
            if !session_rejected(allowed.upstream, &answer) {
                return answer;
            }
            tracing::info!(upstream = ?allowed.upstream, "session rejected upstream; signing in again");
            rejected = Some(authorization);
            reply = Some(answer);
        }
        reply.unwrap_or_else(|| gateway_error(502, "upstream rejected the service account"))
    }

    async fn send(
        &self,
        allowed: &Allowed,
        method: Method,
        language: Option<&HeaderValue>,
        authorization: Option<&str>,
        body: Option<Bytes>,
    ) -> UpstreamReply {
        let base = match allowed.upstream {
            Upstream::Gklm => &self.gklm_base,
            Upstream::CipherTrust => &self.cckm_base,
        };
        let mut url = format!("{base}{}", allowed.path);
        if let Some(query) = &allowed.query {
            url.push('?');
            url.push_str(query);
        }
        let mut request = self
            .client
            .request(method, &url)
            .header(header::ACCEPT, "application/json")
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(language) = language {
            request = request.header(header::ACCEPT_LANGUAGE, language.clone());
        }
        if let Some(authorization) = authorization {
            request = request.header(header::AUTHORIZATION, authorization);
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let mut response = match request.send().await {
            Ok(response) => response,
            Err(error) if error.is_timeout() => {
                tracing::warn!(path = %allowed.path, "upstream timed out");
                return gateway_error(504, "the key manager did not answer in time");
            }
            Err(error) => {
                tracing::warn!(path = %allowed.path, error = %error.without_url(), "upstream unreachable");
                return gateway_error(502, "the key manager could not be reached");
            }
        };
        let status = response.status().as_u16();
        let content_type = response.headers().get(header::CONTENT_TYPE).cloned();
        let content_language = response.headers().get(header::CONTENT_LANGUAGE).cloned();
        let mut collected = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if collected.len() + chunk.len() > self.max_response_bytes {
                        tracing::warn!(path = %allowed.path, "upstream answer too large");
                        return gateway_error(502, "the key manager's answer was too large");
                    }
                    collected.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(error) => {
                    tracing::warn!(path = %allowed.path, error = %error.without_url(), "upstream answer broken off");
                    return gateway_error(502, "the key manager's answer was broken off");
                }
            }
        }
        UpstreamReply {
            status,
            content_type,
            content_language,
            body: Bytes::from(collected),
            received: Instant::now(),
        }
    }
}

/// GKLM says CTGKM6004E for an unknown or expired session; CipherTrust any 401.
fn session_rejected(upstream: Upstream, reply: &UpstreamReply) -> bool {
    reply.status == 401
        && match upstream {
            Upstream::Gklm => reply.body.windows(10).any(|w| w == b"CTGKM6004E"),
            Upstream::CipherTrust => true,
        }
}

fn gateway_error(status: u16, message: &str) -> UpstreamReply {
    UpstreamReply {
        status,
        content_type: Some(HeaderValue::from_static("application/json")),
        content_language: None,
        body: Bytes::from(json!({"error": message}).to_string()),
        received: Instant::now(),
    }
}

fn into_response(reply: UpstreamReply) -> Response {
    let mut response = Response::new(Body::from(reply.body));
    *response.status_mut() = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::BAD_GATEWAY);
    let headers = response.headers_mut();
    if let Some(content_type) = reply.content_type {
        headers.insert(header::CONTENT_TYPE, content_type);
    }
    if let Some(content_language) = reply.content_language {
        headers.insert(header::CONTENT_LANGUAGE, content_language);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

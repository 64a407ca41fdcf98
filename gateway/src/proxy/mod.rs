//! `keywatch-gateway proxy`: a read-only CORS gateway in front of the real
//! GKLM and CipherTrust Manager.

pub mod allowlist;
pub mod coalescing;
pub mod cors;
pub mod service_account;
pub mod sign_in_limit;
pub mod upstream_client;

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tower_http::limit::RequestBodyLimitLayer;

use self::allowlist::{Allowed, Refusal, Upstream};
use self::coalescing::{CacheKey, Coalescer, IdentityHasher, UpstreamReply};
use self::service_account::ServiceAccount;
use self::sign_in_limit::SignInLimit;
use crate::config::{ProxyConfig, ServiceCredentials};
use crate::hosts::HostAllowlist;
use crate::metrics::Metrics;
use crate::routes::language::Lang;

/// Sign-in bodies are small; nothing else has a body at all.
const MAX_REQUEST_BYTES: usize = 16 * 1024;

struct Proxy {
    client: reqwest::Client,
    gklm_base: String,
    cckm_base: String,
    max_response_bytes: usize,
    coalescer: Coalescer,
    identities: IdentityHasher,
    service_account: Option<ServiceAccount>,
    origins: Vec<String>,
    sign_in_limit: SignInLimit,
    metrics: Arc<Metrics>,
}

/// The proxy application and a view of its cache.
pub struct ProxyParts {
    pub router: Router,
    pub cache: CacheView,
    /// What `/metrics` shows; serve [`ProxyParts::metrics_router`] on a
    /// separate address to keep it off the listen address.
    pub metrics: Arc<Metrics>,
    /// `/metrics` alone, behind the same bearer token.
    pub metrics_router: Router,
}

/// How much the answer cache holds, for tests and diagnostics.
#[derive(Clone)]
pub struct CacheView(Arc<Proxy>);

impl CacheView {
    /// Entries and their weight in bytes, expired ones dropped first.
    pub async fn weight(&self) -> (u64, u64) {
        self.0.coalescer.weight().await
    }

    /// Entries and weight as last counted, without tidying first.
    pub fn held(&self) -> (u64, u64) {
        self.0.coalescer.held()
    }

    /// Whether any cache key's text holds `needle`.
    pub fn keys_mention(&self, needle: &str) -> bool {
        self.0.coalescer.keys_mention(needle)
    }
}

/// The proxy application for a configuration.
pub fn proxy_app(
    config: &ProxyConfig,
    credentials: Option<ServiceCredentials>,
) -> Result<Router, String> {
    proxy_parts(config, credentials, None).map(|parts| parts.router)
}

/// The proxy for a configuration. With credentials and a `[watch]` section,
/// the watcher starts too, reading through the returned router.
pub fn proxy_parts(
    config: &ProxyConfig,
    credentials: Option<ServiceCredentials>,
    metrics_token: Option<String>,
) -> Result<ProxyParts, String> {
    let watching = config.watch.filter(|_| credentials.is_some());
    let metrics = Arc::new(Metrics::new(watching.is_some()));
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
        ServiceAccount::new(
            credentials,
            config.ciphertrust_sign_in_domain(),
            client.clone(),
            &gklm_base,
            &cckm_base,
        )
    });
    let cache_period = Duration::from_secs(config.cache_seconds);
    let proxy = Arc::new(Proxy {
        client,
        gklm_base,
        cckm_base,
        max_response_bytes: config.max_response_bytes,
        coalescer: Coalescer::new(
            cache_period,
            config.cache_max_bytes,
            config.cache_max_entries,
            config.cache_max_answer_bytes,
        ),
        identities: IdentityHasher::random()?,
        service_account,
        origins: config
            .allowed_origins
            .iter()
            .map(|origin| origin.trim_end_matches('/').to_string())
            .collect(),
        sign_in_limit: SignInLimit::new(config.sign_in_attempts_per_minute),
        metrics: metrics.clone(),
    });
    tidy_the_cache_now_and_then(Arc::downgrade(&proxy), cache_period);
    let gate = Arc::new(Gate {
        hosts: HostAllowlist::new(config.listen, &config.allowed_hosts)?,
        cors: cors::Cors::new(&config.allowed_origins, config.allow_credentials)?,
        metrics: metrics.clone(),
    });
    let exposition = Arc::new(Exposition {
        metrics: metrics.clone(),
        token: metrics_token,
    });
    let metrics_router = Router::new()
        .route("/metrics", get(serve_metrics))
        .with_state(exposition.clone());
    // axum clones a layered route for every request: these layers hold
    // only Arcs and small values, so that costs next to nothing.
    let mut router = Router::new()
        .route("/healthz", get(healthz))
        .fallback(forward)
        .with_state(proxy.clone());
    if config.metrics_listen.is_none() {
        router = router.merge(metrics_router.clone());
    }
    let router = router
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BYTES))
        .layer(axum::middleware::from_fn_with_state(gate, gate_keeper))
        .layer(crate::server::trace_layer());
    if let (Some(watch), Some(watched)) = (watching, metrics.watched.clone()) {
        crate::watch::spawn(router.clone(), watch, watched)?;
    }
    Ok(ProxyParts {
        router,
        cache: CacheView(proxy),
        metrics,
        metrics_router,
    })
}

/// Equal bytes, compared without stopping at the first difference.
fn same_secret(given: &[u8], wanted: &[u8]) -> bool {
    given.len() == wanted.len()
        && given
            .iter()
            .zip(wanted)
            .fold(0u8, |differ, (a, b)| differ | (a ^ b))
            == 0
}

/// `/metrics` and the token it asks for.
struct Exposition {
    metrics: Arc<Metrics>,
    token: Option<String>,
}

/// The OpenMetrics text; with a token configured, only for
/// `Authorization: Bearer <token>` (compared in constant time).
async fn serve_metrics(State(exposition): State<Arc<Exposition>>, headers: HeaderMap) -> Response {
    if let Some(token) = &exposition.token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !same_secret(given.as_bytes(), token.as_bytes()) {
            let mut response = refusal(StatusCode::UNAUTHORIZED, "/metrics takes a bearer token");
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return response;
        }
    }
    exposition
        .metrics
        .gateway
        .open_connections(crate::server::open_in_process());
    let mut response = Response::new(Body::from(exposition.metrics.encode()));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Expired answers leave the cache when they expire, not at the next
/// request: the cache's own upkeep runs only when it is used.
fn tidy_the_cache_now_and_then(proxy: Weak<Proxy>, period: Duration) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let every = period.clamp(Duration::from_secs(1), Duration::from_secs(60));
    runtime.spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            let Some(proxy) = proxy.upgrade() else {
                return;
            };
            proxy.coalescer.tidy().await;
        }
    });
}

async fn healthz() -> Json<serde_json::Value> {
    Json(json!({"status": "ok", "mode": "proxy"}))
}

fn refusal(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"error": message}))).into_response()
}

/// What every request passes before the proxy looks at it.
struct Gate {
    hosts: HostAllowlist,
    cors: cors::Cors,
    metrics: Arc<Metrics>,
}

/// In this order: the `Host` check; preflights only for what the allowlist
/// would forward; CORS headers, and none at all for an origin that is not
/// listed.
async fn gate_keeper(State(gate): State<Arc<Gate>>, request: Request, next: Next) -> Response {
    let route = crate::metrics::route_label(request.uri().path());
    let response = gate_checks(&gate, request, next).await;
    gate.metrics
        .gateway
        .answered(route, response.status().as_u16());
    response
}

async fn gate_checks(gate: &Gate, request: Request, next: Next) -> Response {
    if let Some(refused) = gate.hosts.refusal(&request) {
        return refused;
    }
    if let Some(refused) = unknown_preflight(&request) {
        return refused;
    }
    let origin = gate.cors.listed_origin(request.headers());
    if request.method() == Method::OPTIONS {
        return gate.cors.preflight(origin);
    }
    let mut response = next.run(request).await;
    gate.cors.decorate(origin, &mut response);
    response
}

/// An OPTIONS that is not a preflight for an allowlisted request is not
/// answered (tower-http would treat any OPTIONS as a preflight).
fn unknown_preflight(request: &Request) -> Option<Response> {
    if request.method() != Method::OPTIONS {
        return None;
    }
    let Some(wanted) = request.headers().get(header::ACCESS_CONTROL_REQUEST_METHOD) else {
        return Some(refusal(
            StatusCode::METHOD_NOT_ALLOWED,
            "the gateway only reads",
        ));
    };
    let uri = request.uri();
    match allowlist::check(wanted.to_str().unwrap_or(""), uri.path(), uri.query()) {
        Ok(_) => None,
        Err(Refusal::MethodNotAllowed) => Some(refusal(
            StatusCode::METHOD_NOT_ALLOWED,
            "the gateway only reads",
        )),
        Err(Refusal::Forbidden(why)) => Some(refusal(StatusCode::FORBIDDEN, why)),
    }
}

/// `application/json`, with or without parameters: the one type a page on
/// another origin cannot send without a preflight.
fn json_content_type(headers: &HeaderMap) -> Option<&HeaderValue> {
    let value = headers.get(header::CONTENT_TYPE)?;
    let essence = value.to_str().ok()?.split(';').next()?.trim();
    essence
        .eq_ignore_ascii_case("application/json")
        .then_some(value)
}

async fn forward(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let (method, uri, headers) = (parts.method, parts.uri, parts.headers);
    let allowed = match allowlist::check(method.as_str(), uri.path(), uri.query()) {
        Ok(allowed) => allowed,
        Err(Refusal::MethodNotAllowed) => {
            return refusal(StatusCode::METHOD_NOT_ALLOWED, "the gateway only reads")
        }
        Err(Refusal::Forbidden(why)) => return refusal(StatusCode::FORBIDDEN, why),
    };
    let language = headers
        .contains_key(header::ACCEPT_LANGUAGE)
        .then(|| Lang::from_headers(&headers));
    let language_header = language.map(Lang::content_language);
    let mut content_type = None;
    if allowed.is_sign_in || allowed.is_sign_out {
        if let Some(origin) = headers.get(header::ORIGIN) {
            let listed = origin
                .to_str()
                .is_ok_and(|origin| proxy.origins.iter().any(|o| o == origin));
            if !listed {
                return refusal(
                    StatusCode::FORBIDDEN,
                    "sign-in and sign-out are accepted only from the configured origins",
                );
            }
        }
        let Some(json) = json_content_type(&headers) else {
            return refusal(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "sign-in and sign-out take Content-Type: application/json",
            );
        };
        content_type = Some(json.clone());
    }
    let body = match axum::body::to_bytes(body, MAX_REQUEST_BYTES).await {
        Ok(body) => body,
        Err(_) => {
            return refusal(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the request body is too large",
            )
        }
    };
    if allowed.is_sign_in {
        if proxy.service_account.is_some() {
            return refusal(StatusCode::FORBIDDEN, "the gateway signs in itself");
        }
        let client = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |info| info.0.ip());
        if let Err(wait) = proxy.sign_in_limit.attempt(client, Instant::now()) {
            tracing::info!(%client, "sign-in attempts over the limit");
            let mut response = refusal(
                StatusCode::TOO_MANY_REQUESTS,
                "too many sign-in attempts from this address; wait and try again",
            );
            let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            return response;
        }
        let reply = proxy
            .send(
                &allowed,
                Method::POST,
                language_header.as_ref(),
                None,
                content_type.as_ref(),
                Some(body),
            )
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
            return (StatusCode::OK, Json(json!({"code": "0"}))).into_response();
        }
        let reply = proxy
            .send(
                &allowed,
                Method::DELETE,
                language_header.as_ref(),
                browser_auth.as_deref(),
                content_type.as_ref(),
                Some(body),
            )
            .await;
        return into_response(reply);
    }
    // The identity is part of the key: answers are never shared across identities.
    let key = CacheKey {
        upstream: allowed.upstream,
        path: allowed.path.clone(),
        query: allowed.query.clone(),
        language,
        identity: proxy.identities.identity(browser_auth.as_deref()),
    };
    let fetched = std::sync::atomic::AtomicBool::new(false);
    let reply = proxy
        .coalescer
        .get(key, || {
            fetched.store(true, std::sync::atomic::Ordering::Relaxed);
            proxy.read(&allowed, language_header.as_ref(), browser_auth.as_deref())
        })
        .await;
    proxy
        .metrics
        .gateway
        .cache(!fetched.load(std::sync::atomic::Ordering::Relaxed));
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
                .send(allowed, Method::GET, language, browser_auth, None, None)
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
                .send(
                    allowed,
                    Method::GET,
                    language,
                    Some(&authorization),
                    None,
                    None,
                )
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
        content_type: Option<&HeaderValue>,
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
            // A body goes with the type the browser gave it (checked to be
            // JSON); GKLM wants the header on its reads as well.
            .header(
                header::CONTENT_TYPE,
                content_type
                    .cloned()
                    .unwrap_or(HeaderValue::from_static("application/json")),
            );
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
        }
    }
}

/// GKLM says CTGKM6004E for an unknown or expired session (or CTGKM6002E
/// for a session header it does not take), in `code`, `messageId` or as the
/// first word of `message`, with 401, 400 or even 200; CipherTrust any 401.
fn session_rejected(upstream: Upstream, reply: &UpstreamReply) -> bool {
    match upstream {
        Upstream::Gklm => {
            (reply.status == 401 && reply.body.windows(10).any(|w| w == b"CTGKM6004E"))
                || keywatch_core::api::read::gklm_session_ended(&reply.body)
        }
        Upstream::CipherTrust => reply.status == 401,
    }
}

fn gateway_error(status: u16, message: &str) -> UpstreamReply {
    UpstreamReply {
        status,
        content_type: Some(HeaderValue::from_static("application/json")),
        content_language: None,
        body: Bytes::from(json!({"error": message}).to_string()),
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

#[cfg(test)]
mod session_tests {
    use super::*;

    fn reply(status: u16, body: &str) -> UpstreamReply {
        UpstreamReply {
            status,
            content_type: None,
            content_language: None,
            body: Bytes::from(body.to_owned()),
        }
    }

    #[test]
    fn every_form_of_gklm_session_end_is_recognised() {
        for (status, body) in [
            (
                401,
                r#"{"code":"CTGKM6004E","message":"CTGKM6004E User is not authenticated"}"#,
            ),
            (400, r#"{"code":"1","messageId":"CTGKM6004E"}"#),
            (200, r#"{"message":"CTGKM6004E User is not authenticated"}"#),
            (400, r#"{"code":"CTGKM6002E","message":"Bad Request"}"#),
        ] {
            assert!(
                session_rejected(Upstream::Gklm, &reply(status, body)),
                "{status} {body}"
            );
        }
        for (status, body) in [
            (200, r#"{"code":"0","status":"CTGKM3465I done"}"#),
            (200, r#"[{"message":"CTGKM6004E inside a list item"}]"#),
            (401, r#"{"code":"CTGKM6003E"}"#),
            (500, "<html>CTGKM6004E</html>"),
        ] {
            assert!(
                !session_rejected(Upstream::Gklm, &reply(status, body)),
                "{status} {body}"
            );
        }
        assert!(session_rejected(Upstream::CipherTrust, &reply(401, "")));
        assert!(!session_rejected(
            Upstream::CipherTrust,
            &reply(200, r#"{"code":"CTGKM6004E"}"#)
        ));
    }
}

use std::convert::Infallible;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Request, Response, StatusCode};
use tower::util::ServiceFn;
use tower::{service_fn, Layer, Service, ServiceExt};
use tower_http::services::ServeDir;
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};

use super::bundle_cache;

type Answer = std::future::Ready<Result<Response<Body>, Infallible>>;
type BundleMissing = ServiceFn<fn(Request<Body>) -> Answer>;

/// The widget bundle, `index.html` at `/`. Content types come from the file
/// extension (`.wasm` is `application/wasm`). A browser that accepts brotli
/// or gzip gets the dist step's `.br` or `.gz` copy when there is one, with
/// `Content-Encoding` and `Vary: Accept-Encoding`; caching is
/// [`bundle_cache`]'s.
pub fn service(dist: PathBuf) -> Bundle {
    let missing: fn(Request<Body>) -> Answer =
        |request| std::future::ready(Ok(not_in_bundle(request.uri().path())));
    Bundle {
        files: ServeDir::new(&dist)
            .append_index_html_on_directories(true)
            .precompressed_br()
            .precompressed_gzip()
            .fallback(service_fn(missing)),
        root: Arc::from(dist),
    }
}

/// [`service`]: the files, with validators and cache headers added.
#[derive(Clone)]
pub struct Bundle {
    files: ServeDir<BundleMissing>,
    root: Arc<Path>,
}

impl Service<Request<Body>> for Bundle {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut request: Request<Body>) -> Self::Future {
        let files = self.files.clone();
        let root = self.root.clone();
        Box::pin(async move {
            let path = request.uri().path().to_owned();
            // The tag is ours to compare; with one, the date is not looked at
            // (RFC 9110, 13.2.2).
            let if_none_match = request.headers_mut().remove(header::IF_NONE_MATCH);
            if if_none_match.is_some() {
                request.headers_mut().remove(header::IF_MODIFIED_SINCE);
            }
            let response = files.oneshot(request).await?.map(Body::new);
            Ok(with_cache_headers(response, &root, &path, if_none_match.as_ref()).await)
        })
    }
}

async fn with_cache_headers(
    mut response: Response<Body>,
    root: &Path,
    path: &str,
    if_none_match: Option<&HeaderValue>,
) -> Response<Body> {
    let status = response.status();
    if !(status.is_success() || status == StatusCode::NOT_MODIFIED) {
        return response;
    }
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(bundle_cache::cache_control(path)),
    );
    if !matches!(status, StatusCode::OK | StatusCode::PARTIAL_CONTENT) {
        return response;
    }
    let Some(tag) = entity_tag(root, path, headers).await else {
        return response;
    };
    let unchanged = if_none_match
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| bundle_cache::none_match_names(value, &tag));
    let Ok(tag) = HeaderValue::from_str(&tag) else {
        return response;
    };
    if unchanged {
        let mut not_modified = Response::new(Body::empty());
        *not_modified.status_mut() = StatusCode::NOT_MODIFIED;
        for name in [header::CACHE_CONTROL, header::VARY, header::LAST_MODIFIED] {
            if let Some(value) = response.headers().get(&name) {
                not_modified.headers_mut().insert(name, value.clone());
            }
        }
        not_modified.headers_mut().insert(header::ETAG, tag);
        return not_modified;
    }
    response.headers_mut().insert(header::ETAG, tag);
    response
}

/// The tag of the file that was served (the `.br` copy for a brotli answer).
async fn entity_tag(root: &Path, path: &str, headers: &HeaderMap) -> Option<String> {
    let encoding = match headers.get(header::CONTENT_ENCODING) {
        None => None,
        Some(value) => Some(value.to_str().ok()?),
    };
    let file = bundle_cache::served_file(root, path, encoding)?;
    let meta = tokio::fs::metadata(file).await.ok()?;
    bundle_cache::entity_tag(&meta)
}

/// What the example console allows itself: scripts and styles from its own
/// origin only (no inline script or style, no eval), WebAssembly compiled
/// from them, and connections to the gateway that serves it.
pub const PORTAL_CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The example admin console (`examples/portal/`), under [`PORTAL_CSP`].
pub fn portal(dir: PathBuf) -> SetResponseHeader<ServeDir<BundleMissing>, HeaderValue> {
    let missing: fn(Request<Body>) -> Answer =
        |_| std::future::ready(Ok(not_in_bundle("/portal/")));
    SetResponseHeaderLayer::overriding(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PORTAL_CSP),
    )
    .layer(
        ServeDir::new(dir)
            .append_index_html_on_directories(true)
            .fallback(service_fn(missing)),
    )
}

fn not_in_bundle(path: &str) -> Response<Body> {
    let (status, text) = if path == "/" {
        (
            StatusCode::OK,
            "keywatch gateway (demo)\n\nThe widget bundle has not been built yet, so there is nothing to show here.\nBuild the bundle (see the README), then reload this page.\nThe simulated GKLM (/SKLM/rest/v1) and CipherTrust (/api/v1) APIs work meanwhile.\n",
        )
    } else {
        (StatusCode::NOT_FOUND, "not found\n")
    };
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

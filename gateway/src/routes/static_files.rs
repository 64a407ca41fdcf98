use std::convert::Infallible;
use std::path::PathBuf;

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, Response, StatusCode};
use tower::util::ServiceFn;
use tower::{service_fn, Layer};
use tower_http::services::ServeDir;
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};

type Answer = std::future::Ready<Result<Response<Body>, Infallible>>;
type BundleMissing = ServiceFn<fn(Request<Body>) -> Answer>;

/// The widget bundle, `index.html` at `/`. Content types come from the file
/// extension (`.wasm` is `application/wasm`).
pub fn service(dist: PathBuf) -> ServeDir<BundleMissing> {
    let missing: fn(Request<Body>) -> Answer =
        |request| std::future::ready(Ok(not_in_bundle(request.uri().path())));
    ServeDir::new(dist)
        .append_index_html_on_directories(true)
        .fallback(service_fn(missing))
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

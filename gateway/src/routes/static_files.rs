use std::convert::Infallible;
use std::path::PathBuf;

use axum::body::Body;
use axum::http::{header, Request, Response, StatusCode};
use tower::service_fn;
use tower::util::ServiceFn;
use tower_http::services::ServeDir;

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

//! Request bodies are read whole before the application sees them, within a
//! time and a size: a client trickling its body cannot hold a request open.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use serde_json::json;

use crate::config::ConnectionLimits;

pub async fn read(body: Incoming, limits: &ConnectionLimits) -> Result<Body, Response> {
    // Most requests (every poll) have none: nothing to wait for or copy.
    if hyper::body::Body::is_end_stream(&body) {
        return Ok(Body::empty());
    }
    let limited = Limited::new(body, limits.max_request_body_bytes);
    match tokio::time::timeout(limits.request_body_timeout(), limited.collect()).await {
        Ok(Ok(collected)) => Ok(Body::from(collected.to_bytes())),
        Ok(Err(error)) if error.is::<http_body_util::LengthLimitError>() => Err(closing(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the request body is too large",
        )),
        Ok(Err(_)) => Err(closing(
            StatusCode::BAD_REQUEST,
            "the request body was broken off",
        )),
        Err(_) => Err(closing(
            StatusCode::REQUEST_TIMEOUT,
            "the request body did not arrive in time",
        )),
    }
}

fn closing(status: StatusCode, message: &str) -> Response {
    let mut response = (status, Json(json!({"error": message}))).into_response();
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

//! Request bodies are read within a time and a size: a client trickling its
//! body cannot hold a request open, and a body declared larger than the
//! limit is refused before a byte of it is read.
//!
//! The head is checked here before the application sees the request: an
//! `Expect` other than `100-continue` gets 417, a `Content-Length` above
//! [`ConnectionLimits::max_request_body_bytes`] 413. hyper sends
//! `100 Continue` only when the body is first polled, so neither refusal
//! sends one. The body itself reaches the application as it arrives, so
//! that a route with a smaller limit of its own (the proxy's
//! `RequestBodyLimitLayer`) refuses a declared length above it before
//! polling too. Read past the limit or the time, or broken off, the body
//! fails, and the server answers with its own refusal, whatever the
//! application made of the failure.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{ready, Context, Poll};

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::{Buf, Bytes};
use hyper::body::{Body as _, Frame, Incoming, SizeHint};
use serde_json::json;
use tokio::time::{Instant, Sleep};

use crate::config::ConnectionLimits;

/// The refusal of a request from its head alone, before its body is read:
/// an `Expect` the gateway does not meet (417), or a declared length above
/// the limit (413). `None` for a request to go on with.
pub fn refusal_of_head(
    headers: &HeaderMap,
    body: &Incoming,
    limits: &ConnectionLimits,
) -> Option<Response> {
    let unmet = headers.get_all(header::EXPECT).iter().any(|value| {
        !value
            .to_str()
            .is_ok_and(|value| value.trim().eq_ignore_ascii_case("100-continue"))
    });
    if unmet {
        return Some(closing(
            StatusCode::EXPECTATION_FAILED,
            "the only expectation met is 100-continue",
        ));
    }
    // hyper gives a `Content-Length` body its length as the lower bound
    // (and has refused a malformed one already); a chunked body has none.
    if declared_too_large(body.size_hint(), limits.max_request_body_bytes) {
        return Some(too_large());
    }
    None
}

fn declared_too_large(hint: SizeHint, limit: usize) -> bool {
    usize::try_from(hint.lower()).map_or(true, |declared| declared > limit)
}

/// How a request's body went, shared between the body and the server.
#[derive(Default)]
pub struct Outcome {
    refusal: OnceLock<Refusal>,
    finished: AtomicBool,
}

impl Outcome {
    /// The answer to send: the server's refusal when the body failed, or
    /// the application's. An application's refusal (its own 413, say)
    /// given before the body was read to its end closes the connection,
    /// and says so: the rest of the body may still be on its way. Any
    /// other answer leaves that to hyper, which reads a rest already
    /// there and keeps the connection, or else closes it.
    pub fn settle(&self, mut response: Response) -> Response {
        if let Some(refusal) = self.refusal.get() {
            return refusal.response();
        }
        let refused = response.status().is_client_error() || response.status().is_server_error();
        if refused && !self.finished.load(Ordering::SeqCst) {
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }

    fn refuse(&self, refusal: Refusal) -> BodyError {
        let _ = self.refusal.set(refusal);
        BodyError(refusal)
    }
}

/// `body` as the application gets it: empty when there is none (most
/// requests, every poll: nothing to wait for), else read within `limits`
/// as it is asked for, with its [`Outcome`].
pub fn bounded(body: Incoming, limits: &ConnectionLimits) -> (Body, Option<Arc<Outcome>>) {
    if body.is_end_stream() {
        return (Body::empty(), None);
    }
    let outcome = Arc::new(Outcome::default());
    let body = Bounded {
        inner: body,
        left: limits.max_request_body_bytes,
        deadline: Instant::now() + limits.request_body_timeout(),
        timer: None,
        outcome: outcome.clone(),
    };
    (Body::new(body), Some(outcome))
}

struct Bounded {
    inner: Incoming,
    /// Bytes it may still bring.
    left: usize,
    /// The end of the head plus the body's time.
    deadline: Instant,
    /// Started when the body first has to be waited for.
    timer: Option<Pin<Box<Sleep>>>,
    outcome: Arc<Outcome>,
}

impl hyper::body::Body for Bounded {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        let this = &mut *self;
        if let Some(refusal) = this.outcome.refusal.get() {
            return Poll::Ready(Some(Err(BodyError(*refusal))));
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                let size = frame.data_ref().map_or(0, Buf::remaining);
                match this.left.checked_sub(size) {
                    Some(left) => {
                        this.left = left;
                        Poll::Ready(Some(Ok(frame)))
                    }
                    None => Poll::Ready(Some(Err(this.outcome.refuse(Refusal::TooLarge)))),
                }
            }
            Poll::Ready(Some(Err(_))) => {
                Poll::Ready(Some(Err(this.outcome.refuse(Refusal::BrokenOff))))
            }
            Poll::Ready(None) => {
                this.outcome.finished.store(true, Ordering::SeqCst);
                Poll::Ready(None)
            }
            Poll::Pending => {
                let deadline = this.deadline;
                let timer = this
                    .timer
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
                ready!(timer.as_mut().poll(cx));
                Poll::Ready(Some(Err(this.outcome.refuse(Refusal::TimedOut))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.outcome.refusal.get().is_some() || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    TooLarge,
    BrokenOff,
    TimedOut,
}

impl Refusal {
    fn response(self) -> Response {
        match self {
            Refusal::TooLarge => too_large(),
            Refusal::BrokenOff => {
                closing(StatusCode::BAD_REQUEST, "the request body was broken off")
            }
            Refusal::TimedOut => closing(
                StatusCode::REQUEST_TIMEOUT,
                "the request body did not arrive in time",
            ),
        }
    }
}

/// Why a body failed; the server answers for it.
#[derive(Debug)]
pub struct BodyError(Refusal);

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            Refusal::TooLarge => "the request body is too large",
            Refusal::BrokenOff => "the request body was broken off",
            Refusal::TimedOut => "the request body did not arrive in time",
        })
    }
}

impl Error for BodyError {}

fn too_large() -> Response {
    closing(
        StatusCode::PAYLOAD_TOO_LARGE,
        "the request body is too large",
    )
}

fn closing(status: StatusCode, message: &str) -> Response {
    let mut response = (status, Json(json!({"error": message}))).into_response();
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_declared_length_is_too_large_only_above_the_limit() {
        assert!(!declared_too_large(SizeHint::with_exact(10), 10));
        assert!(declared_too_large(SizeHint::with_exact(11), 10));
        // Chunked: nothing declared.
        assert!(!declared_too_large(SizeHint::default(), 10));
    }
}

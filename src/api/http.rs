//! The HTTP seam: plain request and response values, and the one function
//! that hands a request to the browser's `fetch`.

use super::error::ApiError;

pub use keywatch_core::api::http::{HttpRequest, HttpResponse, Method, Transport, MAX_BODY_BYTES};

/// The browser's `fetch`, as the [`Transport`] the endpoint functions take.
#[derive(Clone, Copy, Debug, Default)]
pub struct Fetch;

impl Transport for Fetch {
    // The future of `send` itself, not one more state machine around it.
    fn send(
        &self,
        req: &HttpRequest,
    ) -> impl std::future::Future<Output = Result<HttpResponse, ApiError>> {
        send(req)
    }
}

/// Sends `req` with the browser's `fetch` and reads the whole body as text.
///
/// - No answer within `req.timeout_ms` (headers and body together): the
///   request is aborted and the result is [`ApiError::Timeout`].
/// - Dropping the returned future (the card went away) aborts the request.
/// - A failed fetch (network, DNS, CORS) is [`ApiError::Network`].
/// - A body over [`MAX_BODY_BYTES`] is aborted and is [`ApiError::TooLarge`].
///
/// - A GET asked while the same GET (URL, credential, language) is under
///   way anywhere on the page joins it: never two requests in flight for one
///   endpoint and credential, however many cards or panels ask.
///
/// Any HTTP status is a response here; see [`super::read`] for what it means.
/// Outside a browser this always fails with [`ApiError::Network`].
pub async fn send(req: &HttpRequest) -> Result<HttpResponse, ApiError> {
    #[cfg(target_arch = "wasm32")]
    {
        match req.sharing_key() {
            Some(key) => in_flight::join(key, req).await,
            None => browser::send(req).await,
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = req;
        Err(ApiError::Network {
            detail: "fetch is only available in a browser".to_owned(),
        })
    }
}

#[cfg(target_arch = "wasm32")]
mod in_flight {
    //! GETs under way on this page, shared by everyone asking the same.
    //! Only weak references are kept: when every asker has gone, the
    //! request is dropped, which aborts it.

    use std::cell::RefCell;
    use std::collections::HashMap;

    use futures::future::{FutureExt, LocalBoxFuture, Shared, WeakShared};

    use super::{browser, HttpRequest, HttpResponse};
    use crate::api::error::ApiError;

    type Answer = LocalBoxFuture<'static, Result<HttpResponse, ApiError>>;

    thread_local! {
        static UNDER_WAY: RefCell<HashMap<String, WeakShared<Answer>>> = RefCell::new(HashMap::new());
    }

    pub(super) async fn join(key: String, req: &HttpRequest) -> Result<HttpResponse, ApiError> {
        let existing = UNDER_WAY.with(|m| m.borrow().get(&key).and_then(WeakShared::upgrade));
        let shared: Shared<Answer> = match existing {
            Some(shared) => shared,
            None => {
                let owned = req.clone();
                let shared = async move { browser::send(&owned).await }
                    .boxed_local()
                    .shared();
                if let Some(weak) = shared.downgrade() {
                    UNDER_WAY.with(|m| {
                        let mut m = m.borrow_mut();
                        m.retain(|_, w| w.upgrade().is_some());
                        m.insert(key.clone(), weak);
                    });
                }
                shared
            }
        };
        // Awaited as the only strong handle (the map's is weak), the answer
        // is moved out, not cloned: a long page's body is megabytes.
        let mine = shared.downgrade();
        let answer = shared.await;
        UNDER_WAY.with(|m| {
            let mut m = m.borrow_mut();
            let same = match m.get(&key).and_then(WeakShared::upgrade) {
                None => true,
                Some(there) => mine
                    .as_ref()
                    .and_then(WeakShared::upgrade)
                    .is_some_and(|me| me.ptr_eq(&there)),
            };
            if same {
                m.remove(&key);
            }
        });
        answer
    }
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use futures::future::{select, Either};
    use gloo_net::http::{Request, Response};
    use gloo_timers::future::TimeoutFuture;
    use js_sys::{Reflect, Uint8Array};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{AbortController, Headers, ReadableStreamDefaultReader, RequestInit};

    use super::{HttpRequest, HttpResponse, MAX_BODY_BYTES};
    use crate::api::error::ApiError;

    /// Aborts the fetch when dropped: on timeout, when the caller's future is
    /// dropped, and (harmlessly) after a complete read.
    struct AbortOnDrop(AbortController);

    impl Drop for AbortOnDrop {
        fn drop(&mut self) {
            self.0.abort();
        }
    }

    pub(super) async fn send(req: &HttpRequest) -> Result<HttpResponse, ApiError> {
        let controller = AbortController::new().map_err(network)?;
        let guard = AbortOnDrop(controller.clone());
        let work = Box::pin(fetch(req, controller));
        let timer = Box::pin(TimeoutFuture::new(req.timeout_ms));
        match select(work, timer).await {
            Either::Left((result, _)) => result,
            Either::Right(((), work)) => {
                drop(work);
                drop(guard);
                Err(ApiError::Timeout {
                    after_ms: req.timeout_ms,
                })
            }
        }
    }

    async fn fetch(
        req: &HttpRequest,
        controller: AbortController,
    ) -> Result<HttpResponse, ApiError> {
        let headers = Headers::new().map_err(network)?;
        for (name, value) in &req.headers {
            headers.set(name, value).map_err(network)?;
        }
        let init = RequestInit::new();
        init.set_method(req.method.as_str());
        init.set_headers(&headers);
        init.set_signal(Some(&controller.signal()));
        if let Some(body) = &req.body {
            init.set_body(&JsValue::from_str(body));
        }
        // The URL goes as built: gloo-net's RequestBuilder would add a `&`
        // to one that has a query, so its Request is made from this one.
        let request = web_sys::Request::new_with_str_and_init(&req.url, &init).map_err(network)?;
        let response = Request::from(request).send().await.map_err(gloo_error)?;

        let response_headers = response.headers();
        let header = |name: &str| response_headers.get(name);
        let declared_length = header("content-length").and_then(|v| v.trim().parse::<u64>().ok());
        if declared_length.is_some_and(|len| len > MAX_BODY_BYTES as u64) {
            return Err(too_large());
        }
        let body = read_body(&response, declared_length).await?;
        Ok(HttpResponse {
            status: response.status(),
            content_type: header("content-type"),
            content_language: header("content-language"),
            body,
        })
    }

    /// Reads the body chunk by chunk, giving up as soon as it passes the cap.
    /// Room for the declared length is made at once (a 6 MB page grew by
    /// copies before).
    async fn read_body(response: &Response, declared: Option<u64>) -> Result<String, ApiError> {
        let Some(stream) = response.body() else {
            return Ok(String::new());
        };
        let reader = ReadableStreamDefaultReader::new(&stream).map_err(network)?;
        let room = declared.map_or(0, |len| len.min(MAX_BODY_BYTES as u64) as usize);
        let mut bytes: Vec<u8> = Vec::with_capacity(room);
        loop {
            let chunk = JsFuture::from(reader.read()).await.map_err(network)?;
            let done = Reflect::get(&chunk, &JsValue::from_str("done"))
                .map_err(network)?
                .as_bool()
                .unwrap_or(true);
            if done {
                break;
            }
            let value = Reflect::get(&chunk, &JsValue::from_str("value")).map_err(network)?;
            let Ok(array) = value.dyn_into::<Uint8Array>() else {
                continue;
            };
            let len = array.length() as usize;
            if bytes.len().saturating_add(len) > MAX_BODY_BYTES {
                let _ = reader.cancel();
                return Err(too_large());
            }
            let start = bytes.len();
            bytes.resize(start + len, 0);
            if let Some(slot) = bytes.get_mut(start..) {
                array.copy_to(slot);
            }
        }
        // Valid UTF-8 is kept as it is, not copied.
        Ok(String::from_utf8(bytes)
            .unwrap_or_else(|invalid| String::from_utf8_lossy(invalid.as_bytes()).into_owned()))
    }

    fn gloo_error(err: gloo_net::Error) -> ApiError {
        let detail = match err {
            gloo_net::Error::JsError(e) if e.message.is_empty() => e.name,
            gloo_net::Error::JsError(e) => format!("{}: {}", e.name, e.message),
            other => other.to_string(),
        };
        ApiError::Network {
            detail: crate::model::text::plain_text(&detail),
        }
    }

    fn too_large() -> ApiError {
        ApiError::TooLarge {
            limit_bytes: MAX_BODY_BYTES,
        }
    }

    /// A short description of a JavaScript error (`TypeError: Failed to fetch`).
    fn network(err: JsValue) -> ApiError {
        let detail = err
            .dyn_ref::<js_sys::Error>()
            .map(|e| {
                let name = String::from(e.name());
                let message = String::from(e.message());
                if message.is_empty() {
                    name
                } else {
                    format!("{name}: {message}")
                }
            })
            .or_else(|| err.as_string())
            .unwrap_or_else(|| "fetch failed".to_owned());
        ApiError::Network {
            detail: crate::model::text::plain_text(&detail),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{send, HttpRequest, Method};
    use crate::api::error::ApiError;

    fn request() -> HttpRequest {
        HttpRequest {
            method: Method::Post,
            url: "https://gklm.example/SKLM/rest/v1/ckms/login".to_owned(),
            headers: vec![
                ("Accept".to_owned(), "application/json".to_owned()),
                (
                    "Authorization".to_owned(),
                    "SKLMAuth userAuthId=secret-id".to_owned(),
                ),
            ],
            body: Some(r#"{"userid":"u","password":"secret-pw"}"#.to_owned()),
            timeout_ms: 1_000,
        }
    }

    #[test]
    fn outside_a_browser_send_is_a_network_error() {
        let result = futures::executor::block_on(send(&request()));
        assert!(
            matches!(result, Err(ApiError::Network { .. })),
            "{result:?}"
        );
    }
}

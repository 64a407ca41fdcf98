//! The HTTP seam: plain request and response values, and the one function
//! that hands a request to the browser's `fetch`.

use super::error::ApiError;

/// The methods the panel uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// A request, fully built, ready for [`send`].
#[derive(Clone, PartialEq)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    pub timeout_ms: u32,
}

impl HttpRequest {
    /// What makes two GETs the same question: the URL, the credential and the
    /// language. Only GETs share an answer; `None` for anything else.
    pub fn sharing_key(&self) -> Option<String> {
        if self.method != Method::Get {
            return None;
        }
        let header = |name| self.header(name).unwrap_or_default();
        Some(format!(
            "{}\n{}\n{}",
            self.url,
            header("authorization"),
            header("accept-language")
        ))
    }

    /// The value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Leaves out the `Authorization` value and the body (which may hold a password).
impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| {
                if n.eq_ignore_ascii_case("authorization") {
                    (n.as_str(), "<redacted>")
                } else {
                    (n.as_str(), v.as_str())
                }
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &self.body.as_ref().map(|_| "<redacted>"))
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}

/// What came back: status, the two headers the panel uses, and the body text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub content_language: Option<String>,
    pub body: String,
}

/// Largest body the panel reads; a larger one is an [`ApiError::TooLarge`].
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

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
        let answer = shared.clone().await;
        UNDER_WAY.with(|m| {
            let mut m = m.borrow_mut();
            let same = m
                .get(&key)
                .and_then(WeakShared::upgrade)
                .is_none_or(|s| s.ptr_eq(&shared));
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
        let body = read_body(&response).await?;
        Ok(HttpResponse {
            status: response.status(),
            content_type: header("content-type"),
            content_language: header("content-language"),
            body,
        })
    }

    /// Reads the body chunk by chunk, giving up as soon as it passes the cap.
    async fn read_body(response: &Response) -> Result<String, ApiError> {
        let Some(stream) = response.body() else {
            return Ok(String::new());
        };
        let reader = ReadableStreamDefaultReader::new(&stream).map_err(network)?;
        let mut bytes: Vec<u8> = Vec::new();
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
        Ok(String::from_utf8_lossy(&bytes).into_owned())
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
    fn debug_output_hides_credentials() {
        let shown = format!("{:?}", request());
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("application/json"));
        assert!(shown.contains("/ckms/login"));
    }

    #[test]
    fn only_the_same_get_with_the_same_credential_shares_an_answer() {
        let get = |url: &str, auth: &str, lang: &str| HttpRequest {
            method: Method::Get,
            url: url.to_owned(),
            headers: vec![
                ("Authorization".to_owned(), auth.to_owned()),
                ("Accept-Language".to_owned(), lang.to_owned()),
            ],
            body: None,
            timeout_ms: 1_000,
        };
        let a = get("https://g/x", "SKLMAuth userAuthId=1", "en");
        assert_eq!(a.sharing_key(), a.clone().sharing_key());
        for other in [
            get("https://g/y", "SKLMAuth userAuthId=1", "en"),
            get("https://g/x", "SKLMAuth userAuthId=2", "en"),
            get("https://g/x", "SKLMAuth userAuthId=1", "de"),
        ] {
            assert_ne!(a.sharing_key(), other.sharing_key(), "{other:?}");
        }
        assert_eq!(request().sharing_key(), None, "a POST is never shared");
    }

    #[test]
    fn headers_are_found_by_any_case() {
        assert_eq!(request().header("accept"), Some("application/json"));
        assert_eq!(request().header("Accept-Language"), None);
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

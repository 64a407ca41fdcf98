//! Plain request and response values. Whoever sends them (the browser's
//! `fetch` in the widget, an HTTP client in the gateway) lives elsewhere.

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

/// A request, fully built, ready to send.
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

/// Whoever sends requests: the browser's `fetch` in the widget, the
/// gateway's own routes in its watcher. The endpoint functions in
/// [`super::gklm`] and [`super::cckm`] take one, so that both read a server
/// the same way.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// Any HTTP status is an answer; an error means no answer came (see
    /// [`ApiError::Network`], [`ApiError::Timeout`], [`ApiError::TooLarge`]).
    async fn send(&self, req: &HttpRequest) -> Result<HttpResponse, ApiError>;
}

/// Largest body the panel reads; a larger one is an [`ApiError::TooLarge`].
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::{HttpRequest, Method};

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
}

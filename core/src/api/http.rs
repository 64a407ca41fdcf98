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

/// What tells two replies apart: their status, language, length and a
/// 64-bit hash of their text. Two replies with one fingerprint read alike
/// (a collision by chance is some 1 in 2^64; a server that made one on
/// purpose could as well send the other page).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    status: u16,
    len: usize,
    hash: u64,
}

impl HttpResponse {
    /// This reply's [`Fingerprint`]: about 1 ms for the 7 MB of a
    /// 10,000-job page, against some 150 ms to read it.
    pub fn fingerprint(&self) -> Fingerprint {
        let language = self.content_language.as_deref().unwrap_or_default();
        Fingerprint {
            status: self.status,
            len: self.body.len(),
            hash: hash(&[language.as_bytes(), b"\0", self.body.as_bytes()]),
        }
    }
}

/// FNV-1a over the bytes, eight at a time, each word's high bits folded
/// down so that every byte reaches the whole hash.
fn hash(parts: &[&[u8]]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        let words = part.chunks_exact(8);
        let rest = words.remainder();
        for word in words {
            h = (h ^ u64::from_le_bytes(word.try_into().unwrap_or([0; 8]))).wrapping_mul(PRIME);
            h ^= h >> 32;
        }
        for byte in rest {
            h = (h ^ u64::from(*byte)).wrapping_mul(PRIME);
        }
    }
    h
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
    use super::{HttpRequest, HttpResponse, Method};

    fn reply(status: u16, language: Option<&str>, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            content_type: Some("application/json".into()),
            content_language: language.map(str::to_owned),
            body: body.to_owned(),
        }
    }

    #[test]
    fn a_reply_s_fingerprint_changes_with_any_byte_its_status_or_language() {
        let body = r#"{"skip":0,"limit":10,"total":2,"resources":[{"id":"a"},{"id":"b"}]}"#;
        let first = reply(200, Some("en"), body).fingerprint();
        assert_eq!(
            first,
            reply(200, Some("en"), body).fingerprint(),
            "the same reply"
        );
        assert_ne!(first, reply(500, Some("en"), body).fingerprint());
        assert_ne!(first, reply(200, Some("de"), body).fingerprint());
        assert_ne!(first, reply(200, None, body).fingerprint());
        // Each byte changed in turn, in the words and in the tail.
        let mut seen = Vec::new();
        for at in 0..body.len() {
            let mut changed = body.as_bytes().to_vec();
            changed[at] ^= 0x01;
            let changed = String::from_utf8(changed).expect("ASCII stays ASCII");
            let print = reply(200, Some("en"), &changed).fingerprint();
            assert_ne!(print, first, "byte {at}");
            assert!(
                !seen.contains(&print),
                "byte {at}: a fingerprint seen before"
            );
            seen.push(print);
        }
        assert_eq!(seen.len(), body.len(), "every change its own fingerprint");
        // Two bytes swapped: same length, same bytes, another order.
        let swapped = body.replacen("\"a\"},{\"id\":\"b\"", "\"b\"},{\"id\":\"a\"", 1);
        assert_ne!(reply(200, Some("en"), &swapped).fingerprint(), first);
    }

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

//! Building a request: the headers every request carries, and the
//! credential only where one is held.

use super::config::join_url;
use super::http::{HttpRequest, Method};
use crate::lang::Language;

/// `Accept`, `Content-Type` and `Accept-Language` always, `Authorization`
/// only when there is a non-blank credential to send.
fn standard(language: Language, authorization: Option<String>) -> Vec<(String, String)> {
    let mut headers = vec![
        ("Accept".to_owned(), "application/json".to_owned()),
        ("Content-Type".to_owned(), "application/json".to_owned()),
        ("Accept-Language".to_owned(), language.tag().to_owned()),
    ];
    if let Some(value) = authorization {
        headers.push(("Authorization".to_owned(), value));
    }
    headers
}

/// The credential, trimmed, when it is not blank.
pub(crate) fn credential(secret: Option<&String>) -> Option<&str> {
    secret.map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// What a request needs to know of a server's configuration.
pub(crate) trait Endpoint {
    fn base_url(&self) -> &str;
    fn language(&self) -> Language;
    fn timeout_ms(&self) -> u32;
    /// The `Authorization` value for the credential held, if any.
    fn authorization(&self) -> Option<String>;
}

/// A request to `path` under the server's base URL with the standard
/// headers; `Authorization` only when `with_auth` and a credential is held.
pub(crate) fn request(
    server: &impl Endpoint,
    method: Method,
    path: &str,
    body: Option<String>,
    with_auth: bool,
) -> HttpRequest {
    let auth = if with_auth {
        server.authorization()
    } else {
        None
    };
    HttpRequest {
        method,
        url: join_url(server.base_url(), path),
        headers: standard(server.language(), auth),
        body,
        timeout_ms: server.timeout_ms(),
    }
}

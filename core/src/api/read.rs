//! Reading an [`HttpResponse`] into JSON or an [`ApiError`], the same way for
//! every endpoint.

use serde_json::Value;

use super::error::{is_sign_in_code, ApiError, Server, ServerMessage, EXCERPT_CHARS};
use super::http::HttpResponse;
use crate::model::code::code_text;
use crate::model::decode::DecodeError;
use crate::model::text::{excerpt, plain_text};

/// A decoded answer, with the language the server said it answered in.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply<T> {
    pub value: T,
    /// The response's `Content-Language`, e.g. `de`; servers may ignore
    /// `Accept-Language`, and a card can say so.
    pub content_language: Option<String>,
}

impl<T> Reply<T> {
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Reply<U> {
        Reply {
            value: f(self.value),
            content_language: self.content_language,
        }
    }
}

/// Classifies a response: a successful JSON body, or the error a card shows.
///
/// - 401, or a GKLM sign-in code (`CTGKM6004E`, `CTGKM6002E`) with any
///   status → [`ApiError::SignInNeeded`];
/// - another non-2xx status → [`ApiError::Http`] with the server's code and
///   message when the body is a JSON error, or [`ApiError::NotJson`] when the
///   body is something else;
/// - a 2xx body that is not JSON → [`ApiError::NotJson`].
pub fn read_json(server: Server, resp: &HttpResponse) -> Result<Value, ApiError> {
    let parsed = parse_json(&resp.body);
    let said = parsed.as_ref().ok().map(server_message).unwrap_or_default();
    let sign_in_code = said.code.as_deref().is_some_and(is_sign_in_code);

    if resp.status == 401 || sign_in_code {
        return Err(ApiError::SignInNeeded {
            server,
            status: resp.status,
            said,
        });
    }
    let not_json = || ApiError::NotJson {
        server,
        status: resp.status,
        excerpt: excerpt(&resp.body, EXCERPT_CHARS),
    };
    if (200..300).contains(&resp.status) {
        return parsed.map_err(|_| not_json());
    }
    if parsed.is_err() && !resp.body.trim().is_empty() {
        return Err(not_json());
    }
    Err(ApiError::Http {
        server,
        status: resp.status,
        said,
    })
}

/// Reads a response and decodes its JSON with `decode`.
/// For a service that older servers do not have: their 404 is a value
/// (`None`), not an error, so that a card or the watcher can say once that
/// the server does not offer it.
pub fn if_served<T>(result: Result<Reply<T>, ApiError>) -> Result<Reply<Option<T>>, ApiError> {
    match result {
        Ok(reply) => Ok(reply.map(Some)),
        Err(ApiError::Http { status: 404, .. }) => Ok(Reply {
            value: None,
            content_language: None,
        }),
        Err(other) => Err(other),
    }
}

pub fn read_reply<T>(
    server: Server,
    resp: &HttpResponse,
    decode: impl FnOnce(&Value) -> Result<T, DecodeError>,
) -> Result<Reply<T>, ApiError> {
    let json = read_json(server, resp)?;
    let value = decode(&json).map_err(|e| ApiError::decode(server, e))?;
    Ok(Reply {
        value,
        content_language: resp.content_language.clone(),
    })
}

/// Parses JSON, forgiving raw control characters such as a line break inside
/// a string (as in IBM's own printed error examples): when strict parsing
/// fails, they are read as spaces.
fn parse_json(body: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str::<Value>(body).or_else(|strict| {
        if body.chars().any(|c| c.is_ascii_control()) {
            let relaxed: String = body
                .chars()
                .map(|c| if c.is_ascii_control() { ' ' } else { c })
                .collect();
            serde_json::from_str::<Value>(&relaxed).map_err(|_| strict)
        } else {
            Err(strict)
        }
    })
}

/// `{code, message}` (GKLM) or `{code, codeDesc, message}` (CCKM), when the
/// body is such an object; codes as text or numbers; all as plain text.
fn server_message(value: &Value) -> ServerMessage {
    let Value::Object(map) = value else {
        return ServerMessage::default();
    };
    let text = |name: &str| {
        map.get(name)
            .and_then(code_text)
            .map(|s| plain_text(&s))
            .filter(|s| !s.is_empty())
    };
    ServerMessage {
        code: text("code"),
        code_desc: text("codeDesc"),
        message: text("message").or_else(|| text("error")),
    }
}

//! Reading an [`HttpResponse`] into JSON or an [`ApiError`], the same way for
//! every endpoint.

use crate::json::Value;

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
///   status (200 included) → [`ApiError::SignInNeeded`]; for GKLM the code
///   is looked for in `code`, in `messageId` and as the first word of
///   `message` (see [`gklm_sign_in_code`]);
/// - another non-2xx status → [`ApiError::Http`] with the server's code and
///   message when the body is a JSON error, or [`ApiError::NotJson`] when the
///   body is something else;
/// - a 2xx body that is not JSON → [`ApiError::NotJson`].
pub fn read_json(server: Server, resp: &HttpResponse) -> Result<Value, ApiError> {
    read_parsed(server, resp, parse_json(&resp.body))
}

/// [`read_json`] for a body already parsed (or found not to be JSON).
pub fn read_parsed(
    server: Server,
    resp: &HttpResponse,
    parsed: Result<Value, crate::json::Error>,
) -> Result<Value, ApiError> {
    let mut said = parsed.as_ref().ok().map(server_message).unwrap_or_default();
    let mut sign_in_code = said.code.as_deref().is_some_and(is_sign_in_code);
    if server == Server::Gklm && !sign_in_code {
        if let Some(code) = parsed.as_ref().ok().and_then(gklm_sign_in_code) {
            // The code a card explains the error by.
            said.code = Some(code);
            sign_in_code = true;
        }
    }

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

/// The GKLM sign-in code (`CTGKM6004E`: the session is unknown or ended;
/// `CTGKM6002E`: no or malformed session header) an answer carries in
/// `code`, in `messageId` or as the first word of `message`, as real
/// servers and their clients do
/// (`{"message":"CTGKM6004E User is not authenticated …"}`).
pub fn gklm_sign_in_code(value: &Value) -> Option<String> {
    let Value::Object(map) = value else {
        return None;
    };
    let field = |name: &str| map.get(name).and_then(code_text);
    let first_word = field("message").and_then(|message| {
        message
            .split_whitespace()
            .next()
            .map(|word| word.trim_end_matches([':', '.', ',', ';']).to_owned())
    });
    [field("code"), field("messageId"), first_word]
        .into_iter()
        .flatten()
        .find(|code| is_sign_in_code(code))
        .map(|code| code.trim().to_ascii_uppercase())
}

/// True when a GKLM answer body, whatever its HTTP status, says the session
/// ended or was not accepted ([`gklm_sign_in_code`]). Bodies that cannot
/// hold such a code are not parsed.
pub fn gklm_session_ended(body: &[u8]) -> bool {
    const MARK: &[u8] = b"CTGKM600";
    let mentions = body
        .windows(MARK.len())
        .any(|w| w.eq_ignore_ascii_case(MARK));
    mentions
        && std::str::from_utf8(body)
            .ok()
            .and_then(|text| parse_json(text).ok())
            .and_then(|value| gklm_sign_in_code(&value))
            .is_some()
}

/// Reads a response and decodes its JSON with `decode`.
/// For a service that older servers do not have: their 404 is a value
/// (`None`), not an error, so that a card or the watcher can say once that
/// the server does not offer it.
pub fn if_served<T>(result: Result<Reply<T>, ApiError>) -> Result<Reply<Option<T>>, ApiError> {
    match result {
        Ok(reply) => Ok(reply.map(Some)),
        Err(error) if error.is_service_missing() => Ok(Reply {
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
fn parse_json(body: &str) -> Result<Value, crate::json::Error> {
    crate::json::from_str(body).or_else(|strict| {
        if body.chars().any(|c| c.is_ascii_control()) {
            let relaxed: String = body
                .chars()
                .map(|c| if c.is_ascii_control() { ' ' } else { c })
                .collect();
            crate::json::from_str(&relaxed).map_err(|_| strict)
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
    let message = text("message").or_else(|| text("error"));
    // Thales' `codeDesc` is `NCERRResourceNotFound: Resource not found`: a
    // code word, then a sentence that stands in for an absent `message`.
    let (code_desc, message) = match text("codeDesc") {
        Some(desc) => match desc.split_once(':') {
            Some((word, sentence))
                if !word.trim().is_empty() && !word.trim().contains(char::is_whitespace) =>
            {
                let sentence = sentence.trim();
                let message =
                    message.or_else(|| (!sentence.is_empty()).then(|| sentence.to_owned()));
                (Some(word.trim().to_owned()), message)
            }
            _ => (Some(desc), message),
        },
        None => (None, message),
    };
    ServerMessage {
        code: text("code"),
        code_desc,
        message,
    }
}

#[cfg(test)]
mod tests {
    use crate::json::json;

    use super::*;

    fn answer(status: u16, body: Value) -> HttpResponse {
        HttpResponse {
            status,
            content_type: Some("application/json".to_owned()),
            content_language: None,
            body: body.to_string(),
        }
    }

    fn sign_in_code_of(resp: &HttpResponse) -> Option<String> {
        match read_json(Server::Gklm, resp) {
            Err(err @ ApiError::SignInNeeded { .. }) => err.server_code().map(str::to_owned),
            _ => None,
        }
    }

    #[test]
    fn a_session_code_in_code_message_id_or_message_asks_for_sign_in_whatever_the_status() {
        let expired = "CTGKM6004E User is not authenticated or has already logged out.";
        for status in [200, 400, 401, 500] {
            for body in [
                json!({"code": "CTGKM6004E", "message": expired}),
                json!({"code": "1", "messageId": "CTGKM6004E", "status": expired}),
                json!({"messageId": "ctgkm6004e"}),
                json!({"message": expired}),
                json!({"message": "CTGKM6004E: expired"}),
            ] {
                let resp = answer(status, body.clone());
                assert_eq!(
                    sign_in_code_of(&resp).as_deref(),
                    Some("CTGKM6004E"),
                    "{status} {body}"
                );
            }
            let missing = answer(
                status,
                json!({"message": "CTGKM6002E Bad Request: Invalid user authentication ID."}),
            );
            assert_eq!(sign_in_code_of(&missing).as_deref(), Some("CTGKM6002E"));
        }
    }

    #[test]
    fn the_session_sentence_is_the_one_a_401_gets() {
        let from_401 = read_json(Server::Gklm, &answer(401, json!({"code": "CTGKM6004E"})));
        let from_message = read_json(
            Server::Gklm,
            &answer(
                400,
                json!({"message": "CTGKM6004E User is not authenticated."}),
            ),
        );
        let (Err(a), Err(b)) = (from_401, from_message) else {
            panic!("both must be errors");
        };
        assert!(a.is_sign_in_needed() && b.is_sign_in_needed());
        assert_eq!(
            a.describe(crate::lang::Language::En),
            b.describe(crate::lang::Language::En)
        );
    }

    #[test]
    fn other_codes_and_other_places_are_not_a_session_end() {
        for body in [
            json!({"code": "0", "status": "CTGKM6004E is mentioned later"}),
            json!({"message": "The code CTGKM6004E appears mid-sentence"}),
            json!({"code": "CTGKM6003E", "message": "CTGKM6003E wrong password"}),
            json!({"messageId": "CTGKM3465I", "code": "0"}),
            json!(["CTGKM6004E"]),
        ] {
            assert!(
                read_json(Server::Gklm, &answer(200, body.clone())).is_ok(),
                "{body}"
            );
            assert!(!gklm_session_ended(body.to_string().as_bytes()), "{body}");
        }
        // CipherTrust's answers are not read for GKLM's codes.
        let cckm = read_json(
            Server::Cckm,
            &answer(200, json!({"message": "CTGKM6004E x"})),
        );
        assert!(cckm.is_ok());
    }

    #[test]
    fn the_gateway_check_reads_bodies_the_same_way() {
        assert!(gklm_session_ended(
            br#"{"messageId":"CTGKM6004E","status":"x"}"#
        ));
        assert!(gklm_session_ended(
            br#"{"message":"CTGKM6002E Bad Request"}"#
        ));
        assert!(!gklm_session_ended(b"<html>CTGKM6004E</html>"));
        assert!(!gklm_session_ended(b""));
    }
}

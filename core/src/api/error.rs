//! The one error type a card shows, with a sentence a person can act on.

use crate::lang::Language;
use crate::model::decode::{DecodeError, DecodeProblem};
use crate::text::{HttpAdvice, Message};

/// Which server an answer came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Server {
    Gklm,
    Cckm,
}

impl Server {
    /// The name an operator knows the product by.
    pub fn name(self) -> &'static str {
        match self {
            Server::Gklm => "GKLM",
            Server::Cckm => "CipherTrust Manager",
        }
    }
}

/// What a server said about an error, from its JSON error body
/// (GKLM `{code, message}`, CCKM `{code, codeDesc, message}`), as plain text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerMessage {
    pub code: Option<String>,
    /// CCKM's symbolic code, e.g. `NCERRResourceNotFound`.
    pub code_desc: Option<String>,
    pub message: Option<String>,
}

impl ServerMessage {
    fn is_empty(&self) -> bool {
        self.code.is_none() && self.code_desc.is_none() && self.message.is_none()
    }
}

/// Everything that can go wrong between the panel and a server.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// The request never got an answer: no network, refused connection, DNS,
    /// CORS refusal, or no browser to fetch with.
    Network { detail: String },
    /// No complete answer within the configured time; the request was aborted.
    Timeout { after_ms: u32 },
    /// The answer was larger than the panel reads.
    TooLarge { limit_bytes: usize },
    /// The server wants a (new) sign-in: HTTP 401, `CTGKM6004E` (unknown or
    /// expired session), `CTGKM6002E` (no or malformed session header).
    SignInNeeded {
        server: Server,
        status: u16,
        said: ServerMessage,
    },
    /// Any other HTTP error status, with what the server said if it said it in JSON.
    Http {
        server: Server,
        status: u16,
        said: ServerMessage,
    },
    /// The body is not JSON: usually a proxy's or login page, or a wrong base URL.
    NotJson {
        server: Server,
        status: u16,
        /// A short plain-text excerpt of the body (at most [`EXCERPT_CHARS`] characters).
        excerpt: String,
    },
    /// The body is JSON, but a field does not fit.
    Decode {
        server: Server,
        field: String,
        problem: DecodeProblem,
    },
    /// The panel was asked for something it cannot put in a request
    /// (an empty or `.`/`..` identifier).
    BadInput { what: InputName, value: String },
    /// The host's token provider gave no credential.
    TokenProvider { server: Server, detail: String },
}

/// Inputs that can be refused before a request is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputName {
    EventUuid,
    SyncJobId,
}

/// Longest excerpt of a non-JSON body kept in [`ApiError::NotJson`].
pub const EXCERPT_CHARS: usize = 120;

const SIGN_IN_CODES: [&str; 2] = ["CTGKM6004E", "CTGKM6002E"];

/// True for the GKLM codes that mean "sign in (again)".
pub fn is_sign_in_code(code: &str) -> bool {
    SIGN_IN_CODES
        .iter()
        .any(|known| known.eq_ignore_ascii_case(code.trim()))
}

impl ApiError {
    pub fn decode(server: Server, error: DecodeError) -> Self {
        ApiError::Decode {
            server,
            field: error.field,
            problem: error.problem,
        }
    }

    /// True when the server does not have this service (HTTP 404, JSON or
    /// not: Liberty answers an unknown path with its own HTML page): GKLM
    /// 4.2 has no `/ckms/backups` list, `/backupInfo` or
    /// `/ckms/notification`.
    pub fn is_service_missing(&self) -> bool {
        matches!(
            self,
            ApiError::Http { status: 404, .. } | ApiError::NotJson { status: 404, .. }
        )
    }

    /// True when only a new sign-in can fix this.
    pub fn is_sign_in_needed(&self) -> bool {
        matches!(self, ApiError::SignInNeeded { .. })
    }

    /// The server's own error code (`CTGKM6004E`, or CCKM's `codeDesc`
    /// falling back to its numeric `code`).
    pub fn server_code(&self) -> Option<&str> {
        match self {
            ApiError::SignInNeeded { server, said, .. } | ApiError::Http { server, said, .. } => {
                match server {
                    Server::Gklm => said.code.as_deref().or(said.code_desc.as_deref()),
                    Server::Cckm => said.code_desc.as_deref().or(said.code.as_deref()),
                }
            }
            _ => None,
        }
    }

    /// True when trying again later may help on its own.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Network { .. } | ApiError::Timeout { .. } => true,
            ApiError::Http { status, .. } | ApiError::NotJson { status, .. } => {
                matches!(status, 408 | 429 | 502 | 503 | 504)
            }
            _ => false,
        }
    }

    /// One sentence saying what happened and what to do about it.
    pub fn describe(&self, lang: Language) -> String {
        self.describe_as(lang, false)
    }

    /// [`ApiError::describe`], for the answer to the panel's first request,
    /// sent without a credential: a server that asks for a sign-in then is
    /// routine, not one that refused a sign-in.
    pub fn describe_first_ask(&self, lang: Language) -> String {
        self.describe_as(lang, true)
    }

    fn describe_as(&self, lang: Language, first: bool) -> String {
        let message = match self {
            ApiError::Network { detail } => Message::Unreachable { detail },
            ApiError::Timeout { after_ms } => Message::NoAnswerWithin {
                after_ms: *after_ms,
            },
            ApiError::TooLarge { limit_bytes } => Message::TooLarge {
                mib: limit_bytes / (1024 * 1024),
            },
            ApiError::SignInNeeded {
                server,
                status,
                said,
            } => {
                let code = said.code.as_deref().map(str::trim).unwrap_or_default();
                let server = *server;
                if code.eq_ignore_ascii_case("CTGKM6004E") {
                    Message::SessionRejected { server }
                } else if code.eq_ignore_ascii_case("CTGKM6002E") {
                    Message::SessionNeeded { server }
                } else if code.eq_ignore_ascii_case("CTGKM6003E") {
                    Message::CredentialsRefused { server }
                } else {
                    let said = said_suffix(server, said);
                    return Message::SignInNotAccepted {
                        server,
                        status: *status,
                        said: &said,
                        first,
                    }
                    .get(lang);
                }
            }
            ApiError::Http {
                server: Server::Cckm,
                status,
                said:
                    ServerMessage {
                        code,
                        code_desc,
                        message: Some(sentence),
                    },
            } => {
                // Thales' shape: the sentence first, the code word after it.
                let code = code_desc
                    .as_deref()
                    .or(code.as_deref())
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default();
                return Message::ServerSaid {
                    server: Server::Cckm,
                    sentence,
                    code: &code,
                    status: *status,
                    advice: HttpAdvice::for_status(*status),
                }
                .get(lang);
            }
            ApiError::Http {
                server,
                status,
                said,
            } => {
                let said = said_suffix(*server, said);
                return Message::HttpError {
                    server: *server,
                    status: *status,
                    said: &said,
                    advice: HttpAdvice::for_status(*status),
                }
                .get(lang);
            }
            ApiError::NotJson {
                server,
                status,
                excerpt,
            } => Message::NotJson {
                server: *server,
                status: *status,
                excerpt: if excerpt.is_empty() { "—" } else { excerpt },
            },
            ApiError::Decode {
                server,
                field,
                problem,
            } => Message::Unreadable {
                server: *server,
                field: if field.is_empty() { "(body)" } else { field },
                problem: *problem,
            },
            ApiError::BadInput { what, value } => Message::BadInput { what: *what, value },
            ApiError::TokenProvider { server, detail } => Message::TokenProviderFailed {
                server: *server,
                detail,
            },
        };
        message.get(lang)
    }
}

/// ` (CODE: message)`, ` (CODE)`, ` (message)` or nothing.
fn said_suffix(server: Server, said: &ServerMessage) -> String {
    let code = match server {
        Server::Gklm => said.code.as_deref().or(said.code_desc.as_deref()),
        Server::Cckm => said.code_desc.as_deref().or(said.code.as_deref()),
    };
    // GKLM repeats its code at the start of the message.
    let message = said.message.as_deref().map(|m| match code {
        Some(c) => m.strip_prefix(c).map(str::trim_start).unwrap_or(m),
        None => m,
    });
    match (code, message) {
        _ if said.is_empty() => String::new(),
        (Some(c), Some(m)) if !m.is_empty() => format!(" ({c}: {m})"),
        (Some(c), _) => format!(" ({c})"),
        (None, Some(m)) if !m.is_empty() => format!(" ({m})"),
        (None, _) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::decode::Expected;

    fn every_variant() -> Vec<ApiError> {
        let said = ServerMessage {
            code: Some("CTGKM0630E".to_owned()),
            code_desc: None,
            message: Some("CTGKM0630E Validation error".to_owned()),
        };
        vec![
            ApiError::Network {
                detail: "TypeError: Failed to fetch".to_owned(),
            },
            ApiError::Timeout { after_ms: 2_500 },
            ApiError::TooLarge {
                limit_bytes: 8 * 1024 * 1024,
            },
            ApiError::SignInNeeded {
                server: Server::Cckm,
                status: 401,
                said: ServerMessage::default(),
            },
            ApiError::Http {
                server: Server::Gklm,
                status: 400,
                said,
            },
            ApiError::NotJson {
                server: Server::Gklm,
                status: 200,
                excerpt: String::new(),
            },
            ApiError::Decode {
                server: Server::Cckm,
                field: "resources[0].kms".to_owned(),
                problem: DecodeProblem::NotA(Expected::List),
            },
            ApiError::BadInput {
                what: InputName::SyncJobId,
                value: "..".to_owned(),
            },
            ApiError::TokenProvider {
                server: Server::Cckm,
                detail: "no session".to_owned(),
            },
        ]
    }

    #[test]
    fn every_error_is_one_sentence_in_each_language() {
        for err in every_variant() {
            let en = err.describe(Language::En);
            let de = err.describe(Language::De);
            for sentence in [&en, &de] {
                assert!(sentence.ends_with('.'), "{sentence}");
                assert!(sentence.contains(": "), "no action in {sentence}");
                assert!(!sentence.contains('\n'), "{sentence}");
            }
            assert_ne!(en, de, "{err:?} is not translated");
        }
    }

    #[test]
    fn network_and_timeout_sentences() {
        let network = ApiError::Network {
            detail: "TypeError: Failed to fetch".to_owned(),
        };
        assert_eq!(
            network.describe(Language::En),
            "The server could not be reached (TypeError: Failed to fetch): check the network and the configured address."
        );
        assert_eq!(
            ApiError::Timeout { after_ms: 2_500 }.describe(Language::De),
            "Keine Antwort innerhalb von 2,5 s: der Server ist vielleicht überlastet; später erneut versuchen."
        );
        assert_eq!(
            ApiError::Timeout { after_ms: 10_000 }.describe(Language::En),
            "No answer within 10 s: the server may be busy; try again later."
        );
        assert!(ApiError::TooLarge {
            limit_bytes: 8 << 20
        }
        .describe(Language::En)
        .contains("8 MiB"));
    }

    #[test]
    fn only_sign_in_errors_ask_for_sign_in() {
        let asking: Vec<bool> = every_variant()
            .iter()
            .map(ApiError::is_sign_in_needed)
            .collect();
        assert_eq!(
            asking,
            [false, false, false, true, false, false, false, false, false]
        );
        assert!(is_sign_in_code("ctgkm6004e"));
        assert!(is_sign_in_code(" CTGKM6002E "));
        assert!(!is_sign_in_code("CTGKM6003E"));
    }

    #[test]
    fn the_code_prefix_is_not_repeated_in_the_message() {
        let err = ApiError::Http {
            server: Server::Gklm,
            status: 500,
            said: ServerMessage {
                code: Some("CTGKM0001E".to_owned()),
                code_desc: None,
                message: Some("CTGKM0001E Internal error".to_owned()),
            },
        };
        assert_eq!(
            err.describe(Language::En),
            "GKLM answered HTTP 500 (CTGKM0001E: Internal error): the server has a problem; try again later or check its log."
        );
        let bare = ApiError::Http {
            server: Server::Cckm,
            status: 500,
            said: ServerMessage {
                code: None,
                code_desc: None,
                message: Some("boom".to_owned()),
            },
        };
        assert_eq!(
            bare.describe(Language::En),
            "CipherTrust Manager: boom (HTTP 500): the server has a problem; try again later or check its log."
        );
        assert_eq!(bare.server_code(), None);
    }
}

//! The one error type a card shows, with a sentence a person can act on.

use crate::lang::Language;
use crate::model::decode::{DecodeError, DecodeProblem, Expected};

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
        let de = lang == Language::De;
        match self {
            ApiError::Network { detail } => {
                if de {
                    format!("Der Server ist nicht erreichbar ({detail}): Netzwerk und die eingestellte Adresse prüfen.")
                } else {
                    format!("The server could not be reached ({detail}): check the network and the configured address.")
                }
            }
            ApiError::Timeout { after_ms } => {
                let secs = seconds(*after_ms, lang);
                if de {
                    format!("Keine Antwort innerhalb von {secs} s: der Server ist vielleicht überlastet; später erneut versuchen.")
                } else {
                    format!("No answer within {secs} s: the server may be busy; try again later.")
                }
            }
            ApiError::TooLarge { limit_bytes } => {
                let mib = limit_bytes / (1024 * 1024);
                if de {
                    format!("Die Antwort war größer als {mib} MiB und wurde nicht gelesen: die eingestellte Adresse prüfen.")
                } else {
                    format!("The answer was larger than {mib} MiB and was not read: check the configured address.")
                }
            }
            ApiError::SignInNeeded {
                server,
                status,
                said,
            } => describe_sign_in(*server, *status, said, de),
            ApiError::Http {
                server,
                status,
                said,
            } => describe_http(*server, *status, said, de),
            ApiError::NotJson {
                server,
                status,
                excerpt,
            } => {
                let name = server.name();
                let shown = if excerpt.is_empty() { "—" } else { excerpt };
                if de {
                    format!("{name} hat mit HTTP {status} und Text statt JSON geantwortet („{shown}“): prüfen, ob die Adresse auf die REST-API zeigt und kein Proxy dazwischen antwortet.")
                } else {
                    format!("{name} answered HTTP {status} with text instead of JSON (“{shown}”): check that the address points at the REST API and no proxy answers in between.")
                }
            }
            ApiError::Decode {
                server,
                field,
                problem,
            } => {
                let name = server.name();
                let field = if field.is_empty() { "(body)" } else { field };
                let what = problem_text(*problem, de);
                if de {
                    format!("{name} hat eine Antwort geschickt, die das Panel nicht lesen kann (Feld „{field}“ {what}): diese Serverversion wird vielleicht nicht unterstützt.")
                } else {
                    format!("{name} sent an answer the panel cannot read (field “{field}” {what}): this server version may not be supported.")
                }
            }
            ApiError::BadInput { what, value } => {
                let (en, de_name) = match what {
                    InputName::EventUuid => ("event UUID", "Ereignis-UUID"),
                    InputName::SyncJobId => {
                        ("synchronization job ID", "Synchronisierungsauftrags-ID")
                    }
                };
                if de {
                    format!("Die {de_name} „{value}“ ist leer oder ungültig: eine gültige angeben.")
                } else {
                    format!("The {en} “{value}” is empty or not valid: enter a valid one.")
                }
            }
        }
    }
}

fn seconds(ms: u32, lang: Language) -> String {
    let text = if ms % 1000 == 0 {
        (ms / 1000).to_string()
    } else {
        format!("{:.1}", f64::from(ms) / 1000.0)
    };
    if lang == Language::De {
        text.replace('.', ",")
    } else {
        text
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

fn describe_sign_in(server: Server, status: u16, said: &ServerMessage, de: bool) -> String {
    let code = said.code.as_deref().map(str::trim).unwrap_or_default();
    let name = server.name();
    if code.eq_ignore_ascii_case("CTGKM6004E") {
        return if de {
            format!("{name} hat die Sitzung abgelehnt (CTGKM6004E): erneut anmelden.")
        } else {
            format!("{name} rejected the session (CTGKM6004E): sign in again.")
        };
    }
    if code.eq_ignore_ascii_case("CTGKM6002E") {
        return if de {
            format!("{name} verlangt eine Sitzung (CTGKM6002E): anmelden.")
        } else {
            format!("{name} needs a session (CTGKM6002E): sign in.")
        };
    }
    if code.eq_ignore_ascii_case("CTGKM6003E") {
        return if de {
            format!("{name} hat Benutzer-ID oder Kennwort abgelehnt (CTGKM6003E): beides prüfen und erneut anmelden.")
        } else {
            format!("{name} refused the user ID or password (CTGKM6003E): check both and sign in again.")
        };
    }
    let suffix = said_suffix(server, said);
    if de {
        format!("{name} hat die Anmeldung abgelehnt (HTTP {status}){suffix}: erneut anmelden.")
    } else {
        format!("{name} did not accept the sign-in (HTTP {status}){suffix}: sign in again.")
    }
}

fn describe_http(server: Server, status: u16, said: &ServerMessage, de: bool) -> String {
    let name = server.name();
    let suffix = said_suffix(server, said);
    let (en_action, de_action) = match status {
        403 => (
            "the account lacks permission for this; ask an administrator",
            "dem Konto fehlt die Berechtigung; an die Administration wenden",
        ),
        404 => (
            "check the configured address",
            "die eingestellte Adresse prüfen",
        ),
        408 | 429 | 502 | 503 | 504 => (
            "the server is busy or restarting; try again later",
            "der Server ist ausgelastet oder startet neu; später erneut versuchen",
        ),
        500..=599 => (
            "the server has a problem; try again later or check its log",
            "der Server hat ein Problem; später erneut versuchen oder sein Protokoll prüfen",
        ),
        _ => (
            "the request was refused; check the configuration",
            "die Anfrage wurde abgelehnt; die Einstellungen prüfen",
        ),
    };
    if de {
        format!("{name} hat mit HTTP {status} geantwortet{suffix}: {de_action}.")
    } else {
        format!("{name} answered HTTP {status}{suffix}: {en_action}.")
    }
}

fn problem_text(problem: DecodeProblem, de: bool) -> String {
    let expected = match problem {
        DecodeProblem::Missing => {
            return if de { "fehlt" } else { "is missing" }.to_owned();
        }
        DecodeProblem::NotA(expected) => expected,
    };
    let (en, de_text) = match expected {
        Expected::Text => ("is not text", "ist kein Text"),
        Expected::Code => ("is not a code", "ist kein Code"),
        Expected::WholeNumber => ("is not a whole number", "ist keine ganze Zahl"),
        Expected::Flag => ("is neither true nor false", "ist weder wahr noch falsch"),
        Expected::List | Expected::ListOrObject => ("is not a list", "ist keine Liste"),
        Expected::Object => ("is not an object", "ist kein Objekt"),
        Expected::Timestamp => ("is not a date and time", "ist kein Zeitpunkt"),
    };
    if de { de_text } else { en }.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

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
            [false, false, false, true, false, false, false, false]
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
        assert!(bare.describe(Language::En).contains("(boom)"));
        assert_eq!(bare.server_code(), None);
    }
}

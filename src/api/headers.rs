//! The headers every request carries.

use crate::lang::Language;

/// `Accept`, `Content-Type` and `Accept-Language` always, `Authorization`
/// only when there is a non-blank credential to send.
pub(crate) fn standard(language: Language, authorization: Option<String>) -> Vec<(String, String)> {
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

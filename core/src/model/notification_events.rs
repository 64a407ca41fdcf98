//! `GET /ckms/notification` (GKLM 5.x): the notification events.
//!
//! IBM's 5.x pages name one event type, `CERTIFICATE_EXPIRY_IN_30DAYS`, and
//! list others in words (failed logins, account lockout, HADR takeover,
//! database unreachable, cluster read-only); the item's shape is
//! *unconfirmed*. Each field is read under any of several names: the id
//! under `eventUUID`, `uuid` or `id`; the type under `eventType`, `type` or
//! `notificationType`; the time under `timestamp`, `createdAt` or
//! `eventTime` (in any form [`read_date`] knows); the text under `message`,
//! `description` or `eventMessage`; and delivery as in
//! `GET /ckms/notification/status` (`channelType`, `delivered`,
//! `numberOfTries`) where present. Other text fields are kept.

use crate::json::Value;

use super::backup_info::read_date;
use super::decode::{index_path, one_list, other_text_fields, scalar_text, DecodeError, Fields};
use super::notification::DeliveryReading;
use super::text::{lower_latin1, plain_text, upper_latin1};
use super::timestamp::Timestamp;
use crate::lang::Language;

const ID: [&str; 3] = ["eventUUID", "uuid", "id"];
const TYPE: [&str; 3] = ["eventType", "type", "notificationType"];
const TIME: [&str; 3] = ["timestamp", "createdAt", "eventTime"];
const MESSAGE: [&str; 3] = ["message", "description", "eventMessage"];
const DELIVERY: [&str; 3] = ["channelType", "delivered", "numberOfTries"];

/// One notification event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotificationEvent {
    pub id: Option<String>,
    /// The type code as sent, e.g. `CERTIFICATE_EXPIRY_IN_30DAYS`; see
    /// [`event_type_words`].
    pub event_type: Option<String>,
    /// The time as sent.
    pub time_raw: Option<String>,
    pub time: Option<Timestamp>,
    /// The server's text, as plain text.
    pub message: Option<String>,
    pub channel: Option<String>,
    /// `delivered` as sent, and its reading.
    pub delivered_raw: Option<String>,
    pub delivered: Option<DeliveryReading>,
    pub tries: Option<u32>,
    /// Every other field that reads as text, in no promised order.
    pub other: Vec<(String, String)>,
}

impl NotificationEvent {
    pub fn from_json(value: &Value, path: &str) -> Result<Self, DecodeError> {
        let fields = Fields::of(value, path)?;
        let first = |names: &[&str]| {
            names.iter().find_map(|name| {
                fields
                    .get(name)
                    .and_then(scalar_text)
                    .filter(|text| !text.is_empty())
            })
        };
        let time_raw = first(&TIME);
        let delivered_raw = first(&["delivered"]);
        let known: Vec<&str> = [ID, TYPE, TIME, MESSAGE, DELIVERY].concat();
        Ok(NotificationEvent {
            id: first(&ID),
            event_type: first(&TYPE),
            time: time_raw.as_deref().and_then(read_date),
            time_raw,
            message: first(&MESSAGE).map(|m| plain_text(&m)),
            channel: first(&["channelType"]),
            delivered: delivered_raw.as_deref().map(DeliveryReading::from_raw),
            delivered_raw,
            tries: first(&["numberOfTries"]).and_then(|t| t.parse().ok()),
            other: other_text_fields(fields.map(), &known),
        })
    }

    /// A bare array, or an object holding one array under any name.
    pub fn list_from_json(value: &Value) -> Result<Vec<Self>, DecodeError> {
        one_list(value)?
            .iter()
            .enumerate()
            .map(|(i, item)| NotificationEvent::from_json(item, &index_path("", i)))
            .collect()
    }

    /// The type in words, or `None` when the event has no type.
    pub fn type_words(&self, lang: Language) -> Option<String> {
        self.event_type
            .as_deref()
            .map(|code| event_type_words(code, lang))
    }
}

/// Event types whose words are known: the documented code first, then the
/// codes for the events IBM names only in words (*unconfirmed* spellings).
const KNOWN_TYPES: [(&str, &str, &str); 7] = [
    (
        "CERTIFICATE_EXPIRY_IN_30DAYS",
        "Certificate expires within 30 days",
        "Zertifikat läuft innerhalb von 30 Tagen ab",
    ),
    (
        "FAILED_LOGIN",
        "Failed login attempts",
        "Fehlgeschlagene Anmeldeversuche",
    ),
    ("ACCOUNT_LOCKOUT", "Account locked", "Konto gesperrt"),
    (
        "HADR_TAKEOVER",
        "HADR takeover: the standby database took over",
        "HADR-Übernahme: die Standby-Datenbank hat übernommen",
    ),
    (
        "DATABASE_UNREACHABLE",
        "Database cannot be reached",
        "Datenbank nicht erreichbar",
    ),
    (
        "CLUSTER_READ_ONLY",
        "Cluster is read-only",
        "Cluster ist schreibgeschützt",
    ),
    (
        "CERTIFICATE_EXPIRED",
        "Certificate has expired",
        "Zertifikat ist abgelaufen",
    ),
];

/// An event type code in words. Known codes (any case, surrounding spaces
/// ignored) have words in each language; any other code reads as itself
/// with underscores as spaces and only the first letter capital
/// (`DISK_ALMOST_FULL` → "Disk almost full") in every language; case is
/// changed for ASCII and Latin-1 letters (see [`lower_latin1`]).
pub fn event_type_words(code: &str, lang: Language) -> String {
    let code = code.trim();
    if let Some((_, en, de)) = KNOWN_TYPES
        .iter()
        .find(|(known, _, _)| known.eq_ignore_ascii_case(code))
    {
        return match lang {
            Language::En => (*en).to_owned(),
            Language::De => (*de).to_owned(),
        };
    }
    let spaced: String = code
        .chars()
        .map(|c| if c == '_' { ' ' } else { lower_latin1(c) })
        .collect();
    let mut chars = spaced.trim().chars();
    match chars.next() {
        Some(first) => std::iter::once(upper_latin1(first)).chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::json::json;

    use super::*;

    #[test]
    fn reads_each_field_under_any_of_its_names() {
        let list = NotificationEvent::list_from_json(&json!([
            {"eventUUID": "NOT_EVENT-1", "eventType": "CERTIFICATE_EXPIRY_IN_30DAYS",
             "timestamp": "2026-12-02T02:00:00Z", "message": "Cert  kw1\nexpires",
             "channelType": "email", "delivered": "0", "numberOfTries": "3",
             "tenantId": 7, "severity": "WARNING"},
            {"uuid": "u2", "type": "ACCOUNT_LOCKOUT", "createdAt": 1_796_176_800_000_i64,
             "description": "x"},
            {"id": 3, "notificationType": "HADR_TAKEOVER", "eventTime": "Wed Dec 02 02:00:00 UTC 2026",
             "delivered": true}
        ]))
        .unwrap();
        assert_eq!(list.len(), 3);
        let first = &list[0];
        assert_eq!(first.id.as_deref(), Some("NOT_EVENT-1"));
        assert_eq!(first.message.as_deref(), Some("Cert kw1 expires"));
        assert_eq!(first.channel.as_deref(), Some("email"));
        assert_eq!(first.delivered, Some(DeliveryReading::NotDelivered));
        assert_eq!(first.tries, Some(3));
        let mut other = first.other.clone();
        other.sort();
        assert_eq!(
            other,
            vec![
                ("severity".to_owned(), "WARNING".to_owned()),
                ("tenantId".to_owned(), "7".to_owned())
            ]
        );
        let at = Timestamp::parse("2026-12-02T02:00:00Z");
        assert!(at.is_some());
        assert!(list.iter().all(|e| e.time == at), "{list:?}");
        assert_eq!(list[1].id.as_deref(), Some("u2"));
        assert_eq!(list[1].event_type.as_deref(), Some("ACCOUNT_LOCKOUT"));
        assert_eq!(list[1].message.as_deref(), Some("x"));
        assert_eq!(list[1].delivered, None);
        assert_eq!(list[2].id.as_deref(), Some("3"));
        assert_eq!(list[2].delivered, Some(DeliveryReading::Delivered));
    }

    #[test]
    fn an_empty_object_and_a_wrapped_list_read() {
        let list = NotificationEvent::list_from_json(&json!({"events": [{}]})).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].id, None);
        assert_eq!(list[0].type_words(Language::En), None);
        for bad in [json!("x"), json!({"a": [], "b": []}), json!([[]])] {
            assert!(NotificationEvent::list_from_json(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_documented_type_in_words() {
        assert_eq!(
            event_type_words("CERTIFICATE_EXPIRY_IN_30DAYS", Language::En),
            "Certificate expires within 30 days"
        );
        assert_eq!(
            event_type_words(" certificate_expiry_in_30days ", Language::De),
            "Zertifikat läuft innerhalb von 30 Tagen ab"
        );
        for (code, _, _) in KNOWN_TYPES {
            assert_ne!(
                event_type_words(code, Language::En),
                event_type_words(code, Language::De),
                "{code}"
            );
        }
    }

    #[test]
    fn unknown_types_read_as_their_code_in_words() {
        for lang in [Language::En, Language::De] {
            assert_eq!(
                event_type_words("DISK_ALMOST_FULL", lang),
                "Disk almost full"
            );
            assert_eq!(event_type_words("über_LAST", lang), "Über last");
            assert_eq!(event_type_words("", lang), "");
            assert_eq!(event_type_words("_", lang), "");
        }
    }
}

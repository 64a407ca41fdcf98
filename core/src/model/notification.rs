//! Delivery of one GKLM notification event, per channel
//! (`GET /ckms/notification/status/{eventUUID}`).

use crate::json::Value;

use super::code::code_number;
use super::decode::{index_path, DecodeError, Expected, Fields};

/// What the `delivered` value says. Its meaning is not documented: `0` reads
/// as not delivered and `1` as delivered; anything else is kept as sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeliveryReading {
    NotDelivered,
    Delivered,
    Other(String),
}

impl DeliveryReading {
    pub fn from_raw(raw: &str) -> Self {
        let trimmed = raw.trim();
        match code_number(trimmed) {
            Some(0) => DeliveryReading::NotDelivered,
            Some(1) => DeliveryReading::Delivered,
            _ if trimmed.eq_ignore_ascii_case("false") => DeliveryReading::NotDelivered,
            _ if trimmed.eq_ignore_ascii_case("true") => DeliveryReading::Delivered,
            _ => DeliveryReading::Other(raw.to_owned()),
        }
    }
}

/// One row: an event's delivery over one channel to one tenant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotificationDelivery {
    pub event_uuid: String,
    pub tenant_id: String,
    /// `email`, or whatever else the server names; open text.
    pub channel: String,
    pub delivered: DeliveryReading,
    /// `delivered` as sent, to show beside its reading.
    pub delivered_raw: String,
    /// `numberOfTries` as a number, when it is one.
    pub tries: Option<u32>,
    /// `numberOfTries` as sent.
    pub tries_raw: String,
}

impl NotificationDelivery {
    /// Reads one row found at `path`; absent fields read as empty text.
    pub fn from_json(value: &Value, path: &str) -> Result<Self, DecodeError> {
        let fields = Fields::of(value, path)?;
        let delivered_raw = match fields.get("delivered") {
            Some(Value::Bool(b)) => b.to_string(),
            _ => fields.opt_code("delivered")?.unwrap_or_default(),
        };
        let tries_raw = fields.opt_code("numberOfTries")?.unwrap_or_default();
        Ok(NotificationDelivery {
            event_uuid: fields.opt_text("eventUUID")?.unwrap_or_default(),
            tenant_id: fields.opt_code("tenantId")?.unwrap_or_default(),
            channel: fields.opt_text("channelType")?.unwrap_or_default(),
            delivered: DeliveryReading::from_raw(&delivered_raw),
            delivered_raw,
            tries: tries_raw.parse::<u32>().ok(),
            tries_raw,
        })
    }

    /// Reads the response body: an array of rows (a single row object is
    /// accepted as one row).
    pub fn list_from_json(value: &Value) -> Result<Vec<Self>, DecodeError> {
        match value {
            Value::Array(rows) => rows
                .iter()
                .enumerate()
                .map(|(index, row)| NotificationDelivery::from_json(row, &index_path("", index)))
                .collect(),
            Value::Object(_) => NotificationDelivery::from_json(value, "").map(|row| vec![row]),
            _ => Err(DecodeError::not_a("", Expected::ListOrObject)),
        }
    }
}

/// What GKLM said about an event: its rows (possibly none), or that it
/// knows no such event (HTTP 404), with the server's own code and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventLookup {
    Found(Vec<NotificationDelivery>),
    NotFound {
        code: Option<String>,
        message: Option<String>,
    },
}

impl EventLookup {
    /// True while some channel has not (yet) delivered: worth asking again.
    pub fn awaits_delivery(&self) -> bool {
        match self {
            EventLookup::Found(rows) => rows
                .iter()
                .any(|row| row.delivered != DeliveryReading::Delivered),
            EventLookup::NotFound { .. } => false,
        }
    }
}

/// Longest event UUID the panel sends.
pub const MAX_EVENT_UUID_CHARS: usize = 200;

/// Why an event UUID was refused before anything was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventUuidProblem {
    Empty,
    Whitespace,
    Slash,
    DotDot,
    TooLong,
}

/// The UUID as it will be sent: trimmed, and refused when it is empty, has
/// whitespace inside, a `/`, `..`, or more than [`MAX_EVENT_UUID_CHARS`]
/// characters. GKLM's ids (`NOT_EVENT-fed6658-f11fba8a-…`) are not plain
/// RFC 4122 UUIDs, so nothing else about their form is assumed.
pub fn check_event_uuid(input: &str) -> Result<String, EventUuidProblem> {
    let id = input.trim();
    if id.is_empty() {
        Err(EventUuidProblem::Empty)
    } else if id.chars().count() > MAX_EVENT_UUID_CHARS {
        Err(EventUuidProblem::TooLong)
    } else if id.chars().any(char::is_whitespace) {
        Err(EventUuidProblem::Whitespace)
    } else if id.contains('/') {
        Err(EventUuidProblem::Slash)
    } else if id.contains("..") {
        Err(EventUuidProblem::DotDot)
    } else {
        Ok(id.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::json;
    use crate::model::decode::DecodeProblem;

    #[test]
    fn delivered_readings() {
        assert_eq!(
            DeliveryReading::from_raw("0"),
            DeliveryReading::NotDelivered
        );
        assert_eq!(DeliveryReading::from_raw("1"), DeliveryReading::Delivered);
        assert_eq!(
            DeliveryReading::from_raw("true"),
            DeliveryReading::Delivered
        );
        assert_eq!(
            DeliveryReading::from_raw("2"),
            DeliveryReading::Other("2".to_owned())
        );
        assert_eq!(
            DeliveryReading::from_raw(""),
            DeliveryReading::Other(String::new())
        );
    }

    #[test]
    fn numbers_and_strings_read_alike() {
        let rows = NotificationDelivery::list_from_json(&json!([
            {"eventUUID": "E", "tenantId": 0, "channelType": "syslog", "delivered": 1, "numberOfTries": 3},
            {"eventUUID": "E", "tenantId": "0", "channelType": "email", "delivered": "1", "numberOfTries": "3"}
        ]));
        let rows = rows.unwrap_or_default();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows.first().map(|r| (&r.delivered, r.tries)),
            Some((&DeliveryReading::Delivered, Some(3)))
        );
        assert_eq!(
            rows.get(1).map(|r| (&r.delivered, r.tries)),
            Some((&DeliveryReading::Delivered, Some(3)))
        );
    }

    #[test]
    fn odd_tries_are_kept_raw() {
        let rows = NotificationDelivery::list_from_json(
            &json!([{"numberOfTries": "many", "delivered": "pending"}]),
        )
        .unwrap_or_default();
        let row = rows.first();
        assert_eq!(row.map(|r| r.tries), Some(None));
        assert_eq!(row.map(|r| r.tries_raw.as_str()), Some("many"));
        assert_eq!(
            row.map(|r| r.delivered.clone()),
            Some(DeliveryReading::Other("pending".to_owned()))
        );
        assert_eq!(row.map(|r| r.channel.as_str()), Some(""));
    }

    #[test]
    fn a_single_object_is_one_row_and_an_empty_list_is_no_rows() {
        assert_eq!(
            NotificationDelivery::list_from_json(&json!({"channelType": "email"})).map(|r| r.len()),
            Ok(1)
        );
        assert_eq!(
            NotificationDelivery::list_from_json(&json!([])),
            Ok(Vec::new())
        );
    }

    #[test]
    fn a_bad_row_is_named_by_position() {
        let err = NotificationDelivery::list_from_json(&json!([{}, {"numberOfTries": [1]}]));
        assert_eq!(
            err,
            Err(DecodeError::not_a("[1].numberOfTries", Expected::Code))
        );
        assert_eq!(
            NotificationDelivery::list_from_json(&json!("x")).map_err(|e| e.problem),
            Err(DecodeProblem::NotA(Expected::ListOrObject))
        );
        assert_eq!(
            NotificationDelivery::list_from_json(&json!([5])),
            Err(DecodeError::not_a("[0]", Expected::Object))
        );
    }

    #[test]
    fn event_uuids_are_trimmed_and_taken_in_gklms_own_form() {
        use super::{check_event_uuid, EventUuidProblem as P};
        let seed = "NOT_EVENT-fed6658-f11fba8a-a9ca-4835-b4bd-9d0e0a9d4062";
        assert_eq!(
            check_event_uuid(&format!("  {seed}\n")),
            Ok(seed.to_owned())
        );
        assert_eq!(
            check_event_uuid("f11fba8a-a9ca-4835-b4bd-9d0e0a9d4062"),
            Ok("f11fba8a-a9ca-4835-b4bd-9d0e0a9d4062".to_owned())
        );
        assert_eq!(check_event_uuid("a.b"), Ok("a.b".to_owned()));
        for (input, problem) in [
            ("", P::Empty),
            (" \t ", P::Empty),
            ("NOT_EVENT fed", P::Whitespace),
            ("a\u{a0}b", P::Whitespace),
            ("../backups", P::Slash),
            ("ckms/login", P::Slash),
            ("..", P::DotDot),
            ("a..b", P::DotDot),
        ] {
            assert_eq!(check_event_uuid(input), Err(problem), "{input:?}");
        }
        let long = "a".repeat(201);
        assert_eq!(check_event_uuid(&long), Err(P::TooLong));
        assert!(check_event_uuid(&"a".repeat(200)).is_ok());
        // Characters, not bytes, are counted.
        assert!(check_event_uuid(&"é".repeat(200)).is_ok());
    }

    #[test]
    fn an_event_awaits_delivery_while_any_channel_has_not_delivered() {
        use super::{DeliveryReading, EventLookup, NotificationDelivery};
        let row = |delivered: DeliveryReading| NotificationDelivery {
            event_uuid: "e".into(),
            tenant_id: String::new(),
            channel: "email".into(),
            delivered,
            delivered_raw: String::new(),
            tries: None,
            tries_raw: String::new(),
        };
        let done = EventLookup::Found(vec![row(DeliveryReading::Delivered)]);
        assert!(!done.awaits_delivery());
        let waiting = EventLookup::Found(vec![
            row(DeliveryReading::Delivered),
            row(DeliveryReading::NotDelivered),
        ]);
        assert!(waiting.awaits_delivery());
        let odd = EventLookup::Found(vec![row(DeliveryReading::Other("2".into()))]);
        assert!(odd.awaits_delivery());
        assert!(!EventLookup::Found(vec![]).awaits_delivery());
        let missing = EventLookup::NotFound {
            code: None,
            message: None,
        };
        assert!(!missing.awaits_delivery());
    }
}

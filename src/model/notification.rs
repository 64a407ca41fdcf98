//! Delivery of one GKLM notification event, per channel
//! (`GET /ckms/notification/status/{eventUUID}`).

use serde_json::Value;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::decode::DecodeProblem;
    use serde_json::json;

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
}

use serde_json::{json, Value};

use super::rng::SimRng;
use super::scenario::Rates;

/// The event in IBM's own example, always known to the simulator.
pub const SEED_EVENT_UUID: &str = "NOT_EVENT-fed6658-f11fba8a-a9ca-4835-b4bd-9d0e0a9d4062";

const MAX_TRIES: u32 = 5;
/// Older events are forgotten, except IBM's example.
const EVENTS_KEPT: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelDelivery {
    pub channel_type: &'static str,
    pub tenant_id: String,
    pub delivered: bool,
    pub tries: u32,
    /// When the next attempt happens; none once delivered or given up.
    next_try_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationEvent {
    pub uuid: String,
    /// When the event happened, in simulated ms.
    pub created_ms: i64,
    pub channels: Vec<ChannelDelivery>,
}

/// Notification events and their delivery, channel by channel.
#[derive(Debug, Clone)]
pub struct Notifications {
    rng: SimRng,
    rates: Rates,
    events: Vec<NotificationEvent>,
    next_event_ms: i64,
}

impl Notifications {
    pub fn new(seed: u64, rates: Rates) -> Self {
        let mut rng = SimRng::new(seed, 2);
        let seed_event = NotificationEvent {
            uuid: SEED_EVENT_UUID.to_string(),
            // A day before the simulation began.
            created_ms: -86_400_000,
            channels: vec![ChannelDelivery {
                channel_type: "email",
                tenant_id: "0".to_string(),
                delivered: false,
                tries: 1,
                next_try_ms: Some(rng.between(30, 90) as i64 * 1000),
            }],
        };
        let mut notifications = Notifications {
            rng,
            rates,
            events: vec![seed_event],
            next_event_ms: 0,
        };
        for _ in 0..3 {
            notifications.create_event(0);
        }
        notifications.next_event_ms = notifications.gap_ms(rates.event_gap_s);
        notifications
    }

    pub fn uuids(&self) -> Vec<&str> {
        self.events.iter().map(|e| e.uuid.as_str()).collect()
    }

    /// Every event, oldest first.
    pub fn events(&self) -> &[NotificationEvent] {
        &self.events
    }

    pub fn event(&self, uuid: &str) -> Option<&NotificationEvent> {
        self.events.iter().find(|e| e.uuid == uuid)
    }

    /// `GET /ckms/notification/status/{uuid}`: one entry per channel.
    pub fn status_json(&self, uuid: &str) -> Option<Value> {
        let event = self.event(uuid)?;
        Some(Value::Array(
            event
                .channels
                .iter()
                .map(|c| {
                    json!({
                        "eventUUID": event.uuid,
                        "tenantId": c.tenant_id,
                        "channelType": c.channel_type,
                        "delivered": if c.delivered { "1" } else { "0" },
                        "numberOfTries": c.tries.to_string(),
                    })
                })
                .collect(),
        ))
    }

    /// `GET /ckms/notification/status` (GKLM 4.2.1): every event's entries,
    /// oldest event first, in the shape of one event's.
    pub fn all_status_json(&self) -> Value {
        Value::Array(
            self.events
                .iter()
                .filter_map(|event| self.status_json(&event.uuid))
                .flat_map(|rows| match rows {
                    Value::Array(rows) => rows,
                    _ => Vec::new(),
                })
                .collect(),
        )
    }

    pub fn advance_to(&mut self, now_ms: i64) {
        loop {
            let retry = self.next_retry();
            let next = retry.map_or(self.next_event_ms, |(at, _, _)| at.min(self.next_event_ms));
            if next > now_ms {
                return;
            }
            match retry {
                Some((at, event, channel)) if at <= self.next_event_ms => {
                    self.retry(at, event, channel)
                }
                _ => {
                    let at = self.next_event_ms;
                    self.create_event(at);
                    self.next_event_ms = at + self.gap_ms(self.rates.event_gap_s);
                }
            }
        }
    }

    fn next_retry(&self) -> Option<(i64, usize, usize)> {
        self.events
            .iter()
            .enumerate()
            .flat_map(|(e, event)| {
                event
                    .channels
                    .iter()
                    .enumerate()
                    .filter_map(move |(c, channel)| channel.next_try_ms.map(|at| (at, e, c)))
            })
            .min()
    }

    fn create_event(&mut self, at: i64) {
        let uuid = format!("NOT_EVENT-{}-{}", self.rng.hex(7), self.rng.uuid());
        let mut channel_types = vec!["email"];
        if self.rng.percent(40) {
            channel_types.push("console");
        }
        let tenant_id = if self.rng.percent(80) { "0" } else { "1" }.to_string();
        let channels = channel_types
            .into_iter()
            .map(|channel_type| {
                let delivered = self.rng.percent(self.rates.delivery_percent);
                ChannelDelivery {
                    channel_type,
                    tenant_id: tenant_id.clone(),
                    delivered,
                    tries: 1,
                    next_try_ms: (!delivered).then(|| at + self.gap_ms((30, 120))),
                }
            })
            .collect();
        self.events.push(NotificationEvent {
            uuid,
            created_ms: at,
            channels,
        });
        if self.events.len() > EVENTS_KEPT {
            self.events.remove(1);
        }
    }

    fn retry(&mut self, at: i64, event: usize, channel: usize) {
        let delivered = self.rng.percent(self.rates.delivery_percent);
        let wait = self.gap_ms((30, 120));
        let channel = &mut self.events[event].channels[channel];
        channel.tries += 1;
        channel.delivered = delivered;
        channel.next_try_ms = (!delivered && channel.tries < MAX_TRIES).then_some(at + wait);
    }

    fn gap_ms(&mut self, range: (u64, u64)) -> i64 {
        self.rng.between(range.0, range.1) as i64 * 1000
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Scenario;

    #[test]
    fn ibm_example_event_is_known_from_the_start_as_in_the_docs() {
        let notifications = Notifications::new(1, Scenario::Busy.rates());
        let status = notifications.status_json(SEED_EVENT_UUID).unwrap();
        assert_eq!(
            status,
            json!([{"eventUUID": SEED_EVENT_UUID, "tenantId": "0", "channelType": "email",
                    "delivered": "0", "numberOfTries": "1"}])
        );
        assert!(notifications.status_json("NOT_EVENT-nope").is_none());
    }

    #[test]
    fn deliveries_are_retried_until_delivered_or_given_up() {
        let mut notifications = Notifications::new(4, Scenario::Failing.rates());
        notifications.advance_to(6 * 3600 * 1000);
        let channels: Vec<&ChannelDelivery> = notifications
            .events
            .iter()
            .flat_map(|e| e.channels.iter())
            .collect();
        assert!(channels.iter().all(|c| (1..=MAX_TRIES).contains(&c.tries)));
        assert!(
            channels.iter().any(|c| c.delivered && c.tries > 1),
            "a retry succeeded"
        );
        assert!(
            channels
                .iter()
                .any(|c| !c.delivered && c.tries == MAX_TRIES),
            "one gave up"
        );
        assert!(notifications.events.len() > 10);
        assert_eq!(notifications.events[0].uuid, SEED_EVENT_UUID);
    }
}

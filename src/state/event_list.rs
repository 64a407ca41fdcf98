//! The notification events a GKLM server lists, as the card shows them:
//! undelivered first, filtered by delivery and channel, a page at a time.
//! Filtering and paging are local: nothing is fetched per choice.

use crate::model::notification::{DeliveryReading, NotificationDelivery};
use crate::model::notification_events::NotificationEvent;

/// Rows on one page of the list.
pub const PAGE_ROWS: usize = 8;

/// Which deliveries the list shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DeliveryFilter {
    /// Not delivered, or in a state the panel cannot read: worth a look.
    #[default]
    Undelivered,
    All,
}

/// What the person chose.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventListView {
    pub filter: DeliveryFilter,
    /// One channel (`email`, …), or every channel.
    pub channel: Option<String>,
    /// From 0.
    pub page: usize,
}

pub enum EventListAction {
    Filter(DeliveryFilter),
    Channel(Option<String>),
    Page(usize),
}

impl EventListView {
    /// A new choice of filter starts at the first page.
    pub fn next(&self, action: EventListAction) -> EventListView {
        match action {
            EventListAction::Filter(filter) => EventListView {
                filter,
                page: 0,
                ..self.clone()
            },
            EventListAction::Channel(channel) => EventListView {
                channel,
                page: 0,
                ..self.clone()
            },
            EventListAction::Page(page) => EventListView {
                page,
                ..self.clone()
            },
        }
    }
}

/// One line of the list: a delivery, with its event's type code where the
/// server names it (GKLM 5.x's `/ckms/notification`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedEvent {
    pub delivery: NotificationDelivery,
    pub event_type: Option<String>,
}

/// The list: 4.2.1's deliveries (`/ckms/notification/status`), else 5.x's
/// events read as deliveries; each with its type from 5.x's events where an
/// id matches. `None` when the server has neither list.
pub fn listed(
    statuses: Option<&[NotificationDelivery]>,
    events: Option<&[NotificationEvent]>,
) -> Option<Vec<ListedEvent>> {
    let type_of = |id: &str| {
        events?
            .iter()
            .find(|e| e.id.as_deref() == Some(id))
            .and_then(|e| e.event_type.clone())
    };
    if let Some(statuses) = statuses {
        return Some(
            statuses
                .iter()
                .map(|d| ListedEvent {
                    event_type: type_of(&d.event_uuid),
                    delivery: d.clone(),
                })
                .collect(),
        );
    }
    Some(
        events?
            .iter()
            .map(|e| ListedEvent {
                delivery: NotificationDelivery {
                    event_uuid: e.id.clone().unwrap_or_default(),
                    tenant_id: String::new(),
                    channel: e.channel.clone().unwrap_or_default(),
                    delivered: e
                        .delivered
                        .clone()
                        .unwrap_or_else(|| DeliveryReading::Other(String::new())),
                    delivered_raw: e.delivered_raw.clone().unwrap_or_default(),
                    tries: e.tries,
                    tries_raw: e.tries.map(|t| t.to_string()).unwrap_or_default(),
                },
                event_type: e.event_type.clone(),
            })
            .collect(),
    )
}

/// Not (yet) delivered: anything but a delivery the panel reads as done.
pub fn undelivered(row: &ListedEvent) -> bool {
    row.delivery.delivered != DeliveryReading::Delivered
}

/// Every channel named, in the order first seen.
pub fn channels(rows: &[ListedEvent]) -> Vec<&str> {
    let mut seen: Vec<&str> = Vec::new();
    for row in rows {
        if !seen.contains(&row.delivery.channel.as_str()) {
            seen.push(&row.delivery.channel);
        }
    }
    seen
}

/// One page of the list.
#[derive(Debug, PartialEq)]
pub struct EventPage<'a> {
    pub rows: Vec<&'a ListedEvent>,
    /// Rows that match the filter, on every page.
    pub matching: usize,
    /// The page shown (the asked one, or the last there is).
    pub page: usize,
    pub pages: usize,
}

/// The rows the view shows: undelivered before delivered, each group in
/// the server's order, then filtered and cut to a page.
pub fn page<'a>(rows: &'a [ListedEvent], view: &EventListView) -> EventPage<'a> {
    let mut matching: Vec<&ListedEvent> = rows
        .iter()
        .filter(|row| view.filter == DeliveryFilter::All || undelivered(row))
        .filter(|row| {
            view.channel
                .as_deref()
                .is_none_or(|c| c == row.delivery.channel)
        })
        .collect();
    matching.sort_by_key(|row| !undelivered(row));
    let pages = matching.len().div_ceil(PAGE_ROWS).max(1);
    let page = view.page.min(pages - 1);
    let count = matching.len();
    let rows = matching
        .into_iter()
        .skip(page * PAGE_ROWS)
        .take(PAGE_ROWS)
        .collect();
    EventPage {
        rows,
        matching: count,
        page,
        pages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(event: &str, channel: &str, delivered: DeliveryReading) -> ListedEvent {
        ListedEvent {
            event_type: None,
            delivery: delivery(event, channel, delivered),
        }
    }

    fn delivery(event: &str, channel: &str, delivered: DeliveryReading) -> NotificationDelivery {
        NotificationDelivery {
            event_uuid: event.into(),
            tenant_id: String::new(),
            channel: channel.into(),
            delivered_raw: match &delivered {
                DeliveryReading::Delivered => "1".into(),
                DeliveryReading::NotDelivered => "0".into(),
                DeliveryReading::Other(raw) => raw.clone(),
            },
            delivered,
            tries: Some(1),
            tries_raw: "1".into(),
        }
    }

    fn rows() -> Vec<ListedEvent> {
        vec![
            row("a", "email", DeliveryReading::Delivered),
            row("b", "email", DeliveryReading::NotDelivered),
            row("c", "console", DeliveryReading::Delivered),
            row("d", "console", DeliveryReading::Other("2".into())),
            row("e", "email", DeliveryReading::NotDelivered),
        ]
    }

    fn events(page: &EventPage<'_>) -> Vec<String> {
        page.rows
            .iter()
            .map(|r| r.delivery.event_uuid.clone())
            .collect()
    }

    #[test]
    fn undelivered_come_first_and_are_the_default() {
        let rows = rows();
        let shown = page(&rows, &EventListView::default());
        assert_eq!(
            events(&shown),
            ["b", "d", "e"],
            "what cannot be read as delivered counts"
        );
        let all = page(
            &rows,
            &EventListView::default().next(EventListAction::Filter(DeliveryFilter::All)),
        );
        assert_eq!(events(&all), ["b", "d", "e", "a", "c"]);
        assert_eq!(all.matching, 5);
    }

    #[test]
    fn a_channel_narrows_the_list_and_channels_are_listed_once() {
        let rows = rows();
        assert_eq!(channels(&rows), ["email", "console"]);
        let view = EventListView::default()
            .next(EventListAction::Filter(DeliveryFilter::All))
            .next(EventListAction::Channel(Some("console".into())));
        assert_eq!(events(&page(&rows, &view)), ["d", "c"]);
    }

    #[test]
    fn pages_hold_a_few_rows_and_a_new_filter_starts_at_the_first() {
        let many: Vec<ListedEvent> = (0..20)
            .map(|i| row(&format!("e{i:02}"), "email", DeliveryReading::NotDelivered))
            .collect();
        let view = EventListView::default().next(EventListAction::Page(2));
        let last = page(&many, &view);
        assert_eq!((last.page, last.pages, last.matching), (2, 3, 20));
        assert_eq!(events(&last), ["e16", "e17", "e18", "e19"]);
        let beyond = page(&many, &view.next(EventListAction::Page(9)));
        assert_eq!(beyond.page, 2, "a page past the end shows the last");
        let refiltered = view.next(EventListAction::Channel(None));
        assert_eq!(refiltered.page, 0);
        let empty = page(&[], &EventListView::default());
        assert_eq!((empty.rows.len(), empty.pages, empty.page), (0, 1, 0));
    }

    #[test]
    fn types_come_from_5x_events_and_5x_events_alone_make_a_list() {
        let events = NotificationEvent::list_from_json(
            &keywatch_core::json::from_str(
                r#"[{"eventUUID": "b", "eventType": "CERTIFICATE_EXPIRY_IN_30DAYS",
                    "channelType": "email", "delivered": "0", "numberOfTries": "2"}]"#,
            )
            .unwrap(),
        )
        .unwrap();
        let statuses = [
            delivery("a", "email", DeliveryReading::Delivered),
            delivery("b", "email", DeliveryReading::NotDelivered),
        ];
        let both = listed(Some(&statuses), Some(&events)).unwrap();
        assert_eq!(both.len(), 2, "the status list decides the rows");
        assert_eq!(both[0].event_type, None);
        assert_eq!(
            both[1].event_type.as_deref(),
            Some("CERTIFICATE_EXPIRY_IN_30DAYS")
        );
        let only_events = listed(None, Some(&events)).unwrap();
        assert_eq!(only_events.len(), 1);
        assert_eq!(only_events[0].delivery.tries_raw, "2");
        assert!(undelivered(&only_events[0]));
        assert_eq!(listed(None, None), None, "neither: the look-up alone");
    }
}

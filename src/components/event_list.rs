//! The notification events a GKLM server lists (4.2.1's
//! `/ckms/notification/status`): undelivered first, a filter by delivery and
//! channel, a page at a time. A click on an event looks it up.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::notifications::{delivery_cell, delivery_header, two_line_header};
use crate::lang::Language;
use crate::model::notification_events::event_type_words;
use crate::state::event_list::{
    channels, page, DeliveryFilter, EventListAction, EventListView, ListedEvent, PAGE_ROWS,
};
use crate::text::{Message, Text};
use crate::verdict;

/// The list, as `view` chooses; `None`: the server has no list (before
/// 4.2.1). A function, not a component of its own, with `view` held by the
/// card: each component type costs the bundle its own copy of Yew's
/// machinery.
pub fn event_list(
    all: Option<&[ListedEvent]>,
    view: &UseStateHandle<EventListView>,
    lang: Language,
    on_look_up: &Callback<String>,
) -> Html {
    let Some(all) = all else {
        return html! {
            <p class="kw-muted" data-kw="event-list" data-state="unavailable">
                { Text::EventListUnavailable.get(lang) }
            </p>
        };
    };
    let act = {
        let view = view.clone();
        Callback::from(move |action: EventListAction| view.set(view.next(action)))
    };
    let shown = page(all, view);
    let on_filter = act.reform(|e: Event| {
        let all = e
            .target_dyn_into::<HtmlSelectElement>()
            .is_some_and(|s| s.value() == "all");
        EventListAction::Filter(if all {
            DeliveryFilter::All
        } else {
            DeliveryFilter::Undelivered
        })
    });
    let on_channel = act.reform(|e: Event| {
        let chosen = e
            .target_dyn_into::<HtmlSelectElement>()
            .map(|s| s.value())
            .unwrap_or_default();
        EventListAction::Channel((!chosen.is_empty()).then_some(chosen))
    });
    let to_page = |n: usize| act.reform(move |_: MouseEvent| EventListAction::Page(n));

    let typed = all.iter().any(|row| row.event_type.is_some());
    let rows = shown.rows.iter().enumerate().map(|(i, listed)| {
        let row = &listed.delivery;
        let (_, _, name) = verdict::delivery(&row.delivered);
        let event = row.event_uuid.clone();
        let onclick = on_look_up.reform(move |_: MouseEvent| event.clone());
        // GKLM's ids start alike (`NOT_EVENT-`): what tells them apart, the
        // whole id on hover and for screen readers.
        let short: String = {
            let id = row.event_uuid.strip_prefix("NOT_EVENT-").unwrap_or(&row.event_uuid);
            let mut chars = id.chars();
            let head: String = chars.by_ref().take(12).collect();
            if chars.next().is_some() { format!("{head}…") } else { head }
        };
        html! {
            <tr key={format!("{i}-{}-{}", row.event_uuid, row.channel)} data-kw="event" data-state={name}>
                <th scope="row">
                    <button type="button" class="kw-link" data-kw="event-id" {onclick}
                        title={row.event_uuid.clone()} aria-label={row.event_uuid.clone()}>{ short }</button>
                    if let Some(code) = &listed.event_type {
                        <span class="kw-sub" data-kw="event-type" title={code.clone()}>
                            { event_type_words(code, lang) }
                        </span>
                    }
                </th>
                // Delivered or not, what the reader looks for, before the
                // channel: in a narrow card it shows before the frame scrolls.
                { delivery_cell(row, lang) }
                <td data-kw="channel">{ row.channel.clone() }</td>
            </tr>
        }
    });
    let first = shown.page * PAGE_ROWS;
    let empty = if all.is_empty() {
        Some(Text::NoEventsListed)
    } else if shown.matching == 0 {
        Some(Text::EveryEventDelivered)
    } else {
        None
    };
    html! {
        <div class="kw-events" data-kw="event-list">
            <div class="kw-filters">
                <label>
                    { Text::ShowDeliveries.get(lang) }{ " " }
                    <select data-kw="delivery-filter" onchange={on_filter}>
                        <option value="undelivered" selected={view.filter == DeliveryFilter::Undelivered}>
                            { Text::OnlyUndelivered.get(lang) }
                        </option>
                        <option value="all" selected={view.filter == DeliveryFilter::All}>
                            { Text::AllDeliveries.get(lang) }
                        </option>
                    </select>
                </label>
                <label>
                    { Text::Channel.get(lang) }{ " " }
                    <select data-kw="channel-filter" onchange={on_channel}>
                        <option value="" selected={view.channel.is_none()}>{ Text::AllChannels.get(lang) }</option>
                        { for channels(all).into_iter().map(|c| html! {
                            <option value={c.to_owned()} selected={view.channel.as_deref() == Some(c)}>{ c.to_owned() }</option>
                        }) }
                    </select>
                </label>
            </div>
            if let Some(text) = empty {
                <p class="kw-muted" data-kw="no-events">{ text.get(lang) }</p>
            } else {
                <div class="kw-table-wrap" tabindex="0" role="region" aria-label={Text::ListedEvents.get(lang)}>
                <table class="kw-table" data-kw="events">
                    <thead>
                        <tr>
                            if typed {
                                { two_line_header(Text::EventColumn, Text::TypeColumn, lang) }
                            } else {
                                <th scope="col">{ Text::EventColumn.get(lang) }</th>
                            }
                            { delivery_header(lang) }
                            <th scope="col">{ Text::Channel.get(lang) }</th>
                        </tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
                </div>
                if shown.pages > 1 {
                    <div class="kw-pager" data-kw="event-pager">
                        <span data-kw="range">
                            { Message::PageRange {
                                first: first as u64 + 1,
                                last: (first + shown.rows.len()) as u64,
                                total: shown.matching as u64,
                            }.get(lang) }
                        </span>
                        <button type="button" class="kw-button kw-secondary" data-kw="previous"
                            disabled={shown.page == 0} onclick={to_page(shown.page.saturating_sub(1))}>
                            <span aria-hidden="true">{ "‹" }</span><span class="kw-visually-hidden">{ Text::PreviousPage.get(lang) }</span>
                        </button>
                        <button type="button" class="kw-button kw-secondary" data-kw="next"
                            disabled={shown.page + 1 >= shown.pages} onclick={to_page(shown.page + 1)}>
                            <span aria-hidden="true">{ "›" }</span><span class="kw-visually-hidden">{ Text::NextPage.get(lang) }</span>
                        </button>
                    </div>
                }
            }
        </div>
    }
}

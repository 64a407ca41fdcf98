//! "Notification delivery": the events the server lists, undelivered first
//! (GKLM 4.2.1 and later), and a look-up of one event by its UUID to see,
//! per channel, whether it was delivered and after how many tries. A looked
//! up event is re-checked while any channel has not delivered.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::api::read::if_served;
use crate::api::{gklm, Fetch, GklmConfig};
use crate::components::card::{placeholder, CardFrame, FrameParts, FrameStatus};
use crate::components::event_list::event_list;
use crate::components::gklm_card::GklmCardProps;
use crate::hooks::{
    tell_if_sign_in_needed, use_announce, use_poll, use_render_count, use_unique_id, Announcement,
    Announcer,
};
use crate::lang::Language;
use crate::model::notification::{
    check_event_uuid, EventLookup, EventUuidProblem, NotificationDelivery, MAX_EVENT_UUID_CHARS,
};
use crate::state::event_list::{listed, undelivered, EventListView, ListedEvent};
use crate::state::polled::Cadence;
use crate::text::{Message, Text};
use crate::verdict;

/// How many earlier lookups are offered again.
const RECENT: usize = 5;

fn cadence(lookup: &EventLookup) -> Cadence {
    match lookup {
        EventLookup::Found(rows) if rows.is_empty() => Cadence::Normal,
        found if found.awaits_delivery() => Cadence::Fast,
        _ => Cadence::Stop,
    }
}

/// One lookup: the event, and which lookup it is (asking again re-checks).
#[derive(Clone, PartialEq)]
struct Lookup {
    cfg: GklmConfig,
    event: String,
    nth: u32,
}

#[component]
pub fn Notifications(props: &GklmCardProps) -> Html {
    let renders = use_render_count();
    let heading_id = use_unique_id("card");
    let lang = props.lang;
    let field = use_node_ref();
    let field_id = use_unique_id("event-uuid");
    let problem_id = use_unique_id("event-uuid-problem");
    let problem = use_state_eq(|| None::<EventUuidProblem>);
    // The event looked up now and how many lookups there were.
    let asked = use_state_eq(|| None::<(String, u32)>);
    let recent = use_state_eq(Vec::<String>::new);
    let event_view = use_state_eq(EventListView::default);
    let announcer = use_context::<Announcer>();

    let input = match (&props.gklm, &*asked) {
        (Some(cfg), Some((event, nth))) => Some(Lookup {
            cfg: cfg.clone(),
            event: event.clone(),
            nth: *nth,
        }),
        _ => None,
    };
    let tell = props.on_sign_in_needed.clone();
    let lookup = use_poll(input, props.every_ms, cadence, None, move |l: Lookup| {
        let tell = tell.clone();
        async move {
            let reply = gklm::notification_status(&Fetch, &l.cfg, &l.event).await;
            tell_if_sign_in_needed(&reply, l.cfg.auth_id.clone(), &tell);
            reply
        }
    });

    // The lists, where the server has them (4.2.1: every delivery; 5.x:
    // the events, with their types), asked once when it has neither.
    let tell = props.on_sign_in_needed.clone();
    let listed = use_poll(
        props.gklm.clone(),
        props.every_ms,
        |rows: &Option<Vec<ListedEvent>>| match rows {
            Some(_) => Cadence::Normal,
            None => Cadence::Stop,
        },
        None,
        move |cfg: GklmConfig| {
            let tell = tell.clone();
            async move {
                let (statuses, events) = futures::join!(
                    gklm::notification_statuses(&Fetch, &cfg),
                    gklm::notification_events(&Fetch, &cfg)
                );
                // The types are a help: a failing 5.x list leaves them out.
                let events = if_served(events).map(|r| r.value).unwrap_or_default();
                let reply = if_served(statuses)
                    .map(|statuses| statuses.map(|s| listed(s.as_deref(), events.as_deref())));
                tell_if_sign_in_needed(&reply, cfg.auth_id.clone(), &tell);
                reply
            }
        },
    );

    let look_up = {
        let (problem, asked, recent) = (problem.clone(), asked.clone(), recent.clone());
        use_callback(
            announcer,
            move |raw: String, announcer| match check_event_uuid(&raw) {
                Err(why) => {
                    problem.set(Some(why));
                    if let Some(Announcer(say)) = announcer {
                        say.emit(Announcement {
                            text: verdict::event_uuid_problem(why).get(lang).to_owned(),
                            urgent: true,
                        });
                    }
                }
                Ok(event) => {
                    problem.set(None);
                    let nth = asked.as_ref().map_or(0, |(_, n)| n.wrapping_add(1));
                    let mut list: Vec<String> =
                        recent.iter().filter(|e| **e != event).cloned().collect();
                    list.insert(0, event.clone());
                    list.truncate(RECENT);
                    recent.set(list);
                    asked.set(Some((event, nth)));
                }
            },
        )
    };
    let onsubmit = {
        let (field, look_up) = (field.clone(), look_up.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let raw = field
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            look_up.emit(raw);
        })
    };

    let frame = FrameParts::of(&lookup, props.gklm.is_none(), lang);
    let list_frame = FrameParts::of(&listed, props.gklm.is_none(), lang);
    let list_state = match list_frame.reading.map(|r| r.value.as_ref()) {
        Some(Some(rows)) if rows.iter().any(undelivered) => "events-undelivered",
        Some(Some(rows)) if rows.is_empty() => "no-events",
        Some(Some(_)) => "events-delivered",
        _ => "idle",
    };
    let list = match (list_frame.state, list_frame.reading, list_frame.error) {
        (Some("sign-in"), _, _) => Html::default(),
        (_, Some(reading), _) => {
            let (field, look_up) = (field.clone(), look_up.clone());
            let on_look_up = Callback::from(move |event: String| {
                if let Some(input) = field.cast::<HtmlInputElement>() {
                    input.set_value(&event);
                }
                look_up.emit(event);
            });
            event_list(
                reading.value.as_ref().as_deref(),
                &event_view,
                lang,
                &on_look_up,
            )
        }
        (_, None, Some(error)) => html! {
            <p class="kw-error" data-kw="event-list" data-state="error">{ error }</p>
        },
        _ => Html::default(),
    };
    let (state, content) = match (asked.as_ref(), frame.state, frame.reading) {
        (_, Some("sign-in"), _) => ("sign-in", placeholder("sign-in", lang)),
        (None, _, _) => (list_state, Html::default()),
        (Some(_), _, Some(reading)) => result(&reading.value, lang),
        (Some(_), Some("error"), None) => ("error", Html::default()),
        (Some(_), _, None) => ("loading", placeholder("loading", lang)),
    };
    let announcement = frame
        .error
        .as_ref()
        .map(|error| Announcement {
            text: Message::CardNow {
                card: Text::Notifications,
                now: error,
            }
            .get(lang),
            urgent: true,
        })
        .or_else(|| {
            frame.reading.map(|reading| Announcement {
                text: Message::CardNow {
                    card: Text::Notifications,
                    now: &summary(&reading.value, lang),
                }
                .get(lang),
                urgent: false,
            })
        });
    use_announce(announcement);

    let recent_buttons: Vec<Html> = recent.iter().map(|event| {
        let look_up = look_up.clone();
        let event = event.clone();
        let field = field.clone();
        let onclick = {
            let event = event.clone();
            Callback::from(move |_: MouseEvent| {
                if let Some(input) = field.cast::<HtmlInputElement>() {
                    input.set_value(&event);
                }
                look_up.emit(event.clone());
            })
        };
        html! {
            <li key={event.clone()}>
                <button type="button" class="kw-link" data-kw="recent-event" {onclick}>{ event }</button>
            </li>
        }
    }).collect();

    CardFrame {
        name: "notifications",
        title: Text::Notifications,
        state,
        lang,
        renders,
        status: FrameStatus {
            checked: asked.is_some().then(|| lookup.checked.clone()),
            ..frame.status(&lookup.checked)
        },
        heading_id,
    }
    .with(html! {
        <>
            { list }
            <form class="kw-lookup" data-kw="event-lookup" {onsubmit}>
                <label for={field_id.clone()}>{ Text::EventUuid.get(lang) }</label>
                <div class="kw-lookup-row">
                    <input
                        ref={field}
                        id={field_id}
                        name="event-uuid"
                        autocomplete="off"
                        spellcheck="false"
                        maxlength={(MAX_EVENT_UUID_CHARS + 50).to_string()}
                        placeholder={Text::EventUuidHint.get(lang)}
                        aria-invalid={problem.is_some().then_some("true")}
                        aria-describedby={problem.is_some().then(|| problem_id.clone())}
                    />
                    <button type="submit">{ Text::LookUp.get(lang) }</button>
                </div>
                if let Some(why) = *problem {
                    <p class="kw-error" id={problem_id.clone()} data-kw="uuid-problem">
                        { verdict::event_uuid_problem(why).get(lang) }
                    </p>
                }
            </form>
            if !recent.is_empty() {
                <nav class="kw-recent" aria-label={Text::RecentLookups.get(lang)}>
                    <span class="kw-label">{ Text::RecentLookups.get(lang) }{ ":" }</span>
                    <ul>{ for recent_buttons.into_iter() }</ul>
                </nav>
            }
            { content }
        </>
    })
}

fn summary(lookup: &EventLookup, lang: Language) -> String {
    match lookup {
        EventLookup::Found(rows) if rows.is_empty() => Text::NoDeliveries.get(lang).to_owned(),
        EventLookup::Found(rows) if lookup.awaits_delivery() => {
            format!("{} ({})", Text::NotDelivered.get(lang), rows.len())
        }
        EventLookup::Found(rows) => format!("{} ({})", Text::Delivered.get(lang), rows.len()),
        EventLookup::NotFound { .. } => Text::EventNotFound.get(lang).to_owned(),
    }
}

fn result(lookup: &EventLookup, lang: Language) -> (&'static str, Html) {
    match lookup {
        EventLookup::NotFound { code, message } => {
            let said = match (code, message) {
                (Some(code), Some(message)) => {
                    let message = message.strip_prefix(code.as_str()).unwrap_or(message);
                    format!("{code}: {}", message.trim())
                }
                (Some(text), None) | (None, Some(text)) => text.clone(),
                (None, None) => String::new(),
            };
            (
                "not-found",
                html! {
                    <div data-kw="not-found">
                        <p>{ Text::EventNotFound.get(lang) }</p>
                        if !said.is_empty() {
                            <p class="kw-server-text">
                                <span class="kw-label">{ Text::ServerSays.get(lang) }{ ": " }</span>
                                <span data-kw="server-status">{ said }</span>
                            </p>
                        }
                    </div>
                },
            )
        }
        EventLookup::Found(rows) if rows.is_empty() => (
            "empty",
            html! { <p class="kw-muted" data-kw="no-deliveries">{ Text::NoDeliveries.get(lang) }</p> },
        ),
        EventLookup::Found(rows) => {
            let state = if lookup.awaits_delivery() {
                "not-delivered"
            } else {
                "delivered"
            };
            (state, table(rows, lang))
        }
    }
}

/// A delivery's cell: delivered or not (the raw value on hover, or shown
/// when it cannot be read), and beneath it the tries ("3 tries"; the raw
/// text when it is not a number), so that the tables fit a narrow card.
pub fn delivery_cell(row: &NotificationDelivery, lang: Language) -> Html {
    let (tone, word, _) = verdict::delivery(&row.delivered);
    let shown = word.map_or_else(|| row.delivered_raw.clone(), |w| w.get(lang).to_owned());
    let tries = row
        .tries
        .map_or_else(|| row.tries_raw.clone(), |n| Message::Tries { n }.get(lang));
    html! {
        <td>
            <span class={classes!("kw-badge", tone.class())} title={row.delivered_raw.clone()}>
                <span class="kw-icon" aria-hidden="true">{ tone.icon() }</span>
                { shown }
            </span>
            if !tries.is_empty() {
                <span class="kw-sub" data-kw="tries">{ tries }</span>
            }
        </td>
    }
}

/// The header of the delivery column, naming the tries beneath it.
pub fn delivery_header(lang: Language) -> Html {
    two_line_header(Text::DeliveryColumn, Text::Tries, lang)
}

/// A column's header with a second, smaller line, as its cells have; a
/// screen reader hears "Delivery, Tries".
pub fn two_line_header(first: Text, second: Text, lang: Language) -> Html {
    html! {
        <th scope="col">
            { first.get(lang) }
            <span class="kw-sub">
                <span class="kw-visually-hidden">{ ", " }</span>{ second.get(lang) }
            </span>
        </th>
    }
}

fn table(rows: &[NotificationDelivery], lang: Language) -> Html {
    let rows = rows.iter().enumerate().map(|(i, row)| {
        let (_, _, name) = verdict::delivery(&row.delivered);
        html! {
            <tr key={format!("{i}-{}", row.channel)} data-kw="delivery" data-state={name}>
                <th scope="row">{ row.channel.clone() }</th>
                { delivery_cell(row, lang) }
            </tr>
        }
    });
    html! {
        <table class="kw-table" data-kw="deliveries">
            <thead>
                <tr>
                    <th scope="col">{ Text::Channel.get(lang) }</th>
                    { delivery_header(lang) }
                </tr>
            </thead>
            <tbody>{ for rows }</tbody>
        </table>
    }
}

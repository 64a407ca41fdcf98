//! The list's controls: the source switch (each source with its failures),
//! the status chips, the container and job-id fields, the page size and
//! "Clear filters". What is typed is held here, and the view changes only
//! when the typing rests.

use std::rc::Rc;

use gloo_timers::callback::Timeout;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::fetch::Totals;
use super::status_word;
use crate::hooks::use_unique_id;
use crate::lang::Language;
use crate::model::sync_job::{Source, SyncJobFilter};
use crate::state::sync_view::{SyncView, SyncViewAction, PAGE_SIZES, STATUSES};
use crate::text::{Message, Text};

/// How long typing rests before a filter is asked for.
const DEBOUNCE_MS: u32 = 400;

pub struct ControlsProps {
    pub filter: SyncJobFilter,
    /// Whether a filter narrows the list (what "Clear filters" undoes).
    pub filtered: bool,
    /// Each source's failed jobs, in the order of [`Source::ALL`], once counted.
    pub failures: Option<Rc<Totals>>,
    pub lang: Language,
    pub dispatch: UseReducerDispatcher<SyncView>,
}

pub fn input_value(e: &InputEvent) -> String {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .map(|i| i.value())
        .unwrap_or_default()
}

/// The controls, rendered with the card (a hook, not a component of its
/// own: the same DOM for some 700 B less of bundle).
#[hook]
pub fn use_controls(props: &ControlsProps) -> Html {
    let (filter, lang) = (&props.filter, props.lang);
    let containers_draft = use_state_eq(|| filter.containers.join(", "));
    let id_draft = use_state_eq(|| filter.id.clone().unwrap_or_default());
    {
        let dispatch = props.dispatch.clone();
        use_effect_with((*containers_draft).clone(), move |text| {
            let text = text.clone();
            let timer = Timeout::new(DEBOUNCE_MS, move || {
                dispatch.dispatch(SyncViewAction::Containers(text))
            });
            move || drop(timer)
        });
    }
    {
        let dispatch = props.dispatch.clone();
        use_effect_with((*id_draft).clone(), move |text| {
            let text = text.clone();
            let timer = Timeout::new(DEBOUNCE_MS, move || {
                dispatch.dispatch(SyncViewAction::JobId(text))
            });
            move || drop(timer)
        });
    }
    // A view set from elsewhere (clear, another source, the address) shows in the fields.
    {
        let (containers_draft, id_draft) = (containers_draft.clone(), id_draft.clone());
        use_effect_with(
            (filter.containers.clone(), filter.id.clone()),
            move |(containers, id)| {
                let typed: Vec<String> = containers_draft
                    .split(',')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(String::from)
                    .collect();
                if typed != *containers {
                    containers_draft.set(containers.join(", "));
                }
                if id_draft.trim() != id.as_deref().unwrap_or_default() {
                    id_draft.set(id.clone().unwrap_or_default());
                }
            },
        );
    }
    let containers_id = use_unique_id("containers");
    let job_id_id = use_unique_id("job-id");
    let size_id = use_unique_id("page-size");

    let failures = props.failures.clone();
    let sources = Source::ALL.iter().enumerate().map(|(at, source)| {
        let d = props.dispatch.clone();
        let source = *source;
        let pressed = source == filter.source;
        let failed = failures.as_ref().and_then(|f| f.get(at).copied());
        let badge = match failed {
            Some(Some(n)) if n > 0 => html! {
                <span class="kw-badge kw-tone-bad kw-small" data-kw="source-failed">
                    { n.to_string() }<span class="kw-visually-hidden">{ " " }{ Text::StatusFailed.get(lang) }</span>
                </span>
            },
            _ => Html::default(),
        };
        html! {
            <button type="button" class="kw-chip" aria-pressed={pressed.to_string()} data-source={source.key()}
                data-missing={(failed == Some(None)).then_some("true")}
                title={(failed == Some(None)).then(|| Text::SourceMissing.get(lang))}
                onclick={Callback::from(move |_: MouseEvent| d.dispatch(SyncViewAction::Source(source)))}>
                { source.name().get(lang) }{ badge }
            </button>
        }
    });
    let status_chips = STATUSES.iter().map(|status| {
        let d = props.dispatch.clone();
        let pressed = filter.statuses.contains(status);
        let s = status.clone();
        html! {
            <button type="button" class="kw-chip" aria-pressed={pressed.to_string()} data-status={status.as_wire().to_owned()}
                onclick={Callback::from(move |_: MouseEvent| d.dispatch(SyncViewAction::ToggleStatus(s.clone())))}>
                { status_word(status, lang) }
            </button>
        }
    });
    let size_options = PAGE_SIZES.iter().map(|size| {
        html! { <option value={size.to_string()} selected={*size == filter.limit}>{ Message::Count { n: u64::from(*size) }.get(lang) }</option> }
    });
    let on_size = {
        let d = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let size = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
                .and_then(|s| s.value().parse::<u32>().ok());
            if let Some(size) = size {
                d.dispatch(SyncViewAction::PageSize(size));
            }
        })
    };
    let on_containers = {
        let draft = containers_draft.clone();
        Callback::from(move |e: InputEvent| draft.set(input_value(&e)))
    };
    let on_job_id = {
        let draft = id_draft.clone();
        Callback::from(move |e: InputEvent| draft.set(input_value(&e)))
    };
    let on_clear = {
        let (d, c, i) = (
            props.dispatch.clone(),
            containers_draft.clone(),
            id_draft.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            c.set(String::new());
            i.set(String::new());
            d.dispatch(SyncViewAction::ClearFilters);
        })
    };

    html! {
        <div class="kw-sync-controls">
            <div class="kw-chips kw-sources" role="group" aria-label={Text::SourceLabel.get(lang)} data-kw="sources">{ for sources }</div>
            <div class="kw-chips" role="group" aria-label={Text::StatusFilter.get(lang)} data-kw="statuses">{ for status_chips }</div>
            <div class="kw-fields">
                <div class="kw-field">
                    <label for={containers_id.clone()}>
                        { filter.source.containers().label().get(lang) }
                        <span class="kw-muted">{ " (" }{ Text::ContainersHint.get(lang) }{ ")" }</span>
                    </label>
                    <input id={containers_id} data-kw="containers" value={(*containers_draft).clone()} oninput={on_containers} autocomplete="off" spellcheck="false" />
                </div>
                <div class="kw-field">
                    <label for={job_id_id.clone()}>{ Text::JobIdFilter.get(lang) }</label>
                    <input id={job_id_id} data-kw="job-id-filter" value={(*id_draft).clone()} oninput={on_job_id} autocomplete="off" spellcheck="false" />
                </div>
                <div class="kw-field kw-field-narrow">
                    <label for={size_id.clone()}>{ Text::PageSize.get(lang) }</label>
                    <select id={size_id} data-kw="page-size" onchange={on_size}>{ for size_options }</select>
                </div>
            </div>
            <button type="button" class="kw-button kw-secondary" data-kw="clear-filters" onclick={on_clear}
                disabled={!props.filtered && containers_draft.is_empty() && id_draft.is_empty()}>
                { Text::ClearFilters.get(lang) }
            </button>
        </div>
    }
}

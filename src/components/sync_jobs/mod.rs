//! "CipherTrust sync jobs": CCKM's cloud-key synchronization jobs, per
//! cloud, filtered, paged and sorted by the server where it can, with a
//! summary by status, a timeline, each job's detail, and a CSV export.

mod chart;
mod controls;
mod fetch;
mod pager;
mod row;
mod summary;
mod table;

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use wasm_bindgen::JsCast;

use yew::prelude::*;

use crate::api::error::ApiError;
use crate::api::CckmConfig;
use crate::clock::now_ms;
use crate::components::card::{CardFrame, FrameParts};
use crate::hooks::{
    tell_if_sign_in_needed, use_announce, use_poll, use_render_count, use_status, use_unique_id,
    use_view_in_address, view_from_address, Announcement, Announcer,
};
use crate::lang::Language;
use crate::model::csv::jobs_csv;
use crate::model::find::{matching, FindText};
use crate::model::sync_job::{SortKey, Source, SyncJob, SyncJobFilter, SyncStatus};
use crate::model::timestamp::Timestamp;
use crate::state::polled::Cadence;
use crate::state::status::{BySource, StatusPart};
use crate::state::sync_view::{Nav, SyncView, SyncViewAction, STATUSES};
use crate::text::{Message, Text};
use crate::verdict;

use controls::{input_value, use_controls, ControlsProps};
use fetch::{cadence, fetch_page, fetch_totals, Count, ShownPage, Totals};
use table::JobTable;

pub use chart::Timeline;
pub use row::{status_badge, JobRow, COLUMNS};

/// How long a job whose status changed stays highlighted.
const HIGHLIGHT_MS: u32 = 4_000;

#[derive(Properties, PartialEq)]
pub struct SyncJobsProps {
    /// Where and how to ask CipherTrust Manager; `None` while the panel
    /// waits for a sign-in, which pauses the card.
    pub cckm: Option<CckmConfig>,
    pub lang: Language,
    /// Milliseconds between two checks while all is well.
    pub every_ms: u32,
    /// Told when CipherTrust wants a sign-in, with the token it refused.
    #[prop_or_default]
    pub on_sign_in_needed: Callback<(Option<String>, ApiError)>,
    /// Keep the view in the page's address (the standalone page only).
    #[prop_or_default]
    pub view_in_address: bool,
}

pub(crate) fn status_word(status: &SyncStatus, lang: Language) -> String {
    verdict::sync_status(status)
        .1
        .map_or_else(|| status.as_wire().to_owned(), |w| w.get(lang).to_owned())
}

#[component]
pub fn SyncJobs(props: &SyncJobsProps) -> Html {
    let renders = use_render_count();
    let heading_id = use_unique_id("card");
    let lang = props.lang;
    let in_address = props.view_in_address;
    let initial = use_memo((), move |_| {
        if in_address {
            view_from_address()
        } else {
            (SyncView::default(), Vec::new())
        }
    });
    let view = {
        let first = initial.0.clone();
        use_reducer_eq(move || first)
    };
    use_view_in_address(&view, view.dispatcher(), in_address);
    let filter = &view.filter;

    // "Find in this page" narrows the rows held at once: no request, no debounce.
    let find = use_state_eq(String::new);
    let tell = props.on_sign_in_needed.clone();
    let list = use_poll(
        props.cckm.clone().map(|cfg| (cfg, filter.clone())),
        props.every_ms,
        cadence,
        None,
        {
            let tell = tell.clone();
            move |(cfg, filter): (CckmConfig, SyncJobFilter)| {
                let tell = tell.clone();
                async move {
                    let credential = cfg.token.clone();
                    let reply = fetch_page(cfg, filter).await;
                    tell_if_sign_in_needed(&reply, credential, &tell);
                    reply
                }
            }
        },
    );
    // The count of each status, and (less often: a glance across sources,
    // not the list being read) each source's failures: one poll, twice.
    let totals = {
        let tell = tell.clone();
        move |(cfg, count): (CckmConfig, Count)| {
            let tell = tell.clone();
            async move {
                let credential = cfg.token.clone();
                let reply = fetch_totals(cfg, count).await;
                tell_if_sign_in_needed(&reply, credential, &tell);
                reply
            }
        }
    };
    let normal = |_: &Totals| Cadence::Normal;
    let counts = use_poll(
        props
            .cckm
            .clone()
            .map(|cfg| (cfg, Count::of_statuses(filter))),
        props.every_ms,
        normal,
        None,
        totals.clone(),
    );
    let failures = use_poll(
        props.cckm.clone().map(|cfg| (cfg, Count::FailedEachSource)),
        props.every_ms.saturating_mul(4),
        normal,
        None,
        totals,
    );
    let failures = failures.state.last_reading().map(|r| r.value.clone());
    use_status(failures.as_ref().map(|totals| {
        StatusPart::SyncJobsBySource(BySource(
            Source::ALL
                .iter()
                .zip(totals.iter())
                .map(|(source, n)| (source.key(), *n))
                .collect(),
        ))
    }));

    // Jobs whose status changed since the last page are highlighted a
    // moment and announced.
    let seen = use_mut_ref(HashMap::<String, SyncStatus>::new);
    let changed = use_state_eq(|| Rc::new(HashSet::<String>::new()));
    let announcer = use_context::<Announcer>();
    let page_jobs = list.state.last_reading().map(|r| r.value.jobs.clone());
    {
        let changed = changed.clone();
        use_effect_with(page_jobs, move |jobs| {
            let mut now_changed = HashSet::new();
            let mut news = None;
            if let Some(jobs) = jobs {
                let mut seen = seen.borrow_mut();
                for job in jobs.iter() {
                    let before = seen.insert(job.id.clone(), job.overall_status.clone());
                    if before.is_some_and(|b| b != job.overall_status) {
                        now_changed.insert(job.id.clone());
                        let short: String = job.id.chars().take(8).collect();
                        news = Some(Announcement {
                            text: Message::JobNow {
                                id: &short,
                                status: &status_word(&job.overall_status, lang),
                            }
                            .get(lang),
                            urgent: job.overall_status == SyncStatus::Failed,
                        });
                    }
                }
            }
            if let (Some(news), Some(Announcer(say))) = (news, announcer) {
                say.emit(news);
            }
            let timer = (!now_changed.is_empty()).then(|| {
                changed.set(Rc::new(now_changed));
                let changed = changed.clone();
                Timeout::new(HIGHLIGHT_MS, move || changed.set(Rc::default()))
            });
            move || drop(timer)
        });
    }

    let frame = FrameParts::of(&list, props.cckm.is_none(), lang);
    let announce = frame.error.as_ref().map(|error| Announcement {
        text: Message::CardNow {
            card: Text::SyncJobs,
            now: error,
        }
        .get(lang),
        urgent: true,
    });
    use_announce(announce);
    use_status(counts.state.last_reading().map(|r| {
        let count = |wanted: SyncStatus| {
            STATUSES
                .iter()
                .position(|s| *s == wanted)
                .and_then(|at| r.value.get(at).copied().flatten())
        };
        StatusPart::SyncJobs {
            failed: count(SyncStatus::Failed),
            in_progress: count(SyncStatus::InProgress),
        }
    }));

    let on_toggle = {
        let d = view.dispatcher();
        use_callback((), move |id: String, _| {
            d.dispatch(SyncViewAction::Toggle(id))
        })
    };
    // The timeline opens a job and brings its row into view.
    let reveal = use_state_eq(|| (0u32, None::<String>));
    let on_open = {
        let (d, reveal) = (view.dispatcher(), reveal.clone());
        use_callback((), move |id: String, _| {
            reveal.set((reveal.0.wrapping_add(1), Some(id.clone())));
            d.dispatch(SyncViewAction::Open(id))
        })
    };
    let total = frame.reading.map(|r| r.value.total).unwrap_or(0);
    let nav = |nav: Nav| {
        let d = view.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(SyncViewAction::Navigate { nav, total }))
    };
    let find_id = use_unique_id("find");
    let find_count_id = use_unique_id("find-count");

    let summary = counts
        .state
        .last_reading()
        .map(|r| summary::view(&r.value, lang));

    let sort_header = |key: SortKey, label: Text| {
        let d = view.dispatcher();
        let order = filter.sort.filter(|o| o.key == key);
        let aria = match order {
            Some(o) if o.descending => "descending",
            Some(_) => "ascending",
            None => "none",
        };
        let arrow = match order {
            Some(o) if o.descending => " ↓",
            Some(_) => " ↑",
            None => "",
        };
        html! {
            <th scope="col" aria-sort={aria}>
                <button type="button" class="kw-sort" data-sort={key.key()}
                    onclick={Callback::from(move |_: MouseEvent| d.dispatch(SyncViewAction::Sort(key)))}>
                    { label.get(lang) }{ arrow }
                </button>
            </th>
        }
    };

    // While a new view loads, the last page stays in view, marked busy,
    // rather than the table vanishing at every click.
    let last_page = use_mut_ref(|| None::<Rc<ShownPage>>);
    if let Some(reading) = frame.reading {
        *last_page.borrow_mut() = Some(reading.value.clone());
    }
    let loading_again = frame.state == Some("loading");
    let shown = frame
        .reading
        .map(|r| r.value.clone())
        .or_else(|| loading_again.then(|| last_page.borrow().clone()).flatten());
    let found = use_memo(
        (
            shown.as_ref().map(|p| p.jobs.clone()),
            FindText::new(&find),
            lang,
        ),
        |(jobs, find, lang)| {
            let lang = *lang;
            match (jobs, find) {
                (Some(jobs), Some(find)) => Some(matching(jobs.as_slice(), find, |status| {
                    verdict::sync_status(status).1.map(|w| w.get(lang))
                })),
                _ => None,
            }
        },
    );
    let on_find = {
        let find = find.clone();
        Callback::from(move |e: InputEvent| find.set(input_value(&e)))
    };
    let on_find_key = {
        let find = find.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" && !find.is_empty() {
                e.prevent_default();
                find.set(String::new());
            }
        })
    };
    let body = match (frame.state, shown) {
        (Some("sign-in"), _) => {
            html! { <p class="kw-muted">{ Text::AwaitingCckmSignIn.get(lang) }</p> }
        }
        (_, Some(page)) => {
            let page = &*page;
            let found_rc = found.clone();
            let found = found.as_ref().as_ref();
            let found_count = found.map(|each| each.iter().filter(|hit| **hit).count());
            let find_count = found_count.map(|shown| {
                Message::FindMatches {
                    shown,
                    of: page.jobs.len(),
                }
                .get(lang)
            });
            let found_none = found_count == Some(0);
            let sort_note = match page.server_sorted {
                Some(true) => {
                    html! { <p class="kw-muted kw-small" data-kw="sort-note">{ Text::SortedByServer.get(lang) }</p> }
                }
                Some(false) => {
                    html! { <p class="kw-note" data-kw="sort-note">{ Text::SortedWithinPage.get(lang) }</p> }
                }
                None => Html::default(),
            };
            let past_end = page.jobs.is_empty() && page.skip > 0 && page.skip >= page.total;
            let export = {
                let (jobs, source) = (page.jobs.clone(), filter.source);
                Callback::from(move |_: MouseEvent| {
                    let jobs: Vec<SyncJob> = jobs.iter().map(|job| SyncJob::clone(job)).collect();
                    download_csv(&jobs, source)
                })
            };
            html! {
                <>
                    if filter.filters_the_page() {
                        <p class="kw-note" data-kw="page-filter-note">
                            { Message::PageMatches { shown: page.jobs.len(), of: page.page_size }.get(lang) }
                        </p>
                    }
                    { sort_note }
                    if !page.jobs.is_empty() {
                        <Timeline jobs={page.jobs.clone()} now={page.received} {lang} {on_open} />
                    }
                    <div class="kw-fields kw-find">
                        <div class="kw-field">
                            <label for={find_id.clone()}>{ Text::FindInPage.get(lang) }</label>
                            <input type="search" id={find_id.clone()} data-kw="find" value={(*find).clone()}
                                oninput={on_find} onkeydown={on_find_key} autocomplete="off" spellcheck="false"
                                aria-describedby={find_count_id.clone()} />
                        </div>
                        <p class="kw-muted kw-small" id={find_count_id.clone()} data-kw="find-count" aria-live="polite">
                            { find_count.unwrap_or_default() }
                        </p>
                    </div>
                    if found_none {
                        <p class="kw-muted" data-kw="find-none">{ Message::FindNone { text: find.trim() }.get(lang) }</p>
                    }
                    <JobTable jobs={page.jobs.clone()} found={found_rc.clone()} expanded={view.expanded.clone()}
                        changed={(*changed).clone()} containers={filter.source.containers().label()} {lang}
                        on_toggle={on_toggle.clone()} busy={loading_again} reveal={(*reveal).clone()}
                        head={html! {
                            <>
                                <th scope="col"><span class="kw-visually-hidden">{ Text::ShowDetails.get(lang) }</span></th>
                                { sort_header(SortKey::Status, Text::ColStatus) }
                                <th scope="col">{ Text::ColId.get(lang) }</th>
                                { sort_header(SortKey::Started, Text::ColStarted) }
                                <th scope="col">{ Text::ColCompleted.get(lang) }</th>
                                { sort_header(SortKey::Duration, Text::ColDuration) }
                                <th scope="col">{ Text::ColRegions.get(lang) }</th>
                                <th scope="col" data-kw="containers-column">{ filter.source.containers().label().get(lang) }</th>
                                <th scope="col">{ Text::ColAbort.get(lang) }</th>
                            </>
                        }} />
                    if past_end {
                        <p class="kw-note" data-kw="past-end">
                            { Text::PastTheEnd.get(lang) }{ " " }
                            <button type="button" class="kw-link" onclick={nav(Nav::First)}>{ Text::FirstPage.get(lang) }</button>
                        </p>
                    } else if page.jobs.is_empty() {
                        <p class="kw-muted" data-kw="no-jobs">{ Text::NoJobs.get(lang) }</p>
                    }
                    { pager::view(page, filter.limit, view.dispatcher(), export, lang) }
                </>
            }
        }
        _ => html! { <p class="kw-muted">{ Text::Loading.get(lang) }</p> },
    };

    let controls = use_controls(&ControlsProps {
        filter: filter.clone(),
        filtered: view.is_filtered(),
        failures,
        lang,
        dispatch: view.dispatcher(),
    });
    let state = frame
        .state
        .unwrap_or(if total == 0 { "empty" } else { "loaded" });

    CardFrame {
        name: "sync-jobs",
        title: Text::SyncJobs,
        state,
        lang,
        renders,
        status: frame.status(&list.checked),
        heading_id,
    }
    .with(html! {
        <>
            if !initial.1.is_empty() {
                <p class="kw-note" data-kw="address-note">
                    { Message::IgnoredInAddress { list: &initial.1.join(", ") }.get(lang) }
                </p>
            }
            { controls }
            // Until the counts come, their row's place is kept: the list does
            // not jump down under a reader's pointer when they arrive.
            { summary.unwrap_or_else(|| html! { <ul class="kw-summary" aria-hidden="true"></ul> }) }
            { body }
        </>
    })
}

/// Offers `jobs` as a CSV file download.
fn download_csv(jobs: &[SyncJob], source: Source) {
    let now = Timestamp::from_unix_millis(now_ms() as i64);
    let csv = jobs_csv(jobs, source, now);
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(&csv));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(link) = document
        .create_element("a")
        .ok()
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        link.set_href(&url);
        link.set_download(&format!(
            "keywatch-sync-jobs-{}-{}.csv",
            source.key(),
            now.unix_millis() / 1000
        ));
        link.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

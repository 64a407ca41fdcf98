//! One sync job as a table row, and its detail when opened.

use std::rc::Rc;

use gloo_timers::callback::{Interval, Timeout};
use yew::prelude::*;

use crate::clock::{duration_text, now_ms, short_time};
use crate::lang::Language;
use crate::model::sync_job::{SyncJob, SyncStatus};
use crate::model::timestamp::Timestamp;
use crate::text::Text;
use crate::verdict::{self, Tone};

/// Columns in a row, for the detail row's span.
pub const COLUMNS: u32 = 9;

#[derive(Properties, PartialEq)]
pub struct JobRowProps {
    /// Shared with the page: comparing two renders of an unchanged page
    /// compares pointers, not every field of every job.
    pub job: Rc<SyncJob>,
    pub expanded: bool,
    /// Its status changed a moment ago.
    pub changed: bool,
    /// False while "Find in this page" leaves the job out. The row is then
    /// hidden, not removed: finding and clearing change one attribute per
    /// row instead of taking rows apart and building them again.
    #[prop_or(true)]
    pub shown: bool,
    /// Its `aria-rowindex` in a windowed table (its detail's is one more).
    #[prop_or_default]
    pub row_index: Option<usize>,
    pub lang: Language,
    /// What the source calls the job's containers ("Key vaults", …).
    pub containers: Text,
    /// Told the job's id to open or close its detail.
    pub on_toggle: Callback<String>,
}

/// The status as a badge: icon and word, or the server's own text.
pub fn status_badge(status: &SyncStatus, lang: Language) -> Html {
    let (tone, word, name) = verdict::sync_status(status);
    let shown = word.map_or_else(|| status.as_wire().to_owned(), |w| w.get(lang).to_owned());
    html! {
        <span class={classes!("kw-badge", tone.class())} data-status={name}>
            <span class="kw-icon" aria-hidden="true">{ tone.icon() }</span>
            { shown }
        </span>
    }
}

/// The row, and its detail when opened: one component per row (its cells
/// were a second one; each is created and dropped as rows scroll by).
#[component]
pub fn JobRow(props: &JobRowProps) -> Html {
    let job = &props.job;
    let status_name = verdict::sync_status(&job.overall_status).2;
    // Which job's id was copied: a windowed table gives a row's element to
    // another job as it scrolls, and the note belongs to the job.
    let copied = use_state_eq(|| None::<String>);
    html! {
        <>
            <tr
                class={classes!("kw-job", props.changed.then_some("kw-changed"), props.expanded.then_some("kw-open"))}
                data-kw="job"
                data-id={job.id.clone()}
                data-status={status_name}
                hidden={!props.shown}
                aria-rowindex={props.row_index.map(|i| i.to_string())}
            >
                { cells(props, &copied) }
            </tr>
            if props.expanded && props.shown {
                <tr class="kw-detail" id={detail_id(job)} data-kw="job-detail"
                    aria-rowindex={props.row_index.map(|i| (i + 1).to_string())}>
                    <td colspan={COLUMNS.to_string()}>{ detail(job, props.containers, props.lang) }</td>
                </tr>
            }
        </>
    }
}

fn detail_id(job: &SyncJob) -> String {
    format!("kw-job-{}", crate::model::percent::percent_encode(&job.id))
}

/// A row's cells; `copied` names the job whose id was just copied.
fn cells(props: &JobRowProps, copied: &UseStateHandle<Option<String>>) -> Html {
    let job = &props.job;
    let lang = props.lang;
    let toggle = {
        let (id, on_toggle) = (job.id.clone(), props.on_toggle.clone());
        Callback::from(move |_: MouseEvent| on_toggle.emit(id.clone()))
    };
    let copy = {
        let (id, copied) = (job.id.clone(), copied.clone());
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            if let Some(window) = web_sys::window() {
                let _ = window.navigator().clipboard().write_text(&id);
            }
            copied.set(Some(id.clone()));
            let copied = copied.clone();
            Timeout::new(1_500, move || copied.set(None)).forget();
        })
    };
    let short: String = job.id.chars().take(8).collect();
    let copied = copied.as_deref() == Some(job.id.as_str());
    let failed_regions = job
        .details
        .iter()
        .filter(|d| d.reading == crate::model::sync_job::RegionReading::Failed)
        .count();
    // The account on a line of its own, the region's name whole beneath it
    // ("eu-central-1" is not split at its hyphens): every row of jobs with
    // accounts is as high as the next, at any width.
    let (account, region) = match job.details.first() {
        Some(d) if !d.account.is_empty() => (format!("{}/", d.account), d.region.clone()),
        Some(d) => (String::new(), d.region.clone()),
        None => Default::default(),
    };
    let more = job.details.len().saturating_sub(1);

    html! {
        <>
                <td>
                    <button type="button" class="kw-expand" aria-expanded={props.expanded.to_string()}
                        aria-controls={detail_id(job)} onclick={toggle} data-kw="expand"
                        aria-label={format!("{} {short}", Text::ShowDetails.get(lang))}>
                        { if props.expanded { "▾" } else { "▸" } }
                    </button>
                </td>
                <td>{ status_badge(&job.overall_status, lang) }</td>
                <td class="kw-nowrap">
                    <code title={job.id.clone()} data-kw="job-id">{ short }</code>
                    <button type="button" class={classes!("kw-copy", copied.then_some("kw-copied"))}
                        title={Text::CopyId.get(lang)} aria-label={Text::CopyId.get(lang)} onclick={copy}>
                    </button>
                    if copied {
                        <span class="kw-visually-hidden" role="status">{ Text::Copied.get(lang) }</span>
                    }
                </td>
                <td class="kw-nowrap">{ time(job.created_at, lang) }</td>
                <td class="kw-nowrap">{ job.completed_at.map(|t| time(t, lang)).unwrap_or_else(|| "—".to_owned()) }</td>
                <td class="kw-num kw-nowrap" data-kw="duration">
                    if job.overall_status == SyncStatus::InProgress && job.completed_at.is_none() {
                        <LiveDuration since={job.created_at} />
                    } else {
                        { job.duration().map(|d| duration_text(d.as_secs())).unwrap_or_else(|| "—".to_owned()) }
                    }
                </td>
                <td>
                    <span class="kw-account">{ account }</span><span class="kw-nowrap">{ region }</span>
                    if more > 0 { <span class="kw-muted">{ format!(" +{more}") }</span> }
                    if failed_regions > 0 {
                        <span class="kw-badge kw-tone-bad kw-small">
                            <span aria-hidden="true">{ Tone::Bad.icon() }</span>{ failed_regions.to_string() }
                        </span>
                    }
                </td>
                <td data-kw="containers">{ job.containers.join(", ") }</td>
                <td>
                    if job.abort {
                        <span class="kw-badge kw-tone-warning kw-small">{ Text::AbortRequested.get(lang) }</span>
                    } else {
                        <span class="kw-muted">{ Text::No.get(lang) }</span>
                    }
                </td>
        </>
    }
}

fn time(at: Timestamp, lang: Language) -> String {
    short_time(at.unix_millis() as f64, lang)
}

fn detail(job: &SyncJob, containers: Text, lang: Language) -> Html {
    let lines = job.details.iter().map(|d| {
        let (tone, word) = verdict::region(d.reading);
        html! {
            <li data-kw="region" data-reading={word.get(crate::lang::Language::En)}>
                <span class={classes!("kw-badge", "kw-small", tone.class())}>
                    <span class="kw-icon" aria-hidden="true">{ tone.icon() }</span>{ word.get(lang) }
                </span>
                { " " }<strong>{ d.key() }</strong>{ ": " }{ d.text.clone() }
            </li>
        }
    });
    let regions = match &job.regions {
        Some(list) if !list.is_empty() => list.join(", "),
        _ => Text::AllRegions.get(lang).to_owned(),
    };
    html! {
        <div class="kw-job-detail">
            <ul class="kw-regions">{ for lines }</ul>
            <dl>
                <dt>{ Text::RegionsRequested.get(lang) }</dt><dd>{ regions }</dd>
                <dt>{ containers.get(lang) }</dt>
                <dd data-kw="detail-containers">{ if job.containers.is_empty() { "—".to_owned() } else { job.containers.join(", ") } }</dd>
                if let Some(all) = job.synchronize_all {
                    <dt>{ Text::SynchronizeAll.get(lang) }</dt>
                    <dd>{ if all { Text::Yes.get(lang) } else { Text::No.get(lang) } }</dd>
                }
                if !job.uri.is_empty() {
                    <dt>{ Text::Uris.get(lang) }</dt><dd><code>{ job.uri.clone() }</code></dd>
                }
            </dl>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct LiveDurationProps {
    since: Timestamp,
}

/// The time a running job has taken so far, ticking every second.
#[component]
fn LiveDuration(props: &LiveDurationProps) -> Html {
    let tick = use_force_update();
    use_effect_with((), move |_| {
        let interval = Interval::new(1_000, move || tick.force_update());
        move || drop(interval)
    });
    let now = Timestamp::from_unix_millis(now_ms() as i64);
    let secs = now.since(props.since).map(|d| d.as_secs()).unwrap_or(0);
    html! { <span class="kw-live">{ duration_text(secs) }</span> }
}

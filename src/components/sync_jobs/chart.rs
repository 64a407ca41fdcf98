//! A small timeline of the page's jobs in SVG: one mark per job, its length
//! the job's duration, its colour and shape its status. Hovering a mark
//! names the job; clicking it (or Enter) opens the job.

use std::borrow::Borrow;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::lang::Language;
use crate::model::sync_job::{SyncJob, SyncStatus};
use crate::model::timestamp::Timestamp;
use crate::text::{Message, Text};
use crate::verdict;

/// Marks drawn at most; the table has every job.
pub const MAX_MARKS: usize = 300;
const WIDTH: f64 = 1000.0;
const LANES: usize = 6;
const LANE: f64 = 16.0;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub jobs: Rc<Vec<Rc<SyncJob>>>,
    pub now: Timestamp,
    pub lang: Language,
    pub on_open: Callback<String>,
}

/// Where a job's mark begins and ends, as fractions of the axis.
pub fn span(job: &SyncJob, from: i64, to: i64, now: Timestamp) -> (f64, f64) {
    let range = (to - from).max(1) as f64;
    let start = job.created_at.unix_millis();
    let end = job.completed_at.unwrap_or(now).unix_millis().max(start);
    (
        ((start - from) as f64 / range).clamp(0.0, 1.0),
        ((end - from) as f64 / range).clamp(0.0, 1.0),
    )
}

/// The time axis: from the earliest start to the latest end (or now).
pub fn axis<J: Borrow<SyncJob>>(jobs: &[J], now: Timestamp) -> Option<(i64, i64)> {
    let jobs = jobs.iter().map(Borrow::<SyncJob>::borrow);
    let from = jobs.clone().map(|j| j.created_at.unix_millis()).min()?;
    let to = jobs
        .map(|j| j.completed_at.unwrap_or(now).unix_millis())
        .max()?;
    Some((from, to.max(from + 1)))
}

/// A coordinate rounded to a whole unit.
fn whole(v: f64) -> i64 {
    v.round() as i64
}

/// The mark an event came from, and its place among the marks.
fn mark_of(e: &Event) -> Option<(web_sys::Element, usize)> {
    let mark = e
        .target_dyn_into::<web_sys::Element>()?
        .closest("[data-at]")
        .ok()??;
    let at = mark.get_attribute("data-at")?.parse().ok()?;
    Some((mark, at))
}

/// Where an arrow key, Home or End moves from mark `at` of `count`.
pub fn step(key: &str, at: usize, count: usize) -> Option<usize> {
    let last = count.checked_sub(1)?;
    match key {
        "ArrowRight" | "ArrowDown" => Some((at + 1).min(last)),
        "ArrowLeft" | "ArrowUp" => Some(at.saturating_sub(1).min(last)),
        "Home" => Some(0),
        "End" => Some(last),
        _ => None,
    }
}

#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let lang = props.lang;
    // One mark in the tab order (a roving tabindex): Tab passes the
    // timeline in one step, the arrow keys, Home and End move along it.
    let current = use_state_eq(|| 0usize);
    // A page's marks are drawn in a task after the frame that follows its
    // table: the rows are painted first, the marks a frame later (300 of
    // them are some 1,200 SVG elements). Its height is the new page's from
    // the start.
    let drawn = use_mut_ref(|| None::<(Rc<Vec<Rc<SyncJob>>>, Timestamp)>);
    let redraw = use_force_update();
    {
        let (drawn, jobs, now) = (drawn.clone(), props.jobs.clone(), props.now);
        // A new page is a new list, received at its own time: no deep compare.
        use_effect_with((Rc::as_ptr(&jobs) as usize, now), move |_| {
            // At the next frame, a task to follow its paint: a task posted
            // now would run before the frame, and hold the rows' paint.
            let gone = Rc::new(std::cell::Cell::new(false));
            let still = gone.clone();
            let draw = move || {
                gloo_timers::callback::Timeout::new(0, move || {
                    if !still.get() {
                        *drawn.borrow_mut() = Some((jobs, now));
                        redraw.force_update();
                    }
                })
                .forget()
            };
            if let Some(window) = web_sys::window() {
                let draw = wasm_bindgen::closure::Closure::once_into_js(draw);
                let _ = window.request_animation_frame(draw.unchecked_ref());
            }
            move || gone.set(true)
        });
    }
    let shown = std::cell::RefCell::borrow(&drawn).clone();
    let (jobs, now) = match &shown {
        Some((jobs, now)) => (jobs.as_slice(), *now),
        None => (&[][..], props.now),
    };
    if props.jobs.is_empty() {
        return Html::default();
    }
    let (from, to) = axis(jobs, now).unwrap_or((0, 1));
    let count = jobs.len().min(MAX_MARKS);
    let current_at = (*current).min(count.saturating_sub(1));
    let marks = jobs.iter().take(MAX_MARKS).enumerate().map(|(i, job)| {
        let (a, b) = span(job, from, to, now);
        let (x1, x2) = (a * WIDTH, (b * WIDTH).max(a * WIDTH + 3.0));
        let y = 4.0 + (i % LANES) as f64 * LANE;
        let (tone, word, name) = verdict::sync_status(&job.overall_status);
        let status = word.map_or_else(|| job.overall_status.as_wire().to_owned(), |w| w.get(lang).to_owned());
        let short: String = job.id.chars().take(8).collect();
        let label = Message::JobNow { id: &short, status: &status }.get(lang);
        // Whole units of a 1000-wide axis: finer than a pixel of the card,
        // and no float formatting in the bundle.
        let (x1, x2, y) = (whole(x1), whole(x2), whole(y));
        let (cx, cy) = (x2, y + 4);
        let shape = match job.overall_status {
            SyncStatus::Completed => html! { <circle cx={cx.to_string()} cy={cy.to_string()} r="4" /> },
            SyncStatus::Failed => html! {
                <path d={format!("M{} {}l8 8M{} {}l-8 8", cx - 4, cy - 4, cx + 4, cy - 4)} class="kw-mark-line" />
            },
            SyncStatus::Aborted => html! { <rect x={(cx - 4).to_string()} y={(cy - 4).to_string()} width="8" height="8" /> },
            SyncStatus::InProgress => html! { <path d={format!("M{} {}l8 4l-8 4z", cx - 2, cy - 4)} /> },
            SyncStatus::Other(_) => html! { <path d={format!("M{cx} {}l4 4l-4 4l-4 -4z", cy - 4)} /> },
        };
        html! {
            <g class={classes!("kw-mark", tone.class())} data-status={name} data-id={job.id.clone()}
                data-at={i.to_string()} role="button" tabindex={if i == current_at { "0" } else { "-1" }}
                aria-label={label.clone()}>
                <title>{ label }</title>
                <rect class="kw-mark-bar" x={x1.to_string()} y={(y + 2).to_string()} width={(x2 - x1).to_string()} height="4" />
                { shape }
            </g>
        }
    });
    // One listener of each kind for every mark, on the drawing.
    let onclick = {
        let on_open = props.on_open.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(id) = mark_of(&e).and_then(|(mark, _)| mark.get_attribute("data-id")) {
                on_open.emit(id);
            }
        })
    };
    let onkeydown = {
        let (on_open, current) = (props.on_open.clone(), current.clone());
        Callback::from(move |e: KeyboardEvent| {
            let Some((mark, at)) = mark_of(&e) else {
                return;
            };
            let key = e.key();
            if key == "Enter" || key == " " {
                e.prevent_default();
                on_open.emit(mark.get_attribute("data-id").unwrap_or_default());
                return;
            }
            let Some(next) = step(&key, at, count) else {
                return;
            };
            e.prevent_default();
            current.set(next);
            let next_mark = mark
                .parent_element()
                .and_then(|svg| {
                    svg.query_selector(&format!("[data-at=\"{next}\"]"))
                        .ok()
                        .flatten()
                })
                .and_then(|m| m.dyn_into::<web_sys::SvgElement>().ok());
            if let Some(next_mark) = next_mark {
                let _ = next_mark.focus();
            }
        })
    };
    let height = 8.0 + LANES.min(props.jobs.len().max(1)) as f64 * LANE;
    let (box_width, shown_height) = (whole(WIDTH + 12.0), whole(height * 0.9));
    let height = whole(height);
    html! {
        <figure class="kw-timeline" data-kw="timeline">
            <figcaption class="kw-label">{ Text::Timeline.get(lang) }</figcaption>
            <svg viewBox={format!("-6 0 {box_width} {height}")} preserveAspectRatio="none" height={shown_height.to_string()} width="100%"
                {onclick} {onkeydown}>
                { for marks }
            </svg>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(start: i64, end: Option<i64>) -> SyncJob {
        SyncJob {
            id: "j".into(),
            uri: String::new(),
            account: String::new(),
            application: String::new(),
            dev_account: String::new(),
            created_at: Timestamp::from_unix_millis(start),
            updated_at: Timestamp::from_unix_millis(start),
            completed_at: end.map(Timestamp::from_unix_millis),
            overall_status: SyncStatus::Completed,
            details: Vec::new(),
            cloud: "aws".into(),
            regions: None,
            containers: Vec::new(),
            abort: false,
            synchronize_all: None,
        }
    }

    #[test]
    fn arrows_home_and_end_move_along_the_marks_and_stop_at_the_ends() {
        assert_eq!(step("ArrowRight", 0, 3), Some(1));
        assert_eq!(step("ArrowDown", 2, 3), Some(2));
        assert_eq!(step("ArrowLeft", 0, 3), Some(0));
        assert_eq!(step("ArrowUp", 2, 3), Some(1));
        assert_eq!(step("Home", 2, 3), Some(0));
        assert_eq!(step("End", 0, 3), Some(2));
        assert_eq!(step("Tab", 0, 3), None);
        assert_eq!(step("ArrowRight", 0, 0), None);
        // A mark past the end (fewer jobs since) comes back to the last.
        assert_eq!(step("ArrowLeft", 9, 3), Some(2));
    }

    #[test]
    fn marks_span_their_jobs_on_one_axis() {
        let now = Timestamp::from_unix_millis(2_000);
        let jobs = [job(1_000, Some(1_500)), job(1_200, None)];
        assert_eq!(axis(&jobs, now), Some((1_000, 2_000)));
        assert_eq!(span(&jobs[0], 1_000, 2_000, now), (0.0, 0.5));
        // A running job reaches now.
        assert_eq!(span(&jobs[1], 1_000, 2_000, now), (0.2, 1.0));
        assert_eq!(axis::<SyncJob>(&[], now), None);
        // One instant still gives an axis.
        let same = [job(5, Some(5))];
        assert_eq!(axis(&same, now), Some((5, 6)));
    }
}

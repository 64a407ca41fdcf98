//! The page's jobs as a table. A page of up to [`WINDOW_FROM`] jobs is
//! drawn whole, the rows "Find in this page" leaves out hidden. A longer one
//! is windowed: only the rows in view and a few either side are in the DOM,
//! spacers stand in for the others' height, a row scrolled out lends its
//! element to the row scrolled in, the row holding the focus stays wherever
//! it is, and `aria-rowcount` and `aria-rowindex` tell a screen reader
//! where each row is in the whole.

use std::collections::HashSet;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;
use yew::virtual_dom::Key;

use super::row::{JobRow, COLUMNS};
use crate::lang::Language;
use crate::model::sync_job::SyncJob;
use crate::state::row_window::{self, Heights, RowKeys, WINDOW_FROM};
use crate::text::Text;

/// Until the rows are measured: a row of the stylesheet's text, a detail
/// of a few lines, and a view of 70vh.
const ROW_GUESS: f64 = 33.0;
const DETAIL_GUESS: f64 = 150.0;
const VIEW_GUESS: f64 = 700.0;
/// Height the bottom spacer holds beyond its own until the rows drawn are
/// measured: more than a window's rows can fall short by.
const SPARE: f64 = 4.0 * VIEW_GUESS;

#[derive(Properties, PartialEq)]
pub struct JobTableProps {
    /// The page's jobs, in order, shared with the card.
    pub jobs: Rc<Vec<Rc<SyncJob>>>,
    /// Whether "Find in this page" leaves each job in; `None`: every one.
    pub found: Rc<Option<Vec<bool>>>,
    /// The open job's id.
    pub expanded: Option<String>,
    /// Jobs whose status changed a moment ago.
    pub changed: Rc<HashSet<String>>,
    /// What the source calls the jobs' containers.
    pub containers: Text,
    pub lang: Language,
    /// Told a job's id to open or close its detail.
    pub on_toggle: Callback<String>,
    /// The header's cells (their sort buttons belong to the card).
    pub head: Html,
    /// A new page is on its way: the table is marked busy.
    pub busy: bool,
    /// A job to bring into view (a click on the timeline), with a count so
    /// that asking for the same job again scrolls again.
    pub reveal: (u32, Option<String>),
}

/// The spacers' heights, set through the CSS object model: the page's
/// Content-Security-Policy refuses `style` attributes.
fn set_height(spacer: &NodeRef, px: f64) {
    if let Some(el) = spacer.cast::<HtmlElement>() {
        // In hundredths of a pixel, by whole numbers: exact for the measured
        // quarter pixels, and no float formatting in the bundle.
        let hundredths = (px.max(0.0) * 100.0).round() as u64;
        let _ = el.style().set_property(
            "height",
            &format!("{}.{:02}px", hundredths / 100, hundredths % 100),
        );
    }
}

/// What the table has seen of itself: the rows in view (none yet: `(0, 0)`),
/// the height of a row and of the open row's detail, and the row holding
/// the focus. One reducer, not four states: each hook type costs the bundle.
#[derive(Clone, PartialEq)]
struct Seen {
    view: (usize, usize),
    row: f64,
    detail: f64,
    focused: Option<String>,
}

enum Saw {
    View((usize, usize)),
    Heights(f64, f64),
    Focus(Option<String>),
}

impl Reducible for Seen {
    type Action = Saw;

    fn reduce(self: Rc<Self>, saw: Saw) -> Rc<Self> {
        let mut next = (*self).clone();
        match saw {
            Saw::View(view) => next.view = view,
            Saw::Heights(row, detail) => (next.row, next.detail) = (row, detail),
            Saw::Focus(id) => next.focused = id,
        }
        Rc::new(next)
    }
}

fn spacer(key: &'static str, node: &NodeRef) -> Html {
    html! {
        <tr key={key} class="kw-spacer" aria-hidden="true" ref={node.clone()}>
            <td colspan={COLUMNS.to_string()}></td>
        </tr>
    }
}

#[component]
pub fn JobTable(props: &JobTableProps) -> Html {
    let wrap = use_node_ref();
    let body = use_node_ref();
    let (top_ref, gap_ref, bottom_ref) = (use_node_ref(), use_node_ref(), use_node_ref());
    let windowed = props.jobs.len() > WINDOW_FROM;
    // The positions of the jobs shown, when Find leaves some out.
    let order = use_memo(props.found.clone(), |found| {
        found.as_ref().as_ref().map(|each| {
            each.iter()
                .enumerate()
                .filter(|(_, hit)| **hit)
                .map(|(at, _)| at)
                .collect::<Vec<_>>()
        })
    });
    let count = order.as_ref().as_ref().map_or(props.jobs.len(), Vec::len);
    let job_at = |at: usize| -> Option<&Rc<SyncJob>> {
        let at = match order.as_ref() {
            Some(order) => *order.get(at)?,
            None => at,
        };
        props.jobs.get(at)
    };
    let position = |id: &str| (0..count).find(|at| job_at(*at).is_some_and(|j| j.id == id));

    let seen = use_reducer_eq(|| Seen {
        view: (0, 0),
        row: ROW_GUESS,
        detail: DETAIL_GUESS,
        focused: None,
    });
    let open = windowed
        .then(|| props.expanded.as_deref().and_then(position))
        .flatten();
    let heights = Heights {
        row: seen.row,
        open: open.map(|at| (at, seen.detail)),
    };
    // Until the frame has told where it is: the top of a view of 70vh.
    let view = if seen.view == (0, 0) {
        row_window::in_view(&heights, count, 0.0, VIEW_GUESS)
    } else {
        seen.view
    };
    // What the scroll handler reads: the heights and rows of the last render.
    let geometry = use_mut_ref(|| (heights, count));
    *geometry.borrow_mut() = (heights, count);
    let in_view = {
        let geometry = geometry.clone();
        move |el: &Element| {
            let (heights, count) = *geometry.borrow();
            Saw::View(row_window::in_view(
                &heights,
                count,
                f64::from(el.scroll_top()),
                f64::from(el.client_height()),
            ))
        }
    };

    let d = seen.dispatcher();
    let onscroll = {
        let (d, in_view) = (d.clone(), in_view.clone());
        Callback::from(move |e: Event| {
            if let Some(el) = e.target_dyn_into::<Element>() {
                d.dispatch(in_view(&el));
            }
        })
    };
    // The row holding the focus is kept in the DOM wherever it scrolls.
    // Below: the element holding the focus, and whether the table is being
    // drawn. To put keyed rows in order, Yew may move the focused row's
    // element, and a moved element loses the focus: that loss is not the
    // reader's, and the table gives the focus back once drawn.
    let focus = use_mut_ref(|| (None::<HtmlElement>, false));
    focus.borrow_mut().1 = true;
    let onfocusin = {
        let (d, focus) = (d.clone(), focus.clone());
        Callback::from(move |e: FocusEvent| {
            let target = e.target_dyn_into::<HtmlElement>();
            d.dispatch(Saw::Focus(
                target
                    .as_ref()
                    .and_then(|t| t.closest("tr[data-id]").ok().flatten())
                    .and_then(|row| row.get_attribute("data-id")),
            ));
            focus.borrow_mut().0 = target;
        })
    };
    let onfocusout = {
        let (d, body, focus) = (d.clone(), body.clone(), focus.clone());
        Callback::from(move |e: FocusEvent| {
            let to = e
                .related_target()
                .and_then(|t| t.dyn_into::<web_sys::Node>().ok());
            let inside = body
                .cast::<Element>()
                .is_some_and(|b| to.is_some_and(|to| b.contains(Some(&to))));
            if !inside && !focus.borrow().1 {
                focus.borrow_mut().0 = None;
                d.dispatch(Saw::Focus(None));
            }
        })
    };

    let window = row_window::window(
        &heights,
        count,
        view,
        seen.focused.as_deref().and_then(position),
    );

    // Once a page and width: measured again as the window moves, the average
    // of rows of one or two lines would move the spacers under the reader.
    let measured = use_mut_ref(|| (0usize, 0i32));
    // A row to bring into view once drawn.
    let pending = use_mut_ref(|| None::<String>);
    // The timeline's last click seen, and its job's place in the list.
    let revealed = use_mut_ref(|| 0u32);
    // Noted in the effect, not here: Yew may render twice before its effects run.
    let reveal = (
        props.reveal.0,
        props
            .reveal
            .1
            .as_deref()
            .map(|id| (id.to_owned(), position(id))),
    );
    {
        let page = Rc::as_ptr(&props.jobs) as usize;
        let (wrap, seen) = (wrap.clone(), seen.clone());
        let gap = window.kept.map_or(0.0, |k| k.gap);
        let spacers = [
            (top_ref.clone(), window.top),
            (gap_ref.clone(), gap),
            (bottom_ref.clone(), window.bottom),
        ];
        // The rows drawn, as the row average and the open detail have them.
        let estimated = heights.top(count) - window.top - gap - window.bottom;
        let (focus, refocus) = (focus.clone(), seen.focused.is_some());
        use_effect(move || {
            let held = std::mem::take(&mut *focus.borrow_mut()).0;
            // Nothing happens to an element that has the focus, or has left.
            if let (true, Some(held)) = (refocus, &held) {
                let options = web_sys::FocusOptions::new();
                options.set_prevent_scroll(true);
                let _ = held.focus_with_options(&options);
            }
            focus.borrow_mut().0 = held;
            let Some(el) = wrap.cast::<Element>() else {
                return;
            };
            // First the spacers, before anything reads the layout: the rows
            // drawn are measured next. Until they are, the bottom one has
            // height to spare, so that fewer rows, or rows shorter than the
            // average, cannot leave the content short of where the reader
            // is for a moment: the browser would pull the view up.
            if let (true, [(top, top_px), (gap, gap_px), (bottom, bottom_px)]) =
                (windowed, &spacers)
            {
                set_height(top, *top_px);
                set_height(gap, *gap_px);
                set_height(bottom, bottom_px + SPARE);
            }
            let d = seen.dispatcher();
            let asked = reveal.0 != *revealed.borrow();
            *revealed.borrow_mut() = reveal.0;
            if let (true, Some((id, at))) = (asked, reveal.1) {
                // Windowed, its row may not be drawn yet: scrolled to where
                // it will be, a third down the view.
                if let (true, Some(at)) = (windowed, at) {
                    let y = (heights.top(at) - f64::from(el.client_height()) / 3.0).max(0.0);
                    el.set_scroll_top(y as i32);
                    d.dispatch(in_view(&el));
                }
                *pending.borrow_mut() = Some(id);
            } else if let Some(id) = pending.borrow_mut().take() {
                let row = el.query_selector_all("tr[data-id]").ok().and_then(|rows| {
                    (0..rows.length())
                        .filter_map(|i| rows.item(i)?.dyn_into::<Element>().ok())
                        .find(|r| r.get_attribute("data-id").as_deref() == Some(id.as_str()))
                });
                // Where the row is in the frame's content: from the header's
                // top, both measured from the same offsetParent.
                let head = el
                    .query_selector("thead")
                    .ok()
                    .flatten()
                    .and_then(|h| h.dyn_into::<HtmlElement>().ok());
                if let (Some(row), Some(head)) =
                    (row.and_then(|r| r.dyn_into::<HtmlElement>().ok()), head)
                {
                    let (top, height) = (row.offset_top() - head.offset_top(), el.client_height());
                    if top < el.scroll_top() || top + row.offset_height() > el.scroll_top() + height
                    {
                        el.set_scroll_top(top - height / 3);
                    }
                }
            }
            if !windowed {
                return;
            }
            // The rows drawn measure the others.
            let heights = |selector: &str| {
                el.query_selector_all(selector).ok().map(|rows| {
                    (0..rows.length())
                        .filter_map(|i| rows.item(i)?.dyn_into::<HtmlElement>().ok())
                        .map(|r| f64::from(r.offset_height()))
                        .fold((0.0, 0u32), |(sum, n), h| (sum + h, n + 1))
                })
            };
            let page = (page, el.client_width());
            let (mut row, mut detail) = (seen.row, seen.detail);
            if *measured.borrow() != page {
                if let Some((sum, n @ 1..)) = heights("tr.kw-job") {
                    row = (sum / f64::from(n) * 4.0).round() / 4.0;
                    *measured.borrow_mut() = page;
                }
            }
            if let Some((sum, 1..)) = heights("tr.kw-detail") {
                detail = sum;
            }
            let view = in_view(&el);
            // The content keeps the estimate's height wherever the window is:
            // the rows drawn rarely measure what the average says, and a
            // height that changed as the window moved would leave a reader
            // who scrolled to the end short of the last row. The bottom
            // spacer takes the difference, the top one where the bottom has
            // too little (at the end).
            let [(top, top_px), (_, gap_px), (bottom, bottom_px)] = &spacers;
            let edge = |spacer: &NodeRef| {
                spacer
                    .cast::<Element>()
                    .map(|e| e.get_bounding_client_rect())
            };
            if let (Some(above), Some(below)) = (edge(top), edge(bottom)) {
                // Between the spacers: the rows drawn, and the kept row's gap.
                let drawn = below.top() - above.bottom() - gap_px;
                let surplus = drawn - estimated;
                let (top_px, bottom_px) = if *bottom_px > 0.0 && *bottom_px >= surplus {
                    (*top_px, bottom_px - surplus)
                } else {
                    ((top_px - (surplus - bottom_px)).max(0.0), 0.0)
                };
                set_height(top, top_px);
                set_height(bottom, bottom_px);
            }
            d.dispatch(Saw::Heights(row, detail));
            d.dispatch(view);
        });
    }

    let lang = props.lang;
    let draw = |job: &Rc<SyncJob>, shown: bool, row_index: Option<usize>, key: Key| {
        html! {
            <JobRow {key} job={job.clone()} {lang}
                expanded={props.expanded.as_deref() == Some(job.id.as_str())}
                changed={props.changed.contains(&job.id)}
                containers={props.containers}
                {shown} {row_index}
                on_toggle={props.on_toggle.clone()} />
        }
    };
    // One flat keyed list, so that the kept row's element is the same one
    // when it comes back into the window: the focus stays on it. Drawn
    // whole, a row is keyed by its job.
    // Drawn windowed, a row's key is lent on as it scrolls (RowKeys).
    let row_keys = use_mut_ref(RowKeys::default);
    let rows: Vec<Html> = if windowed {
        let kept = window.kept.map(|k| k.at);
        let before = kept.filter(|at| *at < window.first);
        let after = kept.filter(|at| *at >= window.end);
        let drawn: Vec<(usize, &Rc<SyncJob>)> = before
            .into_iter()
            .chain(window.first..window.end)
            .chain(after)
            .filter_map(|at| Some((at, job_at(at)?)))
            .collect();
        let ids: Vec<&str> = drawn.iter().map(|(_, job)| job.id.as_str()).collect();
        let keys = row_keys.borrow().next(&ids);
        let mut rows = Vec::with_capacity(drawn.len() + 4);
        rows.push(spacer("kw-top", &top_ref));
        for ((at, job), key) in drawn.iter().zip(keys.keys()) {
            if after == Some(*at) {
                rows.push(spacer("kw-gap", &gap_ref));
            }
            let row_index = Some(row_window::row_index(*at, open));
            rows.push(draw(job, true, row_index, Key::from(key)));
            if before == Some(*at) {
                rows.push(spacer("kw-gap", &gap_ref));
            }
        }
        rows.push(spacer("kw-bottom", &bottom_ref));
        *row_keys.borrow_mut() = keys;
        rows
    } else {
        let found = props.found.as_ref().as_ref();
        props
            .jobs
            .iter()
            .enumerate()
            .map(|(at, job)| {
                draw(
                    job,
                    found.is_none_or(|each| each.get(at).copied().unwrap_or(true)),
                    None,
                    Key::from(job.id.as_str()),
                )
            })
            .collect()
    };

    html! {
        <div ref={wrap} class={classes!("kw-table-wrap", windowed.then_some("kw-windowed"), props.busy.then_some("kw-loading"))}
            aria-busy={props.busy.to_string()} {onscroll}>
            <table class="kw-table kw-jobs" data-kw="jobs"
                aria-rowcount={windowed.then(|| row_window::row_count(count, open).to_string())}>
                <colgroup>
                    <col class="kw-c-expand" />
                    <col class="kw-c-status" />
                    <col class="kw-c-id" />
                    <col class="kw-c-time" />
                    <col class="kw-c-time" />
                    <col class="kw-c-duration" />
                    <col class="kw-c-regions" />
                    <col />
                    <col class="kw-c-abort" />
                </colgroup>
                <thead>
                    <tr aria-rowindex={windowed.then_some("1")}>{ props.head.clone() }</tr>
                </thead>
                <tbody ref={body} {onfocusin} {onfocusout}>{ for rows }</tbody>
            </table>
        </div>
    }
}

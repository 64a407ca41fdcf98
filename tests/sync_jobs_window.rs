//! The sync-job table windowed, in headless Chromium against the
//! simulator's many-jobs scenario: a long page keeps only the rows in view
//! (and a few either side) in the DOM, scrolling brings the others, and the
//! timeline, "Find in this page" and the focus reach rows out of view.
#![cfg(target_arch = "wasm32")]

use keywatch::api::http::Method;
use keywatch::components::sync_jobs::{SyncJobs, SyncJobsProps};
use keywatch::lang::Language;
use keywatch::state::row_window::WINDOW_FROM;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

mod support;

use support::{appears, cckm_signed_in, host, sim, sleep, text_of, turn, type_into, until};

/// Rows drawn at most: a view of 70vh and eight rows either side, with room.
const DRAWN_AT_MOST: usize = 80;

/// The sync-job card, with the panel's stylesheet (the table scrolls in its
/// frame), showing the first page of `limit` AWS jobs of many.
async fn big_page(limit: u32) -> (Element, yew::AppHandle<SyncJobs>) {
    big_page_polled(limit, 600_000).await
}

/// [`big_page`], polled every `every_ms`.
async fn big_page_polled(limit: u32, every_ms: u32) -> (Element, yew::AppHandle<SyncJobs>) {
    let cfg = cckm_signed_in(Language::En).await;
    sim(
        Method::Post,
        "/_sim/scenario",
        Some(r#"{"name":"many-jobs"}"#),
    )
    .await;
    let window = web_sys::window().expect("a window");
    let document = window.document().expect("a document");
    keywatch::embed::adopt_styles(&document).expect("the stylesheet adopted");
    window
        .location()
        .set_hash(&format!("limit={limit}"))
        .expect("a hash");
    let root = host();
    let app = render_jobs(&root, cfg, every_ms);
    // A debug build decodes 10,000 jobs in seconds: wait longer than `until`.
    let wanted = (limit + 1).to_string();
    for _ in 0..240 {
        let count = root
            .query_selector("[data-kw=\"jobs\"]")
            .ok()
            .flatten()
            .and_then(|t| t.get_attribute("aria-rowcount"));
        if count.as_deref() == Some(wanted.as_str()) {
            settled(&root, limit as usize).await;
            return (root, app);
        }
        sleep(250).await;
    }
    panic!(
        "no table of {limit} rows after 60 s: {}",
        root.inner_html().chars().take(2_000).collect::<String>()
    )
}

/// Waits until the rows are measured: the frame scrolls as far as `count`
/// rows of the drawn rows' height (within 2 %), so that a scroll position
/// names the rows it shows.
async fn settled(root: &Element, count: usize) {
    let frame = wrap(root);
    until(
        || {
            format!(
                "the rows were never measured: {} px high; width {} drawn {:?}",
                frame.scroll_height(),
                frame.client_width(),
                rows(root)
                    .iter()
                    .filter_map(|r| r.clone().dyn_into::<HtmlElement>().ok())
                    .map(|r| r.offset_height())
                    .collect::<Vec<_>>()
            )
        },
        || {
            let drawn: Vec<f64> = rows(root)
                .iter()
                .filter_map(|r| r.clone().dyn_into::<HtmlElement>().ok())
                .map(|r| f64::from(r.offset_height()))
                .collect();
            let row = drawn.iter().sum::<f64>() / drawn.len().max(1) as f64;
            let whole = count as f64 * row;
            (!drawn.is_empty() && (f64::from(frame.scroll_height()) - whole).abs() < whole * 0.02)
                .then_some(())
        },
    )
    .await;
}

fn done(root: Element, app: yew::AppHandle<SyncJobs>) {
    app.destroy();
    root.remove();
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_hash("");
    }
}

fn rows(root: &Element) -> Vec<Element> {
    let list = root
        .query_selector_all("[data-kw=\"jobs\"] tbody tr[data-kw=\"job\"]")
        .expect("a selector");
    (0..list.length())
        .filter_map(|i| list.item(i).and_then(|n| n.dyn_into::<Element>().ok()))
        .collect()
}

fn row_index(row: &Element) -> usize {
    row.get_attribute("aria-rowindex")
        .and_then(|i| i.parse().ok())
        .unwrap_or_else(|| panic!("a windowed row without aria-rowindex: {}", row.outer_html()))
}

fn wrap(root: &Element) -> Element {
    root.query_selector(".kw-table-wrap")
        .ok()
        .flatten()
        .expect("the table's frame")
}

/// Scrolls the table's frame to `y` and waits until rows are drawn at the
/// top and at the foot of the frame's view: no blank spacer shows. Answers
/// the rows' `aria-rowindex`.
async fn scroll_to(root: &Element, y: i32) -> Vec<usize> {
    let frame = wrap(root);
    // The frame in the page's view, where points can be looked up.
    frame.scroll_into_view_with_bool(true);
    frame.set_scroll_top(y);
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let row_at = |x: f64, y: f64| {
        document
            .element_from_point(x as f32, y as f32)
            .and_then(|e| e.closest("tr").ok().flatten())
            .filter(|tr| !tr.matches(".kw-spacer").unwrap_or(true))
    };
    until(
        || {
            let seen: Vec<usize> = rows(root).iter().map(row_index).collect();
            format!("rows never filled the view at {y}: {seen:?}")
        },
        || {
            let view = frame.get_bounding_client_rect();
            let head = root
                .query_selector("[data-kw=\"jobs\"] thead")
                .ok()
                .flatten()
                .map_or(0.0, |h| h.get_bounding_client_rect().height());
            let x = view.left() + 30.0;
            let top = row_at(x, view.top() + head + 2.0)?;
            let foot = row_at(x, view.top() + f64::from(frame.client_height()) - 2.0)?;
            (top.parent_element()?.tag_name() == "TBODY"
                && foot.parent_element()?.tag_name() == "TBODY")
                .then(|| rows(root).iter().map(row_index).collect())
        },
    )
    .await
}

#[wasm_bindgen_test]
async fn a_long_page_draws_the_rows_in_view_and_scrolling_brings_the_others() {
    let _turn = turn().await;
    let (root, app) = big_page(10_000).await;
    let first = rows(&root);
    assert!(
        !first.is_empty() && first.len() <= DRAWN_AT_MOST,
        "{} rows drawn of 10,000",
        first.len()
    );
    assert_eq!(
        row_index(&first[0]),
        2,
        "the first job is the table's row 2"
    );
    let frame = wrap(&root);
    assert!(
        frame.scroll_height() > 10_000 * 20,
        "the frame scrolls as far as 10,000 rows: {} px; {}",
        frame.scroll_height(),
        frame.outer_html().chars().take(3_000).collect::<String>()
    );

    // The middle of the page, then its end: other rows, as few.
    let middle = scroll_to(&root, frame.scroll_height() / 2).await;
    assert!(middle.len() <= DRAWN_AT_MOST, "{} rows drawn", middle.len());
    assert!(
        middle.iter().any(|i| (4_000..6_000).contains(i)),
        "halfway down, rows {middle:?}"
    );
    let end = scroll_to(&root, frame.scroll_height()).await;
    assert!(end.len() <= DRAWN_AT_MOST, "{} rows drawn", end.len());
    assert!(
        end.contains(&10_001),
        "the last job is drawn at the end: {end:?}"
    );
    // At the end, and it stays there: the rows drawn there are not the
    // measured average's height, and the content's height must not change
    // under the reader as they are measured.
    until(
        || {
            format!(
                "left {} px above the end",
                frame.scroll_height() - frame.client_height() - frame.scroll_top()
            )
        },
        || (frame.scroll_height() - frame.client_height() - frame.scroll_top() <= 1).then_some(()),
    )
    .await;
    let rows_now = rows(&root);
    let last = rows_now.last().expect("rows at the end");
    let view = frame.get_bounding_client_rect();
    let view_bottom = view.top() + f64::from(frame.client_top() + frame.client_height());
    assert!(
        last.get_bounding_client_rect().bottom() <= view_bottom + 1.0,
        "the last row is in view: its bottom {} below the view's {view_bottom}",
        last.get_bounding_client_rect().bottom()
    );
    assert_eq!(
        row_index(last),
        10_001,
        "the last row drawn is the last job"
    );
    // Back to the top: the first job again.
    let top = scroll_to(&root, 0).await;
    assert!(top.contains(&2), "{top:?}");
    done(root, app);
}

#[wasm_bindgen_test]
async fn a_page_up_to_the_threshold_is_drawn_whole() {
    let _turn = turn().await;
    let limit = 100;
    assert!(limit <= WINDOW_FROM);
    let cfg = cckm_signed_in(Language::En).await;
    sim(
        Method::Post,
        "/_sim/scenario",
        Some(r#"{"name":"many-jobs"}"#),
    )
    .await;
    let window = web_sys::window().expect("a window");
    window.location().set_hash("limit=100").expect("a hash");
    let root = host();
    let app = render_jobs(&root, cfg, 600_000);
    let drawn = until(
        || format!("100 rows never drawn: {}", rows(&root).len()),
        || Some(rows(&root).len()).filter(|n| *n == 100),
    )
    .await;
    assert_eq!(drawn, 100);
    let table = appears(&root, "[data-kw=\"jobs\"]").await;
    assert_eq!(table.get_attribute("aria-rowcount"), None);
    assert!(root.query_selector(".kw-spacer").ok().flatten().is_none());
    done(root, app);
}

/// A key pressed on `target`, bubbling, as a keyboard sends it.
fn press(target: &Element, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init)
        .expect("a key event");
    target.dispatch_event(&event).expect("dispatched");
}

/// The element that has the focus, and its `data-at`.
/// The timeline's marks, once drawn.
async fn timeline_marks(root: &Element) -> web_sys::NodeList {
    until(
        || "the timeline drew no mark".to_owned(),
        || {
            root.query_selector_all("[data-kw=\"timeline\"] .kw-mark")
                .ok()
                .filter(|marks| marks.length() > 0)
        },
    )
    .await
}

fn focused_mark() -> Option<String> {
    web_sys::window()?
        .document()?
        .active_element()?
        .get_attribute("data-at")
}

#[wasm_bindgen_test]
async fn the_timeline_is_one_tab_stop_and_its_keys_walk_the_marks() {
    let _turn = turn().await;
    let (root, app) = big_page(1_000).await;
    // The marks are drawn in the task after the table.
    let marks = timeline_marks(&root).await;
    assert_eq!(marks.length(), 300, "a mark for each of the first 300 jobs");
    let tab_stops = |root: &Element| {
        root.query_selector_all("[data-kw=\"timeline\"] [tabindex=\"0\"]")
            .expect("a selector")
            .length()
    };
    assert_eq!(
        tab_stops(&root),
        1,
        "the timeline is one stop of the tab order"
    );
    let mark = |at: u32| {
        root.query_selector(&format!("[data-kw=\"timeline\"] [data-at=\"{at}\"]"))
            .ok()
            .flatten()
            .expect("a mark")
    };
    assert_eq!(mark(0).get_attribute("tabindex").as_deref(), Some("0"));
    mark(0)
        .dyn_into::<web_sys::SvgElement>()
        .expect("an SVG element")
        .focus()
        .expect("focused");
    assert_eq!(focused_mark().as_deref(), Some("0"));

    // The arrows move the focus and the one tab stop with it; End goes last.
    press(&mark(0), "ArrowRight");
    until(
        || format!("ArrowRight left the focus on {:?}", focused_mark()),
        || (focused_mark().as_deref() == Some("1")).then_some(()),
    )
    .await;
    until(
        || "the tab stop did not follow the focus".to_owned(),
        || (mark(1).get_attribute("tabindex").as_deref() == Some("0")).then_some(()),
    )
    .await;
    assert_eq!(mark(0).get_attribute("tabindex").as_deref(), Some("-1"));
    assert_eq!(tab_stops(&root), 1);
    press(&mark(1), "End");
    until(
        || format!("End left the focus on {:?}", focused_mark()),
        || (focused_mark().as_deref() == Some("299")).then_some(()),
    )
    .await;

    // Enter opens the focused mark's job: its row drawn and open.
    let id = mark(299).get_attribute("data-id").expect("a mark's job");
    press(&mark(299), "Enter");
    until(
        || format!("Enter never opened {id}"),
        || {
            rows(&root)
                .into_iter()
                .find(|r| r.get_attribute("data-id").as_deref() == Some(id.as_str()))?
                .query_selector("[data-kw=\"expand\"][aria-expanded=\"true\"]")
                .ok()
                .flatten()
        },
    )
    .await;
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn the_timeline_and_find_reach_rows_out_of_view() {
    let _turn = turn().await;
    let (root, app) = big_page(1_000).await;
    let marks = timeline_marks(&root).await;
    assert!(marks.length() >= 300, "{} marks", marks.length());
    let mark = marks
        .item(250)
        .and_then(|m| m.dyn_into::<Element>().ok())
        .expect("a 251st mark");
    let id = mark.get_attribute("data-id").expect("a mark's job");
    assert!(
        rows(&root)
            .iter()
            .all(|r| r.get_attribute("data-id").as_deref() != Some(id.as_str())),
        "the 251st job is drawn before any scrolling"
    );
    // An SVG mark has no click(): a bubbling click event, as a pointer sends.
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let click = web_sys::Event::new_with_event_init_dict("click", &init).expect("an event");
    mark.dispatch_event(&click).expect("dispatched");
    // Its row is drawn, open, and in the frame's view.
    let frame = wrap(&root);
    let row = until(
        || {
            let drawn: Vec<(usize, Option<String>)> = rows(&root)
                .iter()
                .map(|r| (row_index(r), r.get_attribute("class")))
                .collect();
            format!(
                "job {id} never came into view, open; scrolled to {} of {}, rowcount {:?}: {drawn:?}",
                frame.scroll_top(),
                frame.scroll_height(),
                root.query_selector("[data-kw=\"jobs\"]")
                    .ok()
                    .flatten()
                    .and_then(|t| t.get_attribute("aria-rowcount"))
            )
        },
        || {
            let row = rows(&root)
                .into_iter()
                .find(|r| r.get_attribute("data-id").as_deref() == Some(id.as_str()))?;
            let (r, v) = (
                row.get_bounding_client_rect(),
                frame.get_bounding_client_rect(),
            );
            let open = row
                .query_selector("[data-kw=\"expand\"]")
                .ok()
                .flatten()
                .and_then(|b| b.get_attribute("aria-expanded"))
                .as_deref()
                == Some("true");
            (open && r.top() >= v.top() - 1.0 && r.bottom() <= v.bottom() + 1.0).then_some(row)
        },
    )
    .await;
    assert_eq!(row_index(&row), 252);
    let detail = appears(&root, "[data-kw=\"job-detail\"]").await;
    assert_eq!(
        detail.get_attribute("aria-rowindex").as_deref(),
        Some("253")
    );
    assert_eq!(
        root.query_selector("[data-kw=\"jobs\"]")
            .ok()
            .flatten()
            .and_then(|t| t.get_attribute("aria-rowcount"))
            .as_deref(),
        Some("1002"),
        "the open job's detail is a row of the table"
    );

    // Find reaches a job far down the page: its row alone.
    let far = marks
        .item(299)
        .and_then(|m| m.dyn_into::<Element>().ok())
        .and_then(|m| m.get_attribute("data-id"))
        .expect("a 300th mark");
    scroll_to(&root, 0).await;
    type_into(&root, "[data-kw=\"find\"]", &far[..13]);
    let found = until(
        || format!("find never showed {far} alone: {}", rows(&root).len()),
        || {
            let shown = rows(&root);
            (shown.len() == 1 && shown[0].get_attribute("data-id").as_deref() == Some(far.as_str()))
                .then_some(shown)
        },
    )
    .await;
    assert_eq!(row_index(&found[0]), 2, "the one row found is row 2 of 2");
    assert_eq!(
        text_of(&root, "[data-kw=\"find-count\"]"),
        "1 of 1,000 jobs on this page match"
    );
    type_into(&root, "[data-kw=\"find\"]", "");
    let back = until(
        || "rows never came back after find was cleared".to_owned(),
        || Some(rows(&root).len()).filter(|n| *n > 1),
    )
    .await;
    assert!(back <= DRAWN_AT_MOST);
    done(root, app);
}

#[wasm_bindgen_test]
async fn rows_scrolled_into_view_show_their_own_jobs_and_no_other_row_s_note() {
    let _turn = turn().await;
    let (root, app) = big_page(1_000).await;
    let top = rows(&root);
    assert!(top.len() >= 3, "{} rows drawn", top.len());
    top[1]
        .query_selector(".kw-copy")
        .ok()
        .flatten()
        .and_then(|b| b.dyn_into::<HtmlElement>().ok())
        .expect("a copy button")
        .click();
    appears(&root, ".kw-copied").await;
    // Three windows down, then back: every row drawn is its own job's
    // (its id in its cells, its place in order), and the "Copied" note
    // stays with the job it was said of.
    for y in [3 * 900, 0] {
        let drawn = scroll_to(&root, y).await;
        let shown = rows(&root);
        assert_eq!(shown.len(), drawn.len());
        assert!(shown.len() >= 10, "{} rows drawn at {y}", shown.len());
        for pair in drawn.windows(2) {
            assert_eq!(pair[1], pair[0] + 1, "rows in order at {y}: {drawn:?}");
        }
        for row in &shown {
            let id = row.get_attribute("data-id").expect("an id");
            let code = row
                .query_selector("[data-kw=\"job-id\"]")
                .ok()
                .flatten()
                .expect("its id cell");
            assert_eq!(code.get_attribute("title").as_deref(), Some(id.as_str()));
            assert_eq!(
                code.text_content().unwrap_or_default(),
                id.chars().take(8).collect::<String>()
            );
        }
        let notes: Vec<String> = shown
            .iter()
            .filter(|r| r.query_selector(".kw-copied").ok().flatten().is_some())
            .filter_map(|r| r.get_attribute("data-id"))
            .collect();
        let copied = top[1].get_attribute("data-id");
        match y {
            0 => assert!(
                notes.len() <= 1 && notes.iter().all(|n| Some(n) == copied.as_ref()),
                "{notes:?}"
            ),
            _ => assert_eq!(notes, Vec::<String>::new(), "a note on a job not copied"),
        }
    }
    done(root, app);
}

#[wasm_bindgen_test]
async fn a_long_page_polled_again_shows_a_new_job_as_soon_as_the_server_has_one() {
    let _turn = turn().await;
    let (root, app) = big_page_polled(1_000, 1_000).await;
    let first_id = |root: &Element| rows(root).first().and_then(|r| r.get_attribute("data-id"));
    let range = text_of(&root, "[data-kw=\"range\"]");
    let was = first_id(&root).expect("a first row");
    // Two polls with nothing new: the page shown stays.
    sleep(2_500).await;
    assert_eq!(first_id(&root).as_deref(), Some(was.as_str()));
    assert_eq!(text_of(&root, "[data-kw=\"range\"]"), range);
    // The server starts a job: the next poll shows it first, and the total
    // counts it (an unchanged reply is kept unread, a changed one is read).
    sim(
        Method::Post,
        "/_sim/clock",
        Some(r#"{"advance_seconds":30}"#),
    )
    .await;
    let now = until(
        || format!("the new job never came: {range}"),
        || first_id(&root).filter(|id| *id != was),
    )
    .await;
    assert_ne!(now, was);
    assert_ne!(
        text_of(&root, "[data-kw=\"range\"]"),
        range,
        "the total counts it"
    );
    done(root, app);
}

#[wasm_bindgen_test]
async fn the_focused_row_stays_when_it_scrolls_away_and_back() {
    let _turn = turn().await;
    let (root, app) = big_page(1_000).await;
    let third = rows(&root).into_iter().nth(2).expect("a third row");
    let id = third.get_attribute("data-id").expect("an id");
    let button = third
        .query_selector("[data-kw=\"expand\"]")
        .ok()
        .flatten()
        .and_then(|b| b.dyn_into::<HtmlElement>().ok())
        .expect("its expand button");
    button.focus().expect("focused");
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let focused = || {
        document
            .active_element()
            .is_some_and(|a| a.is_same_node(Some(&button)))
    };
    assert!(focused());
    sleep(50).await;

    let frame = wrap(&root);
    let end = scroll_to(&root, frame.scroll_height()).await;
    assert!(end.contains(&1_001), "{end:?}");
    assert!(end.contains(&4), "the focused row (row 4) is kept: {end:?}");
    assert!(end.len() <= DRAWN_AT_MOST);
    assert!(button.is_connected(), "the focused button left the page");
    assert!(focused(), "the focus left the row scrolled away");

    let top = scroll_to(&root, 0).await;
    assert_eq!(
        top.iter().filter(|i| **i == 4).count(),
        1,
        "row 4 drawn once: {top:?}"
    );
    let again = rows(&root)
        .into_iter()
        .find(|r| r.get_attribute("data-id").as_deref() == Some(id.as_str()))
        .expect("the row back in the window");
    assert!(again.is_same_node(Some(&third)), "the same row element");
    assert!(focused(), "the focus is where it was");
    // Enter on the focused button opens the row (a button's own behaviour).
    button.click();
    appears(&root, "[data-kw=\"job-detail\"]").await;
    done(root, app);
}

/// The sync-job card alone in `root`, its view in the address, polling
/// too seldom to interfere.
fn render_jobs(
    root: &Element,
    cfg: keywatch::api::CckmConfig,
    every_ms: u32,
) -> yew::AppHandle<SyncJobs> {
    yew::Renderer::<SyncJobs>::with_root_and_props(
        root.clone(),
        SyncJobsProps {
            lang: Language::En,
            cckm: Some(cfg),
            every_ms,
            on_sign_in_needed: Callback::noop(),
            view_in_address: true,
        },
    )
    .render()
}

//! The GKLM cards on one polling engine, in headless Chromium against the
//! simulator on 127.0.0.1, with polling counted at the simulator.
#![cfg(target_arch = "wasm32")]

use keywatch::api::http::Method;
use keywatch::api::GklmConfig;
use keywatch::components::backup_activity::BackupActivity;
use keywatch::components::cluster::Cluster;
use keywatch::components::gklm_card::GklmCardProps;
use keywatch::components::last_backup::LastBackup;
use keywatch::components::notifications::Notifications;
use keywatch::components::restore::Restore;
use keywatch::embed::mount;
use keywatch::lang::Language;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew::{BaseComponent, Callback};

wasm_bindgen_test_configure!(run_in_browser);

mod support;

use support::{
    appears, clear_hits, click, fault, gateway, hits, hits_reach, host, inside, known_event,
    pin_backup_result, pin_restore, renders, signed_in, sim, sleep, text_of, turn, until,
};

const RESULT: &str = "/SKLM/rest/v1/ckms/backups/result";
const RUNNING: &str = "/SKLM/rest/v1/ckms/backups/isrunning";
const PROGRESS: &str = "/SKLM/rest/v1/ckms/backupRestore/progress";
const ALTERNATE: &str = "/SKLM/rest/v1/ckms/restore/progress";

fn props(gklm: GklmConfig, every_ms: u32) -> GklmCardProps {
    GklmCardProps {
        lang: gklm.language,
        gklm: Some(gklm),
        every_ms,
        on_sign_in_needed: Callback::noop(),
        backup_max_age_hours: 24,
    }
}

fn render<C: BaseComponent<Properties = GklmCardProps>>(
    props: GklmCardProps,
) -> (Element, yew::AppHandle<C>) {
    let root = host();
    let app = yew::Renderer::<C>::with_root_and_props(root.clone(), props).render();
    (root, app)
}

#[wasm_bindgen_test]
async fn backup_activity_says_running_with_the_servers_text_and_polls_faster() {
    let _turn = turn().await;
    let cfg = signed_in(Language::En).await;
    sim(Method::Post, "/_sim/backup", Some(r#"{"running":true}"#)).await;
    let (root, app) = render::<BackupActivity>(props(cfg.clone(), 60_000));
    let card = appears(
        &root,
        "[data-kw=\"backup-activity\"][data-state=\"running\"]",
    )
    .await;
    assert!(text_of(&card, "[data-kw=\"verdict\"]").ends_with("Running"));
    assert_eq!(
        text_of(&card, "[data-kw=\"server-status\"]"),
        "CTGKM3290I Backup process is running."
    );
    // Running: every 5 s although the base interval is a minute.
    clear_hits().await;
    sleep(5_600).await;
    let (count, _) = hits(RUNNING).await;
    assert!(count >= 1, "no faster poll while running ({count})");

    // The run ends: the card says when the panel saw that.
    sim(
        Method::Post,
        "/_sim/backup",
        Some(r#"{"running":false,"result":"0"}"#),
    )
    .await;
    let card = appears(&root, "[data-kw=\"backup-activity\"][data-state=\"idle\"]").await;
    let ended = appears(&card, "[data-kw=\"run-ended\"]").await;
    let said = ended.text_content().unwrap_or_default();
    assert!(said.starts_with("Last run seen ending"), "{said}");
    assert!(text_of(&card, "[data-kw=\"verdict\"]").ends_with("Not running"));
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn a_run_that_ends_fetches_the_last_backup_at_once() {
    let _turn = turn().await;
    let cfg = signed_in(Language::En).await;
    sim(
        Method::Post,
        "/_sim/backup",
        Some(r#"{"running":true,"result":"1"}"#),
    )
    .await;
    let page = host();
    let config = format!(
        r#"{{"gklmUrl":"{}/SKLM/rest/v1","gklmAuthId":"{}","pollSeconds":3600,"cards":["lastBackup","backupActivity"]}}"#,
        gateway(),
        cfg.auth_id.clone().unwrap_or_default()
    );
    let panel = mount(page.clone(), JsValue::from_str(&config)).expect("mounted");
    let root = inside(&page);
    appears(&root, "[data-kw=\"last-backup\"][data-state=\"failed\"]").await;
    appears(
        &root,
        "[data-kw=\"backup-activity\"][data-state=\"running\"]",
    )
    .await;
    // The run ends in success; with an hour between polls, only the end of
    // the run can make the last-backup card look again.
    sim(
        Method::Post,
        "/_sim/backup",
        Some(r#"{"running":false,"result":"0"}"#),
    )
    .await;
    appears(&root, "[data-kw=\"last-backup\"][data-state=\"succeeded\"]").await;
    panel.destroy();
    sleep(0).await;
    page.remove();
}

#[wasm_bindgen_test]
async fn restore_stepper_marks_the_current_phase_and_the_ones_passed_unseen() {
    let _turn = turn().await;
    let cfg = signed_in(Language::En).await;
    pin_restore(2).await;
    let (root, app) = render::<Restore>(props(cfg, 300));
    let card = appears(&root, "[data-kw=\"restore\"][data-state=\"running\"]").await;
    let steps = card
        .query_selector_all("[data-kw=\"restore-steps\"] li")
        .unwrap();
    assert_eq!(steps.length(), 8, "eight phases");
    appears(&card, "li[data-phase=\"2\"][aria-current=\"step\"]").await;

    pin_restore(5).await;
    appears(&root, "li[data-phase=\"5\"][aria-current=\"step\"]").await;
    for (phase, step) in [
        ("1", "passed"),
        ("2", "passed"),
        ("3", "passed-unseen"),
        ("4", "passed-unseen"),
        ("6", "pending"),
    ] {
        let li = appears(&root, &format!("li[data-phase=\"{phase}\"]")).await;
        assert_eq!(
            li.get_attribute("data-step").as_deref(),
            Some(step),
            "phase {phase}"
        );
    }
    assert!(text_of(&root, "li[data-phase=\"3\"]").contains("done"));

    pin_restore(7).await;
    let card = appears(&root, "[data-kw=\"restore\"][data-state=\"completed\"]").await;
    assert!(card
        .query_selector("[aria-current=\"step\"]")
        .unwrap()
        .is_none());
    assert_eq!(
        card.query_selector_all("li[data-step=\"pending\"]")
            .unwrap()
            .length(),
        0
    );

    pin_restore(0).await;
    let card = appears(&root, "[data-kw=\"restore\"][data-state=\"idle\"]").await;
    assert!(text_of(&card, "[data-kw=\"verdict\"]").ends_with("No restore running"));
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn restore_falls_back_to_the_examples_path_once_and_stays_there() {
    let _turn = turn().await;
    let cfg = signed_in(Language::En).await;
    pin_restore(4).await;
    sim(Method::Delete, "/_sim/faults", None).await;
    fault(&format!(
        r#"{{"route":"{PROGRESS}","kind":"status","status":404}}"#
    ))
    .await;
    clear_hits().await;
    let (root, app) = render::<Restore>(props(cfg, 300));
    appears(&root, "li[data-phase=\"4\"][aria-current=\"step\"]").await;
    // The card keeps polling, on the alternate path only.
    hits_reach(ALTERNATE, 4).await;
    assert_eq!(
        hits(PROGRESS).await.0,
        1,
        "the documented path was asked once only"
    );
    app.destroy();
    root.remove();
    sim(Method::Delete, "/_sim/faults", None).await;
}

async fn look_up(root: &Element, id: &str) {
    let input = appears(root, "[data-kw=\"event-lookup\"] input")
        .await
        .dyn_into::<HtmlInputElement>()
        .unwrap();
    input.set_value(id);
    click(root, "[data-kw=\"event-lookup\"] button[type=\"submit\"]");
}

#[wasm_bindgen_test]
async fn notification_lookup_known_unknown_and_refused_ids() {
    let _turn = turn().await;
    let cfg = signed_in(Language::En).await;
    let event = known_event().await;
    let (root, app) = render::<Notifications>(props(cfg, 60_000));
    // IBM's example event waits for its delivery when the simulator starts.
    appears(
        &root,
        "[data-kw=\"notifications\"][data-state=\"events-undelivered\"]",
    )
    .await;
    let label = text_of(&root, "[data-kw=\"event-lookup\"] label");
    assert_eq!(label, "Event UUID");

    // Bad input: a sentence saying why, and nothing sent.
    clear_hits().await;
    for (bad, says) in [
        ("   ", "Enter an event UUID first."),
        ("a b", "no spaces"),
        ("../backups/result", "no “/”"),
        ("x..y", "no “..”"),
    ] {
        look_up(&root, bad).await;
        until(
            || {
                format!(
                    "{bad:?} was not refused with {says:?}: {}",
                    root.inner_html()
                )
            },
            || {
                root.query_selector("[data-kw=\"uuid-problem\"]")
                    .ok()
                    .flatten()
                    .and_then(|p| p.text_content())
                    .filter(|t| t.contains(says))
            },
        )
        .await;
        let input = root
            .query_selector("[data-kw=\"event-lookup\"] input")
            .unwrap()
            .unwrap();
        assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    }
    let status_path = "/SKLM/rest/v1/ckms/notification/status/";
    let sent =
        hits(&format!("{status_path}a%20b")).await.0 + hits(&format!("{status_path}x..y")).await.0;
    assert_eq!(sent, 0, "a refused id is never sent");

    // A known id: one row per channel.
    look_up(&root, &format!("  {event} ")).await;
    let table = appears(&root, "[data-kw=\"deliveries\"]").await;
    assert!(root
        .query_selector("[data-kw=\"uuid-problem\"]")
        .unwrap()
        .is_none());
    let rows = table.query_selector_all("tbody tr").unwrap();
    assert!(rows.length() >= 1, "no rows for {event}");
    let row = appears(&table, "tbody tr").await;
    let delivery = text_of(&row, "td .kw-badge");
    match row.get_attribute("data-state").as_deref() {
        Some("delivered") => assert!(delivery.ends_with("Delivered"), "{delivery}"),
        Some("not-delivered") => assert!(delivery.ends_with("Not delivered"), "{delivery}"),
        Some("other") => assert!(!delivery.trim().is_empty()),
        other => panic!("a row in state {other:?}"),
    }
    // The tries beneath the badge, in the same cell, counted in words.
    assert_tries_in_delivery_cell(&row);
    assert_eq!(text_of(&table, "thead"), "ChannelDelivery, Tries");

    // An unknown id: GKLM's not-found, with its code.
    look_up(
        &root,
        "NOT_EVENT-0000000-00000000-0000-0000-0000-000000000000",
    )
    .await;
    let card = appears(
        &root,
        "[data-kw=\"notifications\"][data-state=\"not-found\"]",
    )
    .await;
    assert!(text_of(&card, "[data-kw=\"not-found\"]").contains("CTGKM0404E"));

    // Both ids are offered again; one click looks the known one up again.
    let recent = root
        .query_selector_all("[data-kw=\"recent-event\"]")
        .unwrap();
    assert_eq!(recent.length(), 2);
    let buttons: Vec<String> = (0..recent.length())
        .filter_map(|i| recent.item(i).and_then(|n| n.text_content()))
        .collect();
    assert!(buttons.contains(&event), "{buttons:?}");
    let again = (0..recent.length())
        .filter_map(|i| recent.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .find(|b| b.text_content().as_deref() == Some(event.as_str()))
        .expect("the known id is offered");
    again.click();
    appears(&root, "[data-kw=\"deliveries\"]").await;
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn a_check_that_brings_nothing_new_renders_nothing() {
    let _turn = turn().await;
    let cfg = signed_in(Language::En).await;
    pin_backup_result("0").await;
    let (root, app) = render::<LastBackup>(props(cfg, 300));
    appears(&root, "[data-kw=\"last-backup\"][data-state=\"succeeded\"]").await;
    appears(&root, "[data-kw=\"backup-need\"]").await;
    // Every first reading is in: the age and the list of backups too.
    appears(&root, "[data-kw=\"backup-age\"]").await;
    appears(&root, "[data-kw=\"backup-history\"]").await;
    let before = renders(&root, "last-backup");
    clear_hits().await;
    hits_reach(RESULT, 5).await;
    assert_eq!(
        renders(&root, "last-backup"),
        before,
        "an unchanged poll rendered the card"
    );
    // A change renders.
    pin_backup_result("1").await;
    appears(&root, "[data-kw=\"last-backup\"][data-state=\"failed\"]").await;
    assert!(renders(&root, "last-backup") > before);
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn a_failing_server_is_asked_less_and_less_often() {
    let _turn = turn().await;
    let cfg = signed_in(Language::En).await;
    pin_backup_result("0").await;
    sim(Method::Delete, "/_sim/faults", None).await;
    fault(&format!(
        r#"{{"route":"{RESULT}","kind":"status","status":503}}"#
    ))
    .await;
    clear_hits().await;
    let (root, app) = render::<LastBackup>(props(cfg, 200));
    appears(&root, "[data-kw=\"last-backup\"][data-state=\"error\"]").await;
    sleep(3_000).await;
    // Without back-off, 200 ms polling would ask 15 times in 3 s; doubling
    // from 200 ms (±20 %) asks at about 0, 0.4, 1.2, 2.8 s.
    let (count, _) = hits(RESULT).await;
    assert!((3..=6).contains(&count), "asked {count} times in 3 s");
    let footer = text_of(&root, "[data-kw=\"failures\"]");
    assert!(footer.starts_with("Failed checks in a row: "), "{footer}");
    // The server recovers: so does the card, by itself.
    sim(Method::Delete, "/_sim/faults", None).await;
    appears(&root, "[data-kw=\"last-backup\"][data-state=\"succeeded\"]").await;
    app.destroy();
    root.remove();
}

fn set_hidden(hidden: bool) {
    let document = web_sys::window().unwrap().document().unwrap();
    let descriptor = js_sys::Object::new();
    let getter = js_sys::Function::new_no_args(if hidden {
        "return true"
    } else {
        "return false"
    });
    js_sys::Reflect::set(&descriptor, &"get".into(), &getter).unwrap();
    js_sys::Reflect::set(&descriptor, &"configurable".into(), &true.into()).unwrap();
    js_sys::Object::define_property(&document, &"hidden".into(), &descriptor);
    let event = web_sys::Event::new("visibilitychange").unwrap();
    document.dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn nothing_is_asked_while_the_page_is_hidden() {
    let _turn = turn().await;
    let cfg = signed_in(Language::En).await;
    pin_backup_result("0").await;
    let (root, app) = render::<LastBackup>(props(cfg, 200));
    appears(&root, "[data-kw=\"last-backup\"][data-state=\"succeeded\"]").await;
    set_hidden(true);
    sleep(100).await;
    clear_hits().await;
    sleep(1_500).await;
    let hidden = hits(RESULT).await.0;
    set_hidden(false);
    assert_eq!(hidden, 0, "asked while hidden");
    // Shown again: asked at once.
    hits_reach(RESULT, 1).await;
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn never_two_requests_at_once_and_nothing_after_unmount() {
    let _turn = turn().await;
    let cfg = signed_in(Language::En).await;
    pin_backup_result("0").await;
    sim(Method::Delete, "/_sim/faults", None).await;
    fault(&format!(
        r#"{{"route":"{RESULT}","kind":"latency","ms":700}}"#
    ))
    .await;
    let page = host();
    let config = format!(
        r#"{{"gklmUrl":"{}/SKLM/rest/v1","gklmAuthId":"{}","pollSeconds":2,"cards":["lastBackup"]}}"#,
        gateway(),
        cfg.auth_id.clone().unwrap_or_default()
    );
    // Two panels with the same server and session on one page.
    let second_page = host();
    clear_hits().await;
    let panel = mount(page.clone(), JsValue::from_str(&config)).expect("mounted");
    let other = mount(second_page.clone(), JsValue::from_str(&config)).expect("mounted");
    let (root, second) = (inside(&page), inside(&second_page));
    appears(&root, "[data-kw=\"last-backup\"][data-state=\"succeeded\"]").await;
    // Refresh again and again while a slow answer is under way.
    for _ in 0..6 {
        click(&root, "[data-kw=\"refresh\"]");
        click(&second, "[data-kw=\"refresh\"]");
        sleep(150).await;
    }
    let (count, most) = hits_reach(RESULT, 2).await;
    assert_eq!(
        most, 1,
        "two requests for one endpoint and session at once ({count} in all)"
    );

    // Unmounting aborts: nothing more is asked.
    panel.destroy();
    other.destroy();
    sleep(800).await;
    let after = hits(RESULT).await.0;
    sleep(2_500).await;
    assert_eq!(hits(RESULT).await.0, after, "polled after destroy()");
    sim(Method::Delete, "/_sim/faults", None).await;
    page.remove();
    second_page.remove();
}

#[wasm_bindgen_test]
async fn polling_stops_once_a_sign_in_is_needed() {
    let _turn = turn().await;
    sim(Method::Post, "/_sim/reset", None).await;
    clear_hits().await;
    let anonymous = support::config(Language::En);
    let (root, app) = render::<LastBackup>(props(anonymous, 200));
    appears(&root, "[data-kw=\"last-backup\"][data-state=\"sign-in\"]").await;
    let (asked, _) = hits(RESULT).await;
    assert_eq!(asked, 1, "asked once without a session");
    sleep(1_500).await;
    assert_eq!(
        hits(RESULT).await.0,
        1,
        "asked again with a credential that cannot work"
    );
    app.destroy();
    root.remove();
}

/// Chooses `value` in the `<select>` found by `selector`, as a person would.
fn choose(root: &Element, selector: &str, value: &str) {
    let select = root
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .dyn_into::<web_sys::HtmlSelectElement>()
        .unwrap();
    select.set_value(value);
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
}

/// `(event id, channel, data-state)` of each row of the events list.
/// The row's delivery cell shows the tries beneath the badge: "1 try",
/// "3 tries".
fn assert_tries_in_delivery_cell(row: &Element) {
    let tries = text_of(row, "td .kw-badge + [data-kw=\"tries\"]");
    let badge = text_of(row, "td .kw-badge");
    assert!(!badge.trim().is_empty(), "{}", row.inner_html());
    let (n, word) = tries
        .split_once(' ')
        .unwrap_or_else(|| panic!("tries {tries:?}"));
    let n: u32 = n.parse().unwrap_or_else(|_| panic!("tries {tries:?}"));
    assert_eq!(word, if n == 1 { "try" } else { "tries" }, "{tries:?}");
}

fn listed(root: &Element) -> Vec<(String, String, String)> {
    let rows = root
        .query_selector_all("[data-kw=\"events\"] tbody tr")
        .unwrap();
    (0..rows.length())
        .filter_map(|i| rows.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .map(|row| {
            (
                // The whole id (the cell shows its telling part).
                row.query_selector("[data-kw=\"event-id\"]")
                    .unwrap()
                    .and_then(|b| b.get_attribute("title"))
                    .unwrap_or_default(),
                text_of(&row, "[data-kw=\"channel\"]"),
                row.get_attribute("data-state").unwrap_or_default(),
            )
        })
        .collect()
}

#[wasm_bindgen_test]
async fn the_events_list_shows_undelivered_first_filters_pages_and_looks_one_up() {
    let _turn = turn().await;
    sim(Method::Post, "/_sim/reset", None).await;
    // An hour of a failing server: dozens of events, few delivered.
    sim(
        Method::Post,
        "/_sim/scenario",
        Some(r#"{"name":"failing"}"#),
    )
    .await;
    sim(
        Method::Post,
        "/_sim/clock",
        Some(r#"{"advance_seconds":3600}"#),
    )
    .await;
    let mut cfg = support::config(Language::En);
    cfg.auth_id = Some(support::signed_in_again().await);
    clear_hits().await;
    let (root, app) = render::<Notifications>(props(cfg, 60_000));
    appears(
        &root,
        "[data-kw=\"notifications\"][data-state=\"events-undelivered\"]",
    )
    .await;
    let card = appears(&root, "[data-kw=\"events\"]").await;
    // GKLM 5.x names each event's type: in words.
    assert_eq!(text_of(&card, "thead"), "Event, TypeDelivery, TriesChannel");
    // The type in words on the Event cell's second line.
    let typed = appears(&card, "tbody th [data-kw=\"event-type\"]").await;
    let words = typed.text_content().unwrap_or_default();
    let code = typed.get_attribute("title").unwrap_or_default();
    assert!(
        !words.is_empty() && !words.contains('_'),
        "{words:?} for {code}"
    );

    let rows = card.query_selector_all("tbody tr").unwrap();
    for i in 0..rows.length() {
        let row = rows.item(i).unwrap().dyn_into::<Element>().unwrap();
        assert_eq!(row.query_selector_all("td").unwrap().length(), 2);
        assert_tries_in_delivery_cell(&row);
    }

    // By default only what was not delivered, a page of 8 at a time.
    let first_page = listed(&root);
    assert_eq!(first_page.len(), 8, "{first_page:?}");
    assert!(first_page.iter().all(|(_, _, state)| state != "delivered"));
    let range = text_of(&root, "[data-kw=\"event-pager\"] [data-kw=\"range\"]");
    assert!(range.starts_with("1–8 of "), "{range}");
    click(&root, "[data-kw=\"event-pager\"] [data-kw=\"next\"]");
    let second_page = until(
        || "the next page never came".to_owned(),
        || {
            let rows = listed(&root);
            (!rows.is_empty() && rows != first_page).then_some(rows)
        },
    )
    .await;
    assert!(text_of(&root, "[data-kw=\"range\"]").starts_with("9–"));
    assert!(second_page.iter().all(|(_, _, state)| state != "delivered"));

    // Everything: undelivered first, then the delivered ones, from page 1.
    choose(&root, "[data-kw=\"delivery-filter\"]", "all");
    let everything = until(
        || "the filter never applied".to_owned(),
        || Some(listed(&root)).filter(|rows| rows.first() == first_page.first()),
    )
    .await;
    assert_eq!(everything.len(), 8);
    // One channel: every row is on it.
    choose(&root, "[data-kw=\"channel-filter\"]", "console");
    let console = until(
        || "the channel filter never applied".to_owned(),
        || Some(listed(&root)).filter(|rows| rows.iter().all(|(_, c, _)| c == "console")),
    )
    .await;
    assert!(
        !console.is_empty(),
        "the failing scenario sends to the console too"
    );
    // Choosing fetched nothing: one list request, however many choices.
    let (asked, _) = hits("/SKLM/rest/v1/ckms/notification/status").await;
    assert_eq!(asked, 1);

    // A click on an event looks it up.
    let (event, _, _) = console[0].clone();
    click(&root, "[data-kw=\"events\"] [data-kw=\"event-id\"]");
    let deliveries = appears(&root, "[data-kw=\"deliveries\"]").await;
    assert!(deliveries.query_selector_all("tbody tr").unwrap().length() >= 1);
    let input = root
        .query_selector("[data-kw=\"event-lookup\"] input")
        .unwrap()
        .unwrap()
        .dyn_into::<HtmlInputElement>()
        .unwrap();
    assert_eq!(input.value(), event);
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn a_4_2_1_server_lists_its_deliveries_without_types() {
    let _turn = turn().await;
    let cfg = signed_in(Language::En).await;
    sim(Method::Post, "/_sim/gklm", Some(r#"{"version":"4.2.1"}"#)).await;
    let (root, app) = render::<Notifications>(props(cfg, 60_000));
    let table = appears(&root, "[data-kw=\"events\"]").await;
    assert_eq!(text_of(&table, "thead"), "EventDelivery, TriesChannel");
    assert_tries_in_delivery_cell(&appears(&table, "tbody tr").await);
    assert!(table
        .query_selector("[data-kw=\"event-type\"]")
        .unwrap()
        .is_none());
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn a_server_without_the_list_keeps_the_lookup_and_says_so_once() {
    let _turn = turn().await;
    let cfg = signed_in(Language::En).await;
    // GKLM 4.2: neither 4.2.1's list nor 5.x's events.
    sim(Method::Post, "/_sim/gklm", Some(r#"{"version":"4.2"}"#)).await;
    clear_hits().await;
    let (root, app) = render::<Notifications>(props(cfg, 300));
    let note = appears(
        &root,
        "[data-kw=\"event-list\"][data-state=\"unavailable\"]",
    )
    .await;
    assert!(note
        .text_content()
        .unwrap_or_default()
        .contains("look one up by its UUID"));
    appears(&root, "[data-kw=\"notifications\"][data-state=\"idle\"]").await;
    assert!(root
        .query_selector("[data-kw=\"event-lookup\"] input")
        .unwrap()
        .is_some());
    sleep(1_500).await;
    assert_eq!(
        hits("/SKLM/rest/v1/ckms/notification/status").await.0,
        1,
        "asked once"
    );
    assert_eq!(
        hits("/SKLM/rest/v1/ckms/notification").await.0,
        1,
        "asked once"
    );
    assert_eq!(
        root.query_selector_all("[data-kw=\"event-list\"]")
            .unwrap()
            .length(),
        1
    );
    sim(Method::Delete, "/_sim/faults", None).await;
    app.destroy();
    root.remove();
}

/// Waits for the cluster card in `state`.
async fn cluster_in(root: &Element, state: &str) -> Element {
    appears(
        root,
        &format!("[data-kw=\"cluster\"][data-state=\"{state}\"]"),
    )
    .await
}

#[wasm_bindgen_test]
async fn the_cluster_card_shows_an_unreachable_master_isolation_the_agent_and_a_standalone_server()
{
    let _turn = turn().await;
    let cfg = signed_in(Language::En).await;
    sim(
        Method::Post,
        "/_sim/cluster",
        Some(r#"{"masters":3,"unreachable":1}"#),
    )
    .await;
    sim(
        Method::Post,
        "/_sim/gklm",
        Some(r#"{"isolated":true,"agent_running":false}"#),
    )
    .await;
    let (root, app) = render::<Cluster>(props(cfg, 300));
    let card = cluster_in(&root, "master-down").await;
    assert!(text_of(&card, "[data-kw=\"verdict\"]").ends_with("A master cannot be reached"));
    let masters = card.query_selector_all("[data-kw=\"master\"]").unwrap();
    assert_eq!(masters.length(), 3);
    assert_eq!(
        card.query_selector_all("[data-kw=\"master\"][data-state=\"unreachable\"]")
            .unwrap()
            .length(),
        1
    );
    assert!(text_of(&card, "[data-kw=\"isolation\"]").ends_with("isolated"));
    let agent = text_of(&card, "[data-kw=\"agent\"]");
    assert!(agent.contains("Stopped"), "{agent}");
    assert!(!text_of(&card, "[data-kw=\"cluster-name\"]").is_empty());
    assert!(!text_of(&card, "[data-kw=\"version\"]").is_empty());
    assert!(
        card.query_selector_all("[data-kw=\"listener\"]")
            .unwrap()
            .length()
            >= 1
    );

    // Each problem goes, and the next one shows; then the cluster is whole.
    sim(
        Method::Post,
        "/_sim/cluster",
        Some(r#"{"masters":3,"unreachable":0}"#),
    )
    .await;
    let card = cluster_in(&root, "isolated").await;
    assert!(text_of(&card, "[data-kw=\"verdict\"]").ends_with("isolated from its cluster"));
    sim(Method::Post, "/_sim/gklm", Some(r#"{"isolated":false}"#)).await;
    cluster_in(&root, "agent-down").await;
    sim(
        Method::Post,
        "/_sim/gklm",
        Some(r#"{"agent_running":true}"#),
    )
    .await;
    let card = cluster_in(&root, "cluster-whole").await;
    assert!(text_of(&card, "[data-kw=\"isolation\"]").ends_with("connected"));

    // A standalone server is not an error.
    sim(Method::Post, "/_sim/gklm", Some(r#"{"standalone":true}"#)).await;
    let card = cluster_in(&root, "standalone").await;
    assert_eq!(
        text_of(&card, "[data-kw=\"cluster-name\"]"),
        "Not in a cluster"
    );
    assert!(card
        .query_selector("[data-kw=\"masters\"]")
        .unwrap()
        .is_none());
    assert!(card
        .query_selector("[data-kw=\"error\"]")
        .unwrap()
        .is_none());
    // Nor is it "connected" to a cluster, nor has it an agent with no words.
    for part in ["isolation", "agent"] {
        assert!(
            card.query_selector(&format!("[data-kw=\"{part}\"]"))
                .unwrap()
                .is_none(),
            "a standalone server shows {part}: {}",
            card.inner_html()
        );
    }
    // But a service that fails is said, standalone or not.
    fault(r#"{"route":"/SKLM/rest/v1/ckms/config/nodes/isNodeIsolatedFromCluster","kind":"status","status":500}"#).await;
    appears(
        &root,
        "[data-kw=\"cluster\"] [data-kw=\"isolation\"][data-state=\"error\"]",
    )
    .await;
    sim(Method::Delete, "/_sim/faults", None).await;

    // GKLM 4.2 has no multi-master services: in a cluster, those parts
    // alone grey out.
    sim(
        Method::Post,
        "/_sim/gklm",
        Some(r#"{"version":"4.2","standalone":false}"#),
    )
    .await;
    let card = appears(
        &root,
        "[data-kw=\"cluster\"] [data-kw=\"isolation\"][data-state=\"not-offered\"]",
    )
    .await;
    assert!(card
        .text_content()
        .unwrap_or_default()
        .contains("not offered"));
    let version = appears(&root, "[data-kw=\"cluster\"] [data-kw=\"version\"]").await;
    assert_eq!(
        version.get_attribute("data-state").as_deref(),
        Some("shown")
    );
    // It lists its masters but has no service that names the cluster: the
    // name is "not offered", not "Not in a cluster" above the three pinned.
    let name = appears(
        &root,
        "[data-kw=\"cluster\"] [data-kw=\"cluster-name\"][data-state=\"not-offered\"]",
    )
    .await;
    assert_eq!(
        name.text_content().unwrap_or_default(),
        "not offered by this server"
    );
    assert_eq!(
        root.query_selector_all("[data-kw=\"cluster\"] [data-kw=\"master\"]")
            .unwrap()
            .length(),
        3
    );
    app.destroy();
    root.remove();
}

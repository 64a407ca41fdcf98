//! `<keywatch-panel>` as a host page uses it, against the simulator:
//! attributes and properties, live updates, the events it sends, a token
//! provider, and nothing left running once it is removed or mounted over.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use js_sys::{Promise, Reflect};
use keywatch::api::http::Method;
use keywatch::embed::{mount, mounted_panels};
use keywatch::lang::Language;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{CustomEvent, Element};

mod support;

use support::{
    appears, clear_hits, fault, gateway, hits, host, inside, pin_backup_result, signed_in, sim,
    sleep, turn, until,
};

wasm_bindgen_test_configure!(run_in_browser);

const RESULT: &str = "/SKLM/rest/v1/ckms/backups/result";

/// A `<keywatch-panel>` with `attributes`, not yet on the page.
fn element(attributes: &[(&str, &str)]) -> Element {
    // What `init()` does in a page (a test binary runs no start function).
    keywatch::embed::start();
    let document = web_sys::window().unwrap().document().unwrap();
    let el = document.create_element("keywatch-panel").unwrap();
    for (name, value) in attributes {
        el.set_attribute(name, value).unwrap();
    }
    el
}

/// Puts `el` on the page; its panel starts once the task that put it there
/// is over (so that properties set right after are taken at once).
async fn attach(el: &Element) {
    host().append_child(el).unwrap();
    until(
        || "the panel did not start".into(),
        || {
            el.shadow_root()
                .and_then(|s| s.query_selector(".kw-root").ok().flatten())
                .map(|_| ())
        },
    )
    .await;
}

/// The details of every `name` event that reaches the document.
fn heard(name: &'static str) -> (EventListener, Rc<RefCell<Vec<JsValue>>>) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let document = web_sys::window().unwrap().document().unwrap();
    let listener = {
        let seen = seen.clone();
        EventListener::new(&document, name, move |event| {
            let event = event.dyn_ref::<CustomEvent>().expect("a CustomEvent");
            assert!(
                event.bubbles() && event.composed(),
                "{name} crosses the shadow root"
            );
            seen.borrow_mut().push(event.detail());
        })
    };
    (listener, seen)
}

fn field(detail: &JsValue, key: &str) -> JsValue {
    Reflect::get(detail, &JsValue::from_str(key)).unwrap()
}

fn set(el: &Element, key: &str, value: &JsValue) {
    Reflect::set(el, &JsValue::from_str(key), value).unwrap();
}

fn gklm_url() -> String {
    format!("{}/SKLM/rest/v1", gateway())
}

fn remove_page_of(el: &Element) {
    if let Some(page) = el.parent_element() {
        page.remove();
    }
}

#[wasm_bindgen_test]
async fn attributes_configure_it_properties_win_and_changes_apply_live() {
    let _turn = turn().await;
    let session = signed_in(Language::En).await;
    pin_backup_result("1").await;
    let (_errors, errors) = heard("keywatch-error");
    let el = element(&[
        ("gklm-url", &gklm_url()),
        ("gklm-auth-id", session.auth_id.as_deref().unwrap()),
        ("poll-seconds", "2"),
        ("cards", "lastBackup, restore"),
        ("theme", "dark"),
    ]);
    attach(&el).await;
    let root = inside(&el);
    let card = appears(&root, "[data-kw=\"last-backup\"][data-state=\"failed\"]").await;
    assert!(card.text_content().unwrap().contains("Failed"));
    appears(&root, "[data-kw=\"restore\"]").await;
    assert!(root
        .query_selector("[data-kw=\"notifications\"]")
        .unwrap()
        .is_none());
    let panel = appears(&root, "[data-kw=\"panel\"]").await;
    assert_eq!(panel.get_attribute("data-theme").as_deref(), Some("dark"));

    // A property wins over its attribute, and applies without a new sign-in.
    set(&el, "language", &JsValue::from_str("de"));
    set(
        &el,
        "cards",
        &js_sys::Array::of1(&JsValue::from_str("lastBackup")),
    );
    appears(&root, "[data-kw=\"last-backup\"][data-state=\"failed\"]").await;
    until(
        || format!("not German: {}", panel.text_content().unwrap_or_default()),
        || {
            panel
                .text_content()
                .filter(|t| t.contains("Fehlgeschlagen"))
                .map(|_| ())
        },
    )
    .await;
    until(
        || "the restore card stayed".into(),
        || {
            root.query_selector("[data-kw=\"restore\"]")
                .unwrap()
                .is_none()
                .then_some(())
        },
    )
    .await;
    assert!(root
        .query_selector("[data-kw=\"sign-in\"]")
        .unwrap()
        .is_none());
    el.set_attribute("theme", "light").unwrap();
    until(
        || "theme attribute not applied".into(),
        || (panel.get_attribute("data-theme").as_deref() == Some("light")).then_some(()),
    )
    .await;
    assert!(errors.borrow().is_empty(), "no error for good values");

    // A bad value: an error event that says what to fix; the panel keeps
    // its last good configuration.
    el.set_attribute("poll-seconds", "often").unwrap();
    until(
        || "no keywatch-error".into(),
        || errors.borrow().first().cloned(),
    )
    .await;
    let message = field(&errors.borrow()[0], "message").as_string().unwrap();
    assert!(
        message.contains("pollSeconds must be a whole number between 2 and 3600, not \"often\""),
        "{message}"
    );
    assert!(
        message.contains("keeps its last good configuration"),
        "{message}"
    );
    pin_backup_result("0").await;
    appears(&root, "[data-kw=\"last-backup\"][data-state=\"succeeded\"]").await;
    remove_page_of(&el);
}

#[wasm_bindgen_test]
async fn it_tells_the_host_its_status_and_when_a_sign_in_is_needed() {
    let _turn = turn().await;
    sim(Method::Post, "/_sim/reset", None).await;
    pin_backup_result("1").await;
    let (_auth, auth) = heard("keywatch-auth-required");
    let (_status, status) = heard("keywatch-status");
    let el = element(&[("gklm-url", &gklm_url()), ("poll-seconds", "2")]);
    attach(&el).await;
    let root = inside(&el);

    // No session: the form shows, and the host hears which server asks.
    appears(&root, "[data-kw=\"sign-in\"]").await;
    until(
        || "no keywatch-auth-required".into(),
        || auth.borrow().first().cloned(),
    )
    .await;
    assert_eq!(
        field(&auth.borrow()[0], "system").as_string().as_deref(),
        Some("gklm")
    );
    assert!(status.borrow().is_empty(), "no status before any reading");

    // Signed in (by the host, as a property): the status comes.
    let session = support::signed_in_again().await;
    set(&el, "gklmAuthId", &JsValue::from_str(&session));
    let first = until(
        || "no keywatch-status".into(),
        || status.borrow().last().cloned(),
    )
    .await;
    until(
        || "backupResult never reached failed".into(),
        || {
            let last = status.borrow().last().cloned()?;
            (field(&last, "backupResult").as_string().as_deref() == Some("failed")).then_some(())
        },
    )
    .await;
    assert!(first.is_object());
    // Unchanged polls send nothing more.
    let settled = {
        sleep(2_500).await;
        status.borrow().len()
    };
    sleep(4_500).await;
    assert_eq!(
        status.borrow().len(),
        settled,
        "status sent for unchanged polls"
    );
    // A change is sent.
    pin_backup_result("0").await;
    until(
        || "backupResult never reached succeeded".into(),
        || {
            let last = status.borrow().last().cloned()?;
            (field(&last, "backupResult").as_string().as_deref() == Some("succeeded")).then_some(())
        },
    )
    .await;
    let last = status.borrow().last().cloned().unwrap();
    assert_eq!(
        field(&last, "restoreState").as_string().as_deref(),
        Some("idle")
    );
    assert_eq!(field(&last, "backupRunning").as_bool(), Some(false));
    assert!(
        field(&last, "syncJobsFailed").is_null(),
        "no CipherTrust configured"
    );
    remove_page_of(&el);
}

/// A `tokenProvider` answering with `answers` in turn (`None`: a rejection),
/// and the systems it was asked for.
fn provider(answers: Vec<Option<String>>) -> (JsValue, Rc<RefCell<Vec<String>>>) {
    let asked = Rc::new(RefCell::new(Vec::new()));
    let answers = RefCell::new(answers.into_iter());
    let f = {
        let asked = asked.clone();
        Closure::<dyn Fn(String) -> Promise>::new(move |system: String| {
            asked.borrow_mut().push(system);
            match answers.borrow_mut().next().flatten() {
                Some(token) => Promise::resolve(&JsValue::from_str(&token)),
                None => Promise::reject(&js_sys::Error::new("the console is offline").into()),
            }
        })
    };
    (f.into_js_value(), asked)
}

#[wasm_bindgen_test]
async fn a_token_provider_is_asked_at_start_after_a_401_and_its_failure_is_told() {
    let _turn = turn().await;
    let first = support::signed_in(Language::En).await.auth_id.unwrap();
    pin_backup_result("0").await;
    let second = support::signed_in_again().await;
    let (tokens, asked) = provider(vec![Some(first), Some(second), None]);
    let (_errors, errors) = heard("keywatch-error");
    let (_auth, auth) = heard("keywatch-auth-required");
    let el = element(&[("poll-seconds", "2")]);
    set(&el, "tokenProvider", &tokens);
    set(&el, "gklmUrl", &JsValue::from_str(&gklm_url()));
    attach(&el).await;
    let root = inside(&el);

    // Asked at start: no form, the card fills.
    appears(&root, "[data-kw=\"last-backup\"][data-state=\"succeeded\"]").await;
    assert_eq!(*asked.borrow(), ["gklm"]);
    assert!(root
        .query_selector("[data-kw=\"sign-in\"]")
        .unwrap()
        .is_none());
    // An unrelated change does not ask the same provider again.
    el.set_attribute("theme", "dark").unwrap();
    appears(&root, "[data-kw=\"panel\"][data-theme=\"dark\"]").await;
    sleep(300).await;
    assert_eq!(asked.borrow().len(), 1, "asked again for a theme change");

    // The server ends the session: the provider is asked again, once.
    fault(r#"{"route":"/SKLM/rest/v1/ckms/backups/result","kind":"expired-session","times":1}"#)
        .await;
    until(
        || format!("asked {:?}", asked.borrow()),
        || (asked.borrow().len() == 2).then_some(()),
    )
    .await;
    appears(&root, "[data-kw=\"last-backup\"][data-state=\"succeeded\"]").await;
    assert!(root
        .query_selector("[data-kw=\"sign-in\"]")
        .unwrap()
        .is_none());
    assert!(errors.borrow().is_empty());

    // Then it fails: the host hears why, and the person gets the form.
    fault(r#"{"route":"/SKLM/rest/v1/ckms/backups/result","kind":"expired-session","times":1}"#)
        .await;
    let error = until(
        || "no keywatch-error".into(),
        || errors.borrow().first().cloned(),
    )
    .await;
    let message = field(&error, "message").as_string().unwrap();
    assert!(message.contains("the console is offline"), "{message}");
    appears(&root, "[data-kw=\"sign-in\"]").await;
    until(
        || "no keywatch-auth-required".into(),
        || auth.borrow().first().cloned(),
    )
    .await;
    assert_eq!(asked.borrow().len(), 3);
    sim(Method::Delete, "/_sim/faults", None).await;
    remove_page_of(&el);
}

#[wasm_bindgen_test]
async fn removed_it_asks_nothing_more_moved_it_keeps_going() {
    let _turn = turn().await;
    let session = signed_in(Language::En).await.auth_id.unwrap();
    pin_backup_result("0").await;
    let el = element(&[
        ("gklm-url", &gklm_url()),
        ("gklm-auth-id", &session),
        ("poll-seconds", "2"),
        ("cards", "lastBackup"),
    ]);
    attach(&el).await;
    let root = inside(&el);
    appears(&root, "[data-kw=\"last-backup\"][data-state=\"succeeded\"]").await;
    let before = mounted_panels();

    // Moved to another place on the page: the same panel keeps polling.
    let elsewhere = host();
    elsewhere.append_child(&el).unwrap();
    sleep(50).await;
    assert_eq!(mounted_panels(), before, "a move is not an end");
    assert!(inside(&el).is_same_node(Some(&root)), "the same panel");
    clear_hits().await;
    sleep(2_500).await;
    assert!(hits(RESULT).await.0 >= 1, "no poll after the move");

    // Removed: nothing more is asked, and nothing stays mounted.
    el.remove();
    sleep(300).await;
    assert_eq!(mounted_panels(), before - 1);
    let after = hits(RESULT).await.0;
    sleep(4_500).await;
    assert_eq!(hits(RESULT).await.0, after, "polled after removal");
    let shadow = el.shadow_root().unwrap();
    assert_eq!(shadow.child_element_count(), 0, "{}", shadow.inner_html());
    elsewhere.remove();
}

#[wasm_bindgen_test]
async fn a_second_mount_on_the_same_element_ends_the_first() {
    let _turn = turn().await;
    let session = signed_in(Language::En).await.auth_id.unwrap();
    pin_backup_result("0").await;
    let page = host();
    let config = |poll: u32| {
        JsValue::from_str(&format!(
            r#"{{"gklmUrl":"{}","gklmAuthId":"{session}","pollSeconds":{poll},"cards":["lastBackup"]}}"#,
            gklm_url()
        ))
    };
    let before = mounted_panels();
    let first = mount(page.clone(), config(2)).expect("mounted");
    appears(
        &inside(&page),
        "[data-kw=\"last-backup\"][data-state=\"succeeded\"]",
    )
    .await;
    let second = mount(page.clone(), config(3600)).expect("mounted again");
    assert!(!first.running(), "the first panel ended");
    assert!(second.running());
    assert_eq!(mounted_panels(), before + 1);
    assert_eq!(
        page.shadow_root().unwrap().child_element_count(),
        1,
        "one panel shows"
    );
    appears(
        &inside(&page),
        "[data-kw=\"last-backup\"][data-state=\"succeeded\"]",
    )
    .await;
    // Only the second (hourly) panel is left: nothing is asked at 2 s.
    clear_hits().await;
    sleep(4_500).await;
    assert_eq!(hits(RESULT).await.0, 0, "the first panel still polls");
    // Dropping the handle (free() in JavaScript) releases the handle only.
    drop(second);
    sleep(50).await;
    assert_eq!(
        mounted_panels(),
        before + 1,
        "the panel outlives its handle"
    );
    assert_eq!(page.shadow_root().unwrap().child_element_count(), 1);
    // Removing its element ends it.
    page.remove();
    until(
        || "the panel outlived its element".into(),
        || (mounted_panels() == before).then_some(()),
    )
    .await;
}

#[wasm_bindgen_test]
async fn removing_a_mounted_element_ends_its_panel() {
    let _turn = turn().await;
    let session = signed_in(Language::En).await.auth_id.unwrap();
    pin_backup_result("0").await;
    let page = host();
    let config = format!(
        r#"{{"gklmUrl":"{}","gklmAuthId":"{session}","pollSeconds":2,"cards":["lastBackup"]}}"#,
        gklm_url()
    );
    let before = mounted_panels();
    let panel = mount(page.clone(), JsValue::from_str(&config)).expect("mounted");
    appears(
        &inside(&page),
        "[data-kw=\"last-backup\"][data-state=\"succeeded\"]",
    )
    .await;
    // The host takes its element out of the page without a word to the panel.
    page.remove();
    until(
        || "the panel outlived its element".into(),
        || (mounted_panels() == before).then_some(()),
    )
    .await;
    assert!(!panel.running());
    let after = hits(RESULT).await.0;
    sleep(4_500).await;
    assert_eq!(
        hits(RESULT).await.0,
        after,
        "polled after its element was removed"
    );
}

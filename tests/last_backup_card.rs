//! The "Last backup" card, rendered in headless Chromium against the
//! gateway's simulator on 127.0.0.1 (a real, cross-origin HTTP server).
#![cfg(target_arch = "wasm32")]

use keywatch::api::gklm;
use keywatch::api::http::Method;
use keywatch::components::last_backup::{LastBackup, LastBackupProps};
use keywatch::lang::Language;
use keywatch::model::backup::BackupResult;
use wasm_bindgen_test::*;
use web_sys::Element;
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

mod support;

use support::{config, fault, pin_backup_result, signed_in, sim, sleep, turn};

fn render(props: LastBackupProps) -> (Element, yew::AppHandle<LastBackup>) {
    let document = document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let app = yew::Renderer::<LastBackup>::with_root_and_props(root.clone(), props).render();
    (root, app)
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Waits up to 10 s for the card to reach `state`, then returns it.
async fn card_in_state(root: &Element, state: &str) -> Element {
    let selector = format!("[data-kw=\"last-backup\"][data-state=\"{state}\"]");
    for _ in 0..400 {
        if let Ok(Some(card)) = root.query_selector(&selector) {
            return card;
        }
        sleep(25).await;
    }
    panic!(
        "the card never showed {state}; it shows: {}",
        root.inner_html()
    );
}

fn text_of(card: &Element, selector: &str) -> String {
    card.query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.text_content())
        .unwrap_or_else(|| panic!("no {selector} in {}", card.inner_html()))
}

#[wasm_bindgen_test]
async fn shows_each_backup_result_with_the_servers_text() {
    let _turn = turn().await;
    let cfg = signed_in(Language::En).await;
    for (code, state, label) in [
        ("0", "succeeded", "Succeeded"),
        ("1", "failed", "Failed"),
        ("2", "succeeded-with-warning", "Succeeded with warning"),
        ("-1", "not-run", "Not run since the server started"),
    ] {
        pin_backup_result(code).await;
        let wire = gklm::backup_result(&cfg)
            .await
            .expect("the simulator answers");
        let (root, app) = render(LastBackupProps {
            gklm: cfg.clone(),
            every_ms: 60_000,
            on_sign_in_needed: Callback::noop(),
        });
        let card = card_in_state(&root, state).await;
        assert_eq!(text_of(&card, "[data-kw=\"verdict\"]"), label);
        assert!(
            !matches!(wire.value, BackupResult::Unrecognised { .. }),
            "code {code} read as {:?}",
            wire.value
        );
        let status = wire.value.status().to_string();
        assert!(!status.is_empty());
        assert_eq!(text_of(&card, "[data-kw=\"server-status\"]"), status);
        assert!(text_of(&card, "footer").starts_with("Checked at "));
        app.destroy();
        root.remove();
    }
}

#[wasm_bindgen_test]
async fn without_a_session_waits_and_asks_the_panel_for_a_sign_in() {
    let _turn = turn().await;
    sim(Method::Post, "/_sim/reset", None).await;
    let told = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let on_sign_in_needed = {
        let told = told.clone();
        Callback::from(
            move |(credential, error): (Option<String>, keywatch::api::error::ApiError)| {
                told.borrow_mut()
                    .push((credential, error.server_code().map(String::from)));
            },
        )
    };
    let (root, app) = render(LastBackupProps {
        gklm: config(Language::En),
        every_ms: 60_000,
        on_sign_in_needed,
    });
    // The card waits quietly; the panel's sign-in form gives the reason.
    let card = card_in_state(&root, "sign-in").await;
    assert!(card
        .text_content()
        .unwrap()
        .contains("once you are signed in to GKLM"));
    assert!(card
        .query_selector("[data-kw=\"error\"]")
        .unwrap()
        .is_none());
    assert_eq!(*told.borrow(), vec![(None, Some("CTGKM6002E".to_string()))]);
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn a_failing_server_is_shown_then_the_card_recovers_by_itself() {
    let _turn = turn().await;
    let cfg = signed_in(Language::En).await;
    pin_backup_result("0").await;
    fault(r#"{"route":"/SKLM/rest/v1/ckms/backups/result","kind":"html","status":502,"times":1}"#)
        .await;
    let (root, app) = render(LastBackupProps {
        gklm: cfg,
        every_ms: 300,
        on_sign_in_needed: Callback::noop(),
    });
    let card = card_in_state(&root, "error").await;
    let error = text_of(&card, "[data-kw=\"error\"]");
    assert!(error.contains("502"), "the error names the status: {error}");
    assert!(
        !card.inner_html().contains("<html"),
        "no server HTML is rendered"
    );
    // The fault was for one request only: the next poll succeeds.
    let card = card_in_state(&root, "succeeded").await;
    assert_eq!(text_of(&card, "[data-kw=\"verdict\"]"), "Succeeded");
    assert!(card
        .query_selector("[data-kw=\"error\"]")
        .unwrap()
        .is_none());
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn speaks_german_and_marks_the_servers_language() {
    let _turn = turn().await;
    let cfg = signed_in(Language::De).await;
    pin_backup_result("1").await;
    let (root, app) = render(LastBackupProps {
        gklm: cfg,
        every_ms: 60_000,
        on_sign_in_needed: Callback::noop(),
    });
    let card = card_in_state(&root, "failed").await;
    assert_eq!(
        card.get_attribute("aria-label").as_deref(),
        Some("Letzte Sicherung")
    );
    assert_eq!(text_of(&card, "[data-kw=\"verdict\"]"), "Fehlgeschlagen");
    let status = card
        .query_selector("[data-kw=\"server-status\"]")
        .unwrap()
        .unwrap();
    assert_eq!(status.get_attribute("lang").as_deref(), Some("de"));
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn every_kind_of_bad_answer_is_a_card_error_and_the_card_recovers() {
    let _turn = turn().await;
    let mut cfg = signed_in(Language::En).await;
    cfg.timeout_ms = 1_000;
    pin_backup_result("0").await;
    let route = "/SKLM/rest/v1/ckms/backups/result";
    for (fault_spec, says) in [
        (r#""kind":"status","status":503"#, "503"),
        (r#""kind":"html","status":502"#, "text instead of JSON"),
        (r#""kind":"malformed""#, "text instead of JSON"),
        (r#""kind":"huge""#, "larger than"),
        (r#""kind":"drop""#, "could not be reached"),
        (r#""kind":"latency","ms":3000"#, "No answer within 1 s"),
    ] {
        sim(Method::Delete, "/_sim/faults", None).await;
        let (root, app) = render(LastBackupProps {
            gklm: cfg.clone(),
            every_ms: 300,
            on_sign_in_needed: Callback::noop(),
        });
        card_in_state(&root, "succeeded").await;
        fault(&format!(r#"{{"route":"{route}",{fault_spec}}}"#)).await;
        let card = card_in_state(&root, "error").await;
        let error = text_of(&card, "[data-kw=\"error\"]");
        assert!(error.contains(says), "{fault_spec}: {error}");
        // The last good reading stays in view, marked as stale.
        assert_eq!(text_of(&card, "[data-kw=\"verdict\"]"), "Succeeded");
        assert!(text_of(&card, "footer").starts_with("Showing the last good reading"));

        sim(Method::Delete, "/_sim/faults", None).await;
        let card = card_in_state(&root, "succeeded").await;
        assert!(card
            .query_selector("[data-kw=\"error\"]")
            .unwrap()
            .is_none());
        app.destroy();
        root.remove();
    }
}

//! The "Last backup" card, rendered in headless Chromium against the
//! gateway's simulator on 127.0.0.1 (a real, cross-origin HTTP server).
#![cfg(target_arch = "wasm32")]

use keywatch::api::gklm;
use keywatch::api::http::{send, Method};
use keywatch::api::GklmConfig;
use keywatch::components::gklm_card::GklmCardProps;
use keywatch::components::last_backup::LastBackup;
use keywatch::lang::Language;
use wasm_bindgen_test::*;
use web_sys::Element;
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

mod support;

use support::{appears, config, fault, host, pin_backup_result, signed_in, sim, text_of, turn};

fn props(gklm: GklmConfig, every_ms: u32) -> GklmCardProps {
    GklmCardProps {
        lang: gklm.language,
        gklm: Some(gklm),
        every_ms,
        on_sign_in_needed: Callback::noop(),
    }
}

fn render(props: GklmCardProps) -> (Element, yew::AppHandle<LastBackup>) {
    let root = host();
    let app = yew::Renderer::<LastBackup>::with_root_and_props(root.clone(), props).render();
    (root, app)
}

/// Waits for the card to reach `state`, then returns it.
async fn card_in_state(root: &Element, state: &str) -> Element {
    appears(
        root,
        &format!("[data-kw=\"last-backup\"][data-state=\"{state}\"]"),
    )
    .await
}

/// The backup result's `status` as GKLM sent it, read without the crate's decoder.
async fn wire_status(cfg: &GklmConfig) -> String {
    let body = send(&gklm::backup_result_request(cfg))
        .await
        .map(|r| r.body)
        .expect("the simulator answers");
    let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    json.get("status")
        .and_then(|s| s.as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no status in {body}"))
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
        let status = wire_status(&cfg).await;
        assert!(!status.is_empty());
        let (root, app) = render(props(cfg.clone(), 60_000));
        let card = card_in_state(&root, state).await;
        // The pill is an icon and a word, not colour alone.
        let verdict = text_of(&card, "[data-kw=\"verdict\"]");
        assert!(verdict.ends_with(label), "{verdict}");
        assert!(
            verdict.chars().count() > label.chars().count(),
            "no icon: {verdict}"
        );
        assert_eq!(text_of(&card, "[data-kw=\"server-status\"]"), status);
        let age = appears(&card, "[data-kw=\"age\"]").await;
        let said = age.text_content().unwrap_or_default();
        assert!(
            said.starts_with("Updated ") && said.ends_with("ago"),
            "{said}"
        );
        assert!(age.get_attribute("title").is_some_and(|t| !t.is_empty()));
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
    let (root, app) = render(GklmCardProps {
        on_sign_in_needed,
        ..props(config(Language::En), 60_000)
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
    // Both of the card's endpoints (result and need) tell, with the same refusal.
    let told = told.borrow();
    assert!(
        (1..=2).contains(&told.len()),
        "told {} times: {told:?}",
        told.len()
    );
    for report in told.iter() {
        assert_eq!(report, &(None, Some("CTGKM6002E".to_string())));
    }
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
    let (root, app) = render(props(cfg, 300));
    let card = card_in_state(&root, "error").await;
    let error = text_of(&card, "[data-kw=\"error\"]");
    assert!(error.contains("502"), "the error names the status: {error}");
    assert!(
        !card.inner_html().contains("<html"),
        "no server HTML is rendered"
    );
    // The fault was for one request only: the next poll succeeds.
    let card = card_in_state(&root, "succeeded").await;
    assert!(text_of(&card, "[data-kw=\"verdict\"]").ends_with("Succeeded"));
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
    let (root, app) = render(props(cfg, 60_000));
    let card = card_in_state(&root, "failed").await;
    assert_eq!(text_of(&card, "h3"), "Letzte Sicherung");
    assert!(text_of(&card, "[data-kw=\"verdict\"]").ends_with("Fehlgeschlagen"));
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
        let (root, app) = render(props(cfg.clone(), 300));
        card_in_state(&root, "succeeded").await;
        fault(&format!(r#"{{"route":"{route}",{fault_spec}}}"#)).await;
        let card = card_in_state(&root, "error").await;
        let error = text_of(&card, "[data-kw=\"error\"]");
        assert!(error.contains(says), "{fault_spec}: {error}");
        // The last good reading stays in view, marked as stale.
        assert!(text_of(&card, "[data-kw=\"verdict\"]").ends_with("Succeeded"));
        assert_eq!(text_of(&card, "[data-kw=\"stale\"]"), "Stale");
        assert_eq!(
            text_of(&card, "[data-kw=\"failures\"]"),
            "Failed checks in a row: 1"
        );

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

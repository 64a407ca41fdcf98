//! The "Last backup" card, rendered in headless Chromium against the
//! gateway's simulator on 127.0.0.1 (a real, cross-origin HTTP server).
#![cfg(target_arch = "wasm32")]

use keywatch::api::gklm;
use keywatch::api::http::{send, Method};
use keywatch::api::GklmConfig;
use keywatch::components::gklm_card::GklmCardProps;
use keywatch::components::last_backup::LastBackup;
use keywatch::lang::Language;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Element;
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

mod support;

use support::{
    appears, clear_hits, config, fault, hits, hits_reach, host, pin_backup_result, signed_in, sim,
    text_of, turn,
};

fn props(gklm: GklmConfig, every_ms: u32) -> GklmCardProps {
    GklmCardProps {
        lang: gklm.language,
        gklm: Some(gklm),
        every_ms,
        on_sign_in_needed: Callback::noop(),
        backup_max_age_hours: 24,
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
    // The card's endpoints (result, need, backupInfo, the backup list) tell,
    // with the same refusal.
    let told = told.borrow();
    assert!(
        (1..=4).contains(&told.len()),
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

/// Pins when the simulator says the last backup was made.
async fn pin_last_backup(json: &str) {
    sim(Method::Post, "/_sim/backup", Some(json)).await;
}

#[wasm_bindgen_test]
async fn the_backup_age_leads_and_turns_the_card_to_warning_as_time_passes() {
    let _turn = turn().await;
    sim(Method::Post, "/_sim/reset", None).await;
    let cfg = signed_in(Language::En).await;
    pin_backup_result("0").await;
    // 23 h 55 min ago: within the default limit of 24 h.
    pin_last_backup(r#"{"last_backup_seconds_ago":86100}"#).await;
    let (root, app) = render(props(cfg, 300));
    let card = card_in_state(&root, "succeeded").await;
    let age = appears(
        &card,
        "[data-kw=\"backup-age\"][data-state=\"backup-recent\"]",
    )
    .await;
    let said = age.text_content().unwrap_or_default();
    assert!(said.contains("Last backup 23 hr. ago"), "{said}");
    assert!(said.contains("within the limit of 24 h"), "{said}");
    let time = age.query_selector("time").unwrap().expect("a <time>");
    let title = time.get_attribute("title").unwrap_or_default();
    assert!(!title.is_empty(), "the date on hover");
    assert!(
        said.contains(&title),
        "the date in the text for screen readers: {said}"
    );
    assert!(time
        .get_attribute("datetime")
        .is_some_and(|d| d.ends_with('Z')));
    // The age line comes first, before the result's pill.
    let first = card
        .query_selector(".kw-card-body > *")
        .unwrap()
        .and_then(|e| e.get_attribute("data-kw"));
    assert_eq!(first.as_deref(), Some("backup-age"));

    // Ten simulated minutes later the backup is past the limit: the card
    // warns without a reload, and the result stays as it was.
    sim(
        Method::Post,
        "/_sim/clock",
        Some(r#"{"advance_seconds":600}"#),
    )
    .await;
    let card = card_in_state(&root, "backup-old").await;
    let age = text_of(&card, "[data-kw=\"backup-age\"]");
    assert!(
        age.contains("Last backup 24 hr. ago") && age.contains("older than 24 h"),
        "{age}"
    );
    assert!(text_of(&card, "[data-kw=\"verdict\"]").ends_with("Succeeded"));

    // Past twice the limit it fails; never backed up fails too.
    pin_last_backup(r#"{"last_backup_seconds_ago":176400}"#).await;
    let card = card_in_state(&root, "backup-overdue").await;
    let age = text_of(&card, "[data-kw=\"backup-age\"]");
    assert!(
        age.contains("49 hr. ago") && age.contains("older than 48 h"),
        "{age}"
    );
    pin_last_backup(r#"{"never_backed_up":true}"#).await;
    let card = card_in_state(&root, "never-backed-up").await;
    assert!(text_of(&card, "[data-kw=\"backup-age\"]").contains("No backup has ever been made"));
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn the_limit_is_the_operators_and_a_failed_result_stays_failed() {
    let _turn = turn().await;
    sim(Method::Post, "/_sim/reset", None).await;
    let cfg = signed_in(Language::De).await;
    pin_backup_result("1").await;
    pin_last_backup(r#"{"last_backup_seconds_ago":108000}"#).await;
    let (root, app) = render(GklmCardProps {
        backup_max_age_hours: 72,
        ..props(cfg, 300)
    });
    // 30 h is within 72 h; the failed result decides the card.
    let card = card_in_state(&root, "failed").await;
    let age = appears(
        &card,
        "[data-kw=\"backup-age\"][data-state=\"backup-recent\"]",
    )
    .await;
    let said = age.text_content().unwrap_or_default();
    assert!(said.contains("Letzte Sicherung vor 30 Std."), "{said}");
    assert!(said.contains("innerhalb der Grenze von 72 Std."), "{said}");
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn a_server_without_backup_info_keeps_its_card_and_says_once_the_age_is_unknown() {
    let _turn = turn().await;
    sim(Method::Post, "/_sim/reset", None).await;
    let cfg = signed_in(Language::En).await;
    pin_backup_result("0").await;
    clear_hits().await;
    fault(r#"{"route":"/SKLM/rest/v1/backupInfo","kind":"status","status":404}"#).await;
    let (root, app) = render(props(cfg, 300));
    let card = card_in_state(&root, "succeeded").await;
    let unknown = appears(
        &card,
        "[data-kw=\"backup-age\"][data-state=\"backup-age-unknown\"]",
    )
    .await;
    assert!(unknown
        .text_content()
        .unwrap_or_default()
        .contains("does not say when its last backup was made"));
    assert!(card
        .query_selector("[data-kw=\"error\"]")
        .unwrap()
        .is_none());
    // Asked once: the result goes on being checked, backupInfo is not.
    let (result_hits, _) = hits_reach("/SKLM/rest/v1/ckms/backups/result", 4).await;
    let (info_hits, _) = hits("/SKLM/rest/v1/backupInfo").await;
    assert!(result_hits >= 4);
    assert_eq!(info_hits, 1, "a missing service is asked once");
    assert_eq!(
        card.query_selector_all("[data-kw=\"backup-age\"]")
            .unwrap()
            .length(),
        1
    );
    sim(Method::Delete, "/_sim/faults", None).await;
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn the_last_backups_are_listed_newest_first_a_few_then_more_on_demand() {
    let _turn = turn().await;
    sim(Method::Post, "/_sim/reset", None).await;
    // An hour of a busy server: a backup every few minutes.
    sim(
        Method::Post,
        "/_sim/clock",
        Some(r#"{"advance_seconds":3600}"#),
    )
    .await;
    let mut cfg = config(Language::En);
    cfg.auth_id = Some(support::signed_in_again().await);
    let (root, app) = render(props(cfg, 60_000));
    let history = appears(&root, "[data-kw=\"backup-history\"]").await;
    let times = |history: &Element| -> Vec<String> {
        let rows = history
            .query_selector_all("[data-kw=\"backup-file\"] time")
            .unwrap();
        (0..rows.length())
            .filter_map(|i| rows.item(i))
            .filter_map(|n| n.dyn_into::<Element>().ok())
            .filter_map(|t| t.get_attribute("datetime"))
            .collect()
    };
    let first = times(&history);
    assert_eq!(first.len(), 3, "a few lines first");
    let mut sorted = first.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(first, sorted, "newest first");
    let file = text_of(&history, "[data-kw=\"backup-file\"] .kw-file");
    assert!(file.ends_with(".jar"), "{file}");
    assert!(text_of(&history, "h4").contains("Recent backups"));
    // The newest file is the backup /backupInfo speaks of.
    let age = appears(&root, "[data-kw=\"backup-age\"] time").await;
    assert_eq!(
        age.get_attribute("datetime").as_deref(),
        first.first().map(String::as_str)
    );
    support::click(&root, "[data-kw=\"more-backups\"]");
    let more = support::until(
        || "Show more showed nothing more".to_owned(),
        || Some(times(&history)).filter(|t| t.len() > 3),
    )
    .await;
    assert_eq!(&more[..3], &first[..]);
    app.destroy();
    root.remove();
}

/// Dates and ages come from the browser's formatters, one kept per language
/// and style: German after English is German, English again is English.
#[wasm_bindgen_test]
fn dates_and_ages_are_said_in_each_language_from_kept_formatters() {
    use keywatch::clock::{exact_time, short_time, time_ago};
    // 2025-11-24 12:00 UTC: the same date from UTC-11 to UTC+11.
    let at = 1_763_985_600_000.0;
    let later = at + 3.0 * 3_600_000.0;
    let en = short_time(at, Language::En);
    let de = short_time(at, Language::De);
    assert!(en.starts_with("11/24/25, "), "{en}");
    assert!(de.starts_with("24.11.25, "), "{de}");
    assert_eq!(short_time(at, Language::En), en);
    assert!(exact_time(at, Language::En).starts_with("Nov 24, 2025, "));
    assert!(exact_time(at, Language::De).starts_with("24.11.2025, "));
    assert_eq!(time_ago(at, later, Language::En), "3 hr. ago");
    assert_eq!(time_ago(at, later, Language::De), "vor 3 Std.");
    assert_eq!(time_ago(at, later, Language::En), "3 hr. ago");
}

//! The whole panel as a host mounts it (`mount()`), against the simulator:
//! asked to sign in, signed in through its form, asked again when the
//! session expires mid-way, and gone without a trace after `destroy()`.
#![cfg(target_arch = "wasm32")]

use keywatch::api::http::Method;
use keywatch::embed::mount;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

mod support;

use support::{
    appears, clear_hits, fault, gateway, hits_reach, host, inside, pin_backup_result, sim, sleep,
    turn, until,
};

wasm_bindgen_test_configure!(run_in_browser);

async fn sign_in(root: &Element, user: &str, password: &str) {
    let form = appears(root, "[data-kw=\"sign-in\"]").await;
    let input = |name: &str| {
        form.query_selector(&format!("input[name=\"{name}\"]"))
            .unwrap()
            .unwrap()
            .dyn_into::<HtmlInputElement>()
            .unwrap()
    };
    input("userid").set_value(user);
    input("password").set_value(password);
    form.query_selector("button[type=\"submit\"]")
        .unwrap()
        .unwrap()
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    assert_eq!(
        input("password").value(),
        "",
        "the password is not kept in the form"
    );
}

fn config(poll_seconds: u32) -> JsValue {
    JsValue::from_str(&format!(
        r#"{{"gklmUrl":"{}/SKLM/rest/v1","pollSeconds":{poll_seconds},"language":"en"}}"#,
        gateway()
    ))
}

#[wasm_bindgen_test]
async fn signs_in_through_its_form_and_asks_again_when_the_session_expires() {
    let _turn = turn().await;
    sim(Method::Post, "/_sim/reset", None).await;
    pin_backup_result("0").await;
    let page = host();
    let panel = mount(page.clone(), config(2)).expect("the configuration is good");
    let root = inside(&page);

    // Without a session GKLM answers CTGKM6002E: the panel asks for a sign-in.
    let form = appears(&root, "[data-kw=\"sign-in\"]").await;
    let reason = appears(&form, "[data-kw=\"sign-in-reason\"]").await;
    assert!(reason.text_content().unwrap().contains("CTGKM6002E"));
    assert_eq!(
        reason.get_attribute("role"),
        None,
        "a first sign-in is no alarm"
    );

    sign_in(&root, "kwdemo", "kwdemo").await;
    let card = appears(&root, "[data-kw=\"last-backup\"][data-state=\"succeeded\"]").await;
    assert!(card.text_content().unwrap().contains("Succeeded"));
    assert!(root
        .query_selector("[data-kw=\"sign-in\"]")
        .unwrap()
        .is_none());

    // The session ends on the server's side: the next poll says so, and the
    // form comes back asking to sign in again.
    fault(r#"{"route":"/SKLM/rest/v1/ckms/backups/result","kind":"expired-session"}"#).await;
    let form = appears(&root, "[data-kw=\"sign-in\"]").await;
    let reason = appears(&form, "[data-kw=\"sign-in-reason\"][role=\"alert\"]").await;
    assert!(reason.text_content().unwrap().contains("CTGKM6004E"));
    sim(Method::Delete, "/_sim/faults", None).await;

    // Signing in again brings the card back by itself.
    sign_in(&root, "kwdemo", "kwdemo").await;
    appears(&root, "[data-kw=\"last-backup\"][data-state=\"succeeded\"]").await;
    clear_hits().await;

    // Yew tears the app down on its next scheduler run, not synchronously.
    panel.destroy();
    sleep(0).await;
    let shadow = page.shadow_root().expect("the shadow root stays");
    assert_eq!(
        shadow.child_element_count(),
        0,
        "destroy() leaves nothing behind"
    );
    assert!(!panel.running());
    // The session the panel signed in for is ended on the server, once.
    let (logouts, _) = hits_reach("/SKLM/rest/v1/ckms/logout", 1).await;
    assert_eq!(logouts, 1);
    page.remove();
}

#[wasm_bindgen_test]
async fn a_wrong_password_is_refused_with_the_servers_code() {
    let _turn = turn().await;
    sim(Method::Post, "/_sim/reset", None).await;
    let page = host();
    let panel = mount(page.clone(), config(60)).expect("the configuration is good");
    let root = inside(&page);
    sign_in(&root, "kwdemo", "wrong").await;
    let form = appears(&root, "[data-kw=\"sign-in\"]").await;
    until(
        || format!("no CTGKM6003E in {}", form.inner_html()),
        || {
            form.text_content()
                .filter(|text| text.contains("CTGKM6003E"))
        },
    )
    .await;
    panel.destroy();
    page.remove();
}

#[wasm_bindgen_test]
fn a_bad_configuration_is_refused_with_what_to_fix() {
    let root = host();
    let err = mount(
        root.clone(),
        JsValue::from_str(r#"{"gklmUrl":"javascript:alert(1)"}"#),
    )
    .err()
    .expect("refused");
    let message = js_sys::Error::from(JsValue::from(err)).message();
    assert!(String::from(message).contains("gklmUrl must be an http(s) URL"));
    assert_eq!(root.inner_html(), "", "nothing is rendered");
    assert!(root.shadow_root().is_none(), "no shadow root is attached");

    // JSON text that is not JSON, or not an object of keys.
    for (text, said) in [
        (r#"{"gklmUrl":"/SKLM/rest/v1",}"#, "not valid JSON"),
        (r#"["gklmUrl"]"#, "pass an object"),
        (r#""gklmUrl""#, "pass an object"),
        // A fraction is named as the host wrote it (the browser's own
        // number formatting).
        (
            r#"{"gklmUrl":"/SKLM/rest/v1","pollSeconds":2.5}"#,
            "pollSeconds must be a whole number between 2 and 3600, not 2.5",
        ),
    ] {
        let err = mount(root.clone(), JsValue::from_str(text))
            .err()
            .expect("refused");
        let message = String::from(js_sys::Error::from(JsValue::from(err)).message());
        assert!(message.contains(said), "{text}: {message}");
    }
    assert_eq!(root.inner_html(), "", "nothing is rendered");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_session_ended_in_message_id_brings_the_form_back_as_a_401_does() {
    let _turn = turn().await;
    sim(Method::Post, "/_sim/reset", None).await;
    pin_backup_result("0").await;
    let page = host();
    let panel = mount(page.clone(), config(2)).expect("the configuration is good");
    let root = inside(&page);
    sign_in(&root, "kwdemo", "kwdemo").await;
    appears(&root, "[data-kw=\"last-backup\"][data-state=\"succeeded\"]").await;
    // HTTP 400, no `code`: the end of the session is in `messageId` and in
    // the first word of `message` only.
    fault(r#"{"route":"/SKLM/rest/v1/ckms/backups/result","kind":"session-in-message"}"#).await;
    let form = appears(&root, "[data-kw=\"sign-in\"]").await;
    let reason = appears(&form, "[data-kw=\"sign-in-reason\"][role=\"alert\"]").await;
    assert!(reason.text_content().unwrap().contains("CTGKM6004E"));
    sim(Method::Delete, "/_sim/faults", None).await;
    panel.destroy();
    page.remove();
}

#[wasm_bindgen_test]
async fn a_gklm_5_server_on_its_own_prefix_fills_every_card() {
    let _turn = turn().await;
    sim(Method::Post, "/_sim/reset", None).await;
    sim(Method::Post, "/_sim/gklm", Some(r#"{"version":"5.x"}"#)).await;
    pin_backup_result("0").await;
    clear_hits().await;
    let page = host();
    let config = JsValue::from_str(&format!(
        r#"{{"gklmUrl":"{}/GKLM/rest/v1","pollSeconds":2,"language":"en"}}"#,
        gateway()
    ));
    let panel = mount(page.clone(), config).expect("the configuration is good");
    let root = inside(&page);
    sign_in(&root, "kwdemo", "kwdemo").await;
    for (card, state) in [
        ("last-backup", "succeeded"),
        ("backup-activity", "idle"),
        ("notifications", "events-undelivered"),
        ("cluster", "cluster-whole"),
    ] {
        appears(
            &root,
            &format!("[data-kw=\"{card}\"][data-state=\"{state}\"]"),
        )
        .await;
    }
    appears(
        &root,
        "[data-kw=\"restore\"]:not([data-state=\"loading\"]):not([data-state=\"error\"])",
    )
    .await;
    assert!(root
        .query_selector("[data-kw=\"error\"]")
        .unwrap()
        .is_none());
    // Everything went to /GKLM, nothing to /SKLM.
    hits_reach("/GKLM/rest/v1/ckms/backups/result", 1).await;
    let report = support::sim_report("/_sim/hits").await;
    let sklm: Vec<&String> = report
        .as_object()
        .map(|o| o.keys().filter(|p| p.starts_with("/SKLM")).collect())
        .unwrap_or_default();
    assert!(sklm.is_empty(), "{sklm:?}");
    panel.destroy();
    page.remove();
}

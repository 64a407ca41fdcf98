//! The CipherTrust sync-job list in headless Chromium against the
//! simulator: the query each control sends, paging at its edges, sign-in
//! with a token refresh, and bad answers.
#![cfg(target_arch = "wasm32")]

use keywatch::api::http::Method;
use keywatch::api::CckmConfig;
use keywatch::components::sync_jobs::{SyncJobs, SyncJobsProps};
use keywatch::embed::mount;
use keywatch::lang::Language;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

mod support;

use support::{
    appears, cckm_signed_in, click, fault, gateway, hits_reach, host, inside, query_reaches, sim,
    sleep, text_of, turn, type_into, until,
};

const AWS: &str = "/api/v1/cckm/aws/synchronization-jobs";

fn props(cckm: CckmConfig, every_ms: u32) -> SyncJobsProps {
    SyncJobsProps {
        lang: cckm.language,
        cckm: Some(cckm),
        every_ms,
        on_sign_in_needed: Callback::noop(),
        view_in_address: false,
    }
}

fn render(props: SyncJobsProps) -> (Element, yew::AppHandle<SyncJobs>) {
    let root = host();
    let app = yew::Renderer::<SyncJobs>::with_root_and_props(root.clone(), props).render();
    (root, app)
}

fn rows(root: &Element) -> Vec<Element> {
    let list = root.query_selector_all("[data-kw=\"job\"]").unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i).and_then(|n| n.dyn_into::<Element>().ok()))
        .collect()
}

/// Waits until the sort note reads as `wanted` says.
async fn sort_note(root: &Element, missing: &str, wanted: impl Fn(&str) -> bool) {
    until(
        || missing.to_owned(),
        || {
            root.query_selector("[data-kw=\"sort-note\"]")
                .ok()
                .flatten()
                .and_then(|n| n.text_content())
                .filter(|t| wanted(t))
        },
    )
    .await;
}

#[wasm_bindgen_test]
async fn each_control_sends_the_apis_own_parameters() {
    let _turn = turn().await;
    let cfg = cckm_signed_in(Language::En).await;
    sim(Method::Post, "/_sim/scenario", Some(r#"{"name":"busy"}"#)).await;
    let (root, app) = render(props(cfg, 60_000));
    appears(&root, "[data-kw=\"job\"]").await;

    click(&root, "[data-kw=\"statuses\"] [data-status=\"failed\"]");
    query_reaches(AWS, "overall_status=failed").await;
    let shown = until(
        || {
            format!(
                "the list never showed only failed jobs: {}",
                root.inner_html()
            )
        },
        || {
            let rows = rows(&root);
            (!rows.is_empty()
                && rows
                    .iter()
                    .all(|r| r.get_attribute("data-status").as_deref() == Some("failed")))
            .then_some(rows.len())
        },
    )
    .await;
    assert!(shown > 0);

    // Several statuses: none goes to the server, and the page says so.
    click(&root, "[data-kw=\"statuses\"] [data-status=\"aborted\"]");
    appears(&root, "[data-kw=\"page-filter-note\"]").await;
    let query = query_reaches(AWS, "limit=10").await;
    assert_eq!(query, "skip=0&limit=10", "no status goes to the server");

    // Container names, typed and debounced, go as the repeated parameter.
    type_into(&root, "[data-kw=\"containers\"]", "kms-a, kms b");
    query_reaches(AWS, "kms=kms-a&kms=kms%20b").await;
    // One control clears every filter.
    click(&root, "[data-kw=\"clear-filters\"]");
    sleep(600).await;
    let cleared = query_reaches(AWS, "limit=10").await;
    assert_eq!(cleared, "skip=0&limit=10");

    // AWS's list documents no `sort`: the page is ordered here, and said so.
    click(&root, "[data-sort=\"started\"]");
    sort_note(&root, "no within-page note", |t| {
        t.starts_with("Sorted within this page only")
    })
    .await;
    let asked = query_reaches(AWS, "limit=10").await;
    assert!(!asked.contains("sort"), "sort sent to AWS: {asked}");

    // Google's list documents it: sent, and honoured by the simulator.
    click(&root, "[data-kw=\"sources\"] [data-source=\"google\"]");
    query_reaches(
        "/api/v1/cckm/google/synchronization-jobs",
        "sort=-createdAt",
    )
    .await;
    sort_note(&root, "no server-sorted note", |t| {
        t == "Sorted by CipherTrust Manager."
    })
    .await;
    // Duration is not a server field: sorted within the page, and said so.
    click(&root, "[data-sort=\"duration\"]");
    sort_note(&root, "no within-page note", |t| {
        t.starts_with("Sorted within this page only")
    })
    .await;

    // Another source, its own container parameter.
    click(&root, "[data-kw=\"sources\"] [data-source=\"azure\"]");
    until(
        || format!("no Key vaults field: {}", root.inner_html()),
        || {
            root.query_selector("label[for]")
                .ok()
                .flatten()
                .and_then(|l| l.text_content())
                .filter(|t| t.starts_with("Key vaults"))
        },
    )
    .await;
    type_into(&root, "[data-kw=\"containers\"]", "vault-1");
    query_reaches(
        "/api/v1/cckm/azure/synchronization-jobs",
        "key_vaults=vault-1",
    )
    .await;

    // A job opens with the keyboard's button and shows its regions.
    click(&root, "[data-kw=\"clear-filters\"]");
    appears(&root, "[data-kw=\"job\"]").await;
    click(&root, "[data-kw=\"expand\"]");
    let detail = appears(&root, "[data-kw=\"job-detail\"]").await;
    assert!(
        detail
            .query_selector_all("[data-kw=\"region\"]")
            .unwrap()
            .length()
            >= 1
    );
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn paging_reaches_the_last_page_and_says_when_a_page_is_past_the_end() {
    let _turn = turn().await;
    let cfg = cckm_signed_in(Language::En).await;
    sim(
        Method::Post,
        "/_sim/scenario",
        Some(r#"{"name":"many-jobs"}"#),
    )
    .await;
    let (root, app) = render(props(cfg, 60_000));
    appears(&root, "[data-kw=\"job\"]").await;
    let select = appears(&root, "[data-kw=\"page-size\"]")
        .await
        .dyn_into::<HtmlSelectElement>()
        .unwrap();
    select.set_value("25");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    query_reaches(AWS, "limit=25").await;
    let range = until(
        || "no 1–25 range".to_owned(),
        || {
            root.query_selector("[data-kw=\"range\"]")
                .ok()
                .flatten()
                .and_then(|r| r.text_content())
                .filter(|t| t.starts_with("1–25 of "))
        },
    )
    .await;
    let total: u64 = range
        .trim_start_matches("1–25 of ")
        .replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("{range}"));
    assert!(total >= 10_000, "{range}");
    click(&root, "[data-kw=\"next\"]");
    query_reaches(AWS, "skip=25&limit=25").await;
    click(&root, "[data-kw=\"last\"]");
    let last_skip = (total - 1) / 25 * 25;
    query_reaches(AWS, &format!("skip={last_skip}&limit=25")).await;
    let next = appears(&root, "[data-kw=\"next\"][disabled]").await;
    assert!(next.has_attribute("disabled"));
    assert_eq!(rows(&root).len() as u64, total - last_skip);
    app.destroy();
    root.remove();

    // A shared link to a page past the end: said so, with a way back.
    let window = web_sys::window().unwrap();
    window.location().set_hash("skip=990000&limit=10").unwrap();
    let (root, app) = {
        let cfg = support::cckm_signed_in(Language::En).await;
        render(SyncJobsProps {
            view_in_address: true,
            ..props(cfg, 60_000)
        })
    };
    appears(&root, "[data-kw=\"past-end\"]").await;
    click(&root, "[data-kw=\"past-end\"] button");
    appears(&root, "[data-kw=\"job\"]").await;
    assert_eq!(window.location().hash().unwrap(), "");
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn a_401_brings_the_form_and_a_token_is_refreshed_across_an_expiry() {
    let _turn = turn().await;
    sim(Method::Post, "/_sim/reset", None).await;
    let page = host();
    let config = format!(
        r#"{{"cckmUrl":"{}/api/v1","pollSeconds":2,"language":"en"}}"#,
        gateway()
    );
    let panel = mount(page.clone(), JsValue::from_str(&config)).expect("mounted");
    let root = inside(&page);
    let form = appears(&root, "[data-kw=\"sign-in-cckm\"]").await;
    // Nobody has signed in yet: the server asks for a sign-in, it refused none.
    let reason = appears(&form, "[data-kw=\"sign-in-reason\"]").await;
    let said = reason.text_content().unwrap_or_default();
    assert!(
        said.starts_with("CipherTrust Manager asks for a sign-in (HTTP 401) (NCERRUnauthorized"),
        "{said}"
    );
    assert_eq!(
        reason.get_attribute("role"),
        None,
        "a first sign-in is no alarm"
    );
    type_into(&form, "input[name=\"userid\"]", "kwdemo");
    type_into(&form, "input[name=\"password\"]", "kwdemo");
    click(&form, "button[type=\"submit\"]");
    appears(&root, "[data-kw=\"job\"]").await;
    let tokens = "/api/v1/auth/tokens";
    let (signed_in, _) = hits_reach(tokens, 1).await;

    // The simulated token lives 300 s: jump past it. The next poll is
    // refused, and the panel refreshes the token rather than asking.
    sim(
        Method::Post,
        "/_sim/clock",
        Some(r#"{"advance_seconds":400}"#),
    )
    .await;
    hits_reach(tokens, signed_in + 1).await;
    sleep(2_500).await;
    appears(&root, "[data-kw=\"sync-jobs\"] [data-kw=\"job\"]").await;
    assert!(
        root.query_selector("[data-kw=\"sign-in-cckm\"]")
            .unwrap()
            .is_none(),
        "asked to sign in again: {}",
        root.inner_html()
    );
    panel.destroy();
    sleep(0).await;
    page.remove();
}

#[wasm_bindgen_test]
async fn bad_answers_are_card_errors_and_the_list_recovers() {
    let _turn = turn().await;
    let mut cfg = cckm_signed_in(Language::En).await;
    cfg.timeout_ms = 1_000;
    for (spec, says) in [
        (r#""kind":"status","status":404"#, "404"),
        (r#""kind":"malformed""#, "text instead of JSON"),
        (r#""kind":"latency","ms":3000"#, "No answer within 1 s"),
    ] {
        sim(Method::Delete, "/_sim/faults", None).await;
        let (root, app) = render(props(cfg.clone(), 300));
        appears(&root, "[data-kw=\"job\"]").await;
        fault(&format!(r#"{{"route":"{AWS}",{spec}}}"#)).await;
        let card = appears(&root, "[data-kw=\"sync-jobs\"][data-state=\"error\"]").await;
        assert!(
            text_of(&card, "[data-kw=\"error\"]").contains(says),
            "{spec}"
        );
        assert!(!rows(&root).is_empty(), "the last good page stays in view");
        sim(Method::Delete, "/_sim/faults", None).await;
        appears(&root, "[data-kw=\"sync-jobs\"][data-state=\"loaded\"]").await;
        app.destroy();
        root.remove();
    }
}

#[wasm_bindgen_test]
async fn a_poll_that_brings_nothing_new_renders_nothing() {
    let _turn = turn().await;
    let cfg = cckm_signed_in(Language::En).await;
    sim(Method::Post, "/_sim/scenario", Some(r#"{"name":"quiet"}"#)).await;
    // Finished jobs, oldest first: a page that polling cannot change.
    let window = web_sys::window().unwrap();
    window
        .location()
        .set_hash("status=completed&sort=started")
        .unwrap();
    let (root, app) = render(SyncJobsProps {
        view_in_address: true,
        ..props(cfg, 300)
    });
    appears(
        &root,
        "[data-kw=\"sync-jobs\"][data-state=\"loaded\"] [data-kw=\"job\"]",
    )
    .await;
    appears(&root, "[data-kw=\"summary\"]").await;
    sleep(500).await;
    let before = support::renders(&root, "sync-jobs");
    let (asked, _) = support::hits(AWS).await;
    hits_reach(AWS, asked + 5).await;
    assert_eq!(
        support::renders(&root, "sync-jobs"),
        before,
        "an unchanged poll rendered the list"
    );
    app.destroy();
    root.remove();
    window.location().set_hash("").unwrap();
}

/// The text of every cell `selector` in the shown rows.
fn cells(root: &Element, selector: &str) -> Vec<String> {
    rows(root)
        .iter()
        .filter(|r| !r.has_attribute("hidden"))
        .map(|r| text_of(r, selector))
        .collect()
}

#[wasm_bindgen_test]
async fn each_source_shows_its_own_containers_and_find_reaches_them() {
    let _turn = turn().await;
    let cfg = cckm_signed_in(Language::En).await;
    let (root, app) = render(props(cfg, 60_000));
    appears(&root, "[data-kw=\"job\"]").await;
    for (source, column, path) in [
        (
            "azure",
            "Key vaults",
            "/api/v1/cckm/azure/synchronization-jobs",
        ),
        (
            "azure-secrets",
            "Key vaults",
            "/api/v1/cckm/azure/secrets/synchronization-jobs",
        ),
        (
            "sfdc",
            "Organizations",
            "/api/v1/cckm/sfdc/keys/synchronization-jobs",
        ),
        ("sap", "Groups", "/api/v1/cckm/sap/synchronization-jobs"),
        (
            "google",
            "Key rings",
            "/api/v1/cckm/google/synchronization-jobs",
        ),
    ] {
        click(
            &root,
            &format!("[data-kw=\"sources\"] [data-source=\"{source}\"]"),
        );
        appears(
            &root,
            &format!("[data-source=\"{source}\"][aria-pressed=\"true\"]"),
        )
        .await;
        // The list's own request (the switch's counts ask for one job).
        query_reaches(path, "limit=10").await;
        let header = until(
            || format!("{source}: no {column} column: {}", root.inner_html()),
            || {
                let header = text_of(&root, "[data-kw=\"containers-column\"]");
                (header == column && !rows(&root).is_empty()).then_some(header)
            },
        )
        .await;
        assert_eq!(header, column);
        let shown = until(
            || format!("{source}: rows without containers: {}", root.inner_html()),
            || {
                let shown = cells(&root, "[data-kw=\"containers\"]");
                (!shown.is_empty() && shown.iter().all(|c| !c.trim().is_empty())).then_some(shown)
            },
        )
        .await;
        // Find in this page reaches a container name.
        let first = shown[0].split(", ").next().unwrap_or_default().to_owned();
        type_into(&root, "[data-kw=\"find\"]", &first);
        let found = until(
            || format!("{source}: find {first:?} hid every row"),
            || {
                let found = cells(&root, "[data-kw=\"containers\"]");
                (!found.is_empty() && found.iter().all(|c| c.contains(&first)))
                    .then_some(found.len())
            },
        )
        .await;
        assert!(found >= 1);
        type_into(&root, "[data-kw=\"find\"]", "");
        until(
            || format!("{source}: rows stay hidden after find is cleared"),
            || (cells(&root, "[data-kw=\"containers\"]").len() == shown.len()).then_some(()),
        )
        .await;
        // The detail names them too.
        click(&root, "[data-kw=\"job\"] [data-kw=\"expand\"]");
        let detail = until(
            || format!("{source}: no detail: {}", root.inner_html()),
            || {
                root.query_selector("[data-kw=\"job-detail\"]")
                    .ok()
                    .flatten()
            },
        )
        .await;
        assert_eq!(
            text_of(&detail, "[data-kw=\"detail-containers\"]"),
            text_of(&root, "[data-kw=\"job\"] [data-kw=\"containers\"]")
        );
        click(&root, "[data-kw=\"job\"] [data-kw=\"expand\"]");
    }
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn a_domain_sign_in_lists_that_domain_s_jobs_only() {
    let _turn = turn().await;
    sim(Method::Post, "/_sim/reset", None).await;
    let page = host();
    let config = format!(
        r#"{{"cckmUrl":"{}/api/v1","cckmDomain":"sales","language":"en","cards":"syncJobs"}}"#,
        gateway()
    );
    let panel = mount(page.clone(), JsValue::from_str(&config)).expect("mounted");
    let root = inside(&page);
    let form = appears(&root, "[data-kw=\"sign-in-cckm\"]").await;
    let domain = form
        .query_selector("input[name=\"domain\"]")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        .expect("a domain field");
    assert_eq!(domain.value(), "sales", "cckmDomain fills the field");
    type_into(&form, "input[name=\"userid\"]", "kwdemo");
    type_into(&form, "input[name=\"password\"]", "kwdemo");
    click(&form, "button[type=\"submit\"]");
    appears(&root, "[data-kw=\"job\"]").await;
    let shown = cells(&root, "[data-kw=\"containers\"]");
    assert!(!shown.is_empty());
    assert!(
        shown.iter().all(|c| c.starts_with("sales-")),
        "a job of another domain is listed: {shown:?}"
    );
    panel.destroy();
    sleep(0).await;
    page.remove();

    // Signed in to the root domain (the field emptied), no sales job shows.
    let page = host();
    let config = format!(
        r#"{{"cckmUrl":"{}/api/v1","language":"en","cards":"syncJobs"}}"#,
        gateway()
    );
    let panel = mount(page.clone(), JsValue::from_str(&config)).expect("mounted");
    let root = inside(&page);
    let form = appears(&root, "[data-kw=\"sign-in-cckm\"]").await;
    type_into(&form, "input[name=\"userid\"]", "kwdemo");
    type_into(&form, "input[name=\"password\"]", "kwdemo");
    click(&form, "button[type=\"submit\"]");
    appears(&root, "[data-kw=\"job\"]").await;
    let shown = cells(&root, "[data-kw=\"containers\"]");
    assert!(!shown.is_empty());
    assert!(shown.iter().all(|c| !c.contains("sales-")), "{shown:?}");
    panel.destroy();
    sleep(0).await;
    page.remove();
}

#[wasm_bindgen_test]
async fn a_thales_shaped_error_shows_its_sentence_and_code_word() {
    let _turn = turn().await;
    let cfg = cckm_signed_in(Language::En).await;
    sim(Method::Delete, "/_sim/faults", None).await;
    let (root, app) = render(props(cfg, 300));
    appears(&root, "[data-kw=\"job\"]").await;
    fault(&format!(
        r#"{{"route":"{AWS}","kind":"status","status":404}}"#
    ))
    .await;
    let card = appears(&root, "[data-kw=\"sync-jobs\"][data-state=\"error\"]").await;
    let said = text_of(&card, "[data-kw=\"error\"]");
    assert!(
        said.contains("CipherTrust Manager: Resource not found (NCERRResourceNotFound)"),
        "{said}"
    );
    sim(Method::Delete, "/_sim/faults", None).await;
    appears(&root, "[data-kw=\"sync-jobs\"][data-state=\"loaded\"]").await;
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn a_family_the_server_lacks_is_marked_and_the_card_keeps_working() {
    let _turn = turn().await;
    let cfg = cckm_signed_in(Language::En).await;
    sim(Method::Delete, "/_sim/faults", None).await;
    // An older CipherTrust Manager without SAP: its list answers 404.
    fault(r#"{"route":"/api/v1/cckm/sap/synchronization-jobs","kind":"status","status":404}"#)
        .await;
    let (root, app) = render(props(cfg, 300));
    let sap = appears(&root, "[data-source=\"sap\"][data-missing=\"true\"]").await;
    assert_eq!(
        sap.get_attribute("title").as_deref(),
        Some("This CipherTrust Manager has no such list.")
    );
    // The other sources are counted, and the list itself is not an error.
    appears(&root, "[data-source=\"aws\"]:not([data-missing])").await;
    appears(&root, "[data-kw=\"sync-jobs\"][data-state=\"loaded\"]").await;
    assert_eq!(
        root.query_selector_all("[data-missing]").unwrap().length(),
        1,
        "only SAP is marked"
    );
    sim(Method::Delete, "/_sim/faults", None).await;
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn copying_a_job_id_says_so_in_its_own_row_then_goes_quiet() {
    let _turn = turn().await;
    let cfg = cckm_signed_in(Language::En).await;
    sim(Method::Post, "/_sim/scenario", Some(r#"{"name":"busy"}"#)).await;
    let (root, app) = render(props(cfg, 60_000));
    appears(&root, "[data-kw=\"job\"]").await;
    let all = rows(&root);
    assert!(all.len() >= 2, "{} rows", all.len());
    let second = all[1].get_attribute("data-id").expect("an id");
    all[1]
        .query_selector(".kw-copy")
        .unwrap()
        .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
        .expect("a copy button")
        .click();
    // The row that was clicked says "Copied" to a screen reader; no other does.
    let said = appears(&root, ".kw-copied").await;
    let row = said.closest("tr").unwrap().expect("its row");
    assert_eq!(
        row.get_attribute("data-id").as_deref(),
        Some(second.as_str())
    );
    assert_eq!(
        text_of(&row, "[role=\"status\"]"),
        "Copied",
        "the row says it"
    );
    assert_eq!(
        root.query_selector_all("tbody [role=\"status\"]")
            .unwrap()
            .length(),
        1,
        "only that row"
    );
    // A moment later it is quiet again.
    until(
        || "the copied note never went away".to_owned(),
        || {
            root.query_selector(".kw-copied")
                .ok()
                .flatten()
                .is_none()
                .then_some(())
        },
    )
    .await;
    app.destroy();
    root.remove();
}

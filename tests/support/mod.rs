//! What the browser tests share: the simulator's address, its `/_sim/`
//! controls, and a turn-taking lock (the runner starts every test of a file
//! at once, and the simulator's state is shared).
#![allow(dead_code)] // each test file uses its own part

use futures::lock::{Mutex, MutexGuard};
use gloo_timers::future::TimeoutFuture;
use keywatch::api::gklm;
use keywatch::api::http::{send, HttpRequest, Method};
use keywatch::api::{Fetch, GklmConfig};
use keywatch::lang::Language;
use web_sys::Element;

pub fn gateway() -> &'static str {
    option_env!("KEYWATCH_TEST_GATEWAY").unwrap_or("http://127.0.0.1:8917")
}

thread_local! {
    // One lock for the page's lifetime.
    static TURN: &'static Mutex<()> = Box::leak(Box::new(Mutex::new(())));
}

/// Holds the simulator for one test until dropped.
pub struct Turn {
    _guard: MutexGuard<'static, ()>,
}

/// Waits for this test's turn with the simulator.
pub async fn turn() -> Turn {
    let lock = TURN.with(|t| *t);
    Turn {
        _guard: lock.lock().await,
    }
}

/// Calls a `/_sim/…` control and expects `204 No Content`.
pub async fn sim(method: Method, path: &str, body: Option<&str>) {
    let req = HttpRequest {
        method,
        url: format!("{}{path}", gateway()),
        headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
        body: body.map(str::to_owned),
        timeout_ms: 5_000,
    };
    match send(&req).await {
        Ok(resp) => assert_eq!(resp.status, 204, "{path}: {}", resp.body),
        Err(err) => panic!(
            "the simulator at {} is not answering ({path}): {}",
            gateway(),
            err.describe(Language::En)
        ),
    }
}

pub async fn fault(spec: &str) {
    sim(Method::Post, "/_sim/faults", Some(spec)).await;
}

/// Pins the simulator's last backup result (`"0"`, `"1"`, `"2"`, `"-1"`).
pub async fn pin_backup_result(code: &str) {
    let body = format!(r#"{{"result":"{code}","running":false}}"#);
    sim(Method::Post, "/_sim/backup", Some(&body)).await;
}

pub fn config(language: Language) -> GklmConfig {
    let mut cfg = GklmConfig::new(format!("{}/SKLM/rest/v1/", gateway()));
    cfg.language = language;
    cfg.timeout_ms = 5_000;
    cfg
}

/// One more GKLM session, the simulator left as it is.
pub async fn signed_in_again() -> String {
    gklm::login(&Fetch, &config(Language::En), "kwdemo", "kwdemo")
        .await
        .unwrap_or_else(|e| panic!("login: {}", e.describe(Language::En)))
}

/// A fresh simulator and a signed-in configuration.
pub async fn signed_in(language: Language) -> GklmConfig {
    sim(Method::Post, "/_sim/reset", None).await;
    let mut cfg = config(language);
    let id = gklm::login(&Fetch, &cfg, "kwdemo", "kwdemo").await;
    cfg.auth_id = Some(id.unwrap_or_else(|e| panic!("login: {}", e.describe(Language::En))));
    cfg
}

pub async fn sleep(ms: u32) {
    TimeoutFuture::new(ms).await;
}

/// Waits up to 10 s for `probe` to find something, and returns it; fails
/// the test with `what` otherwise. The one polling wait of the browser tests.
pub async fn until<T>(what: impl Fn() -> String, mut probe: impl FnMut() -> Option<T>) -> T {
    for _ in 0..400 {
        if let Some(found) = probe() {
            return found;
        }
        sleep(25).await;
    }
    panic!("waited 10 s in vain: {}", what())
}

/// Waits for `selector` to match inside `root`.
pub async fn appears(root: &Element, selector: &str) -> Element {
    until(
        || {
            format!(
                "{selector} never appeared; the page shows: {}",
                root.inner_html()
            )
        },
        || root.query_selector(selector).ok().flatten(),
    )
    .await
}

/// A fresh element on the page to render into.
pub fn host() -> Element {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let root = document.create_element("div").expect("an element");
    document
        .body()
        .expect("a body")
        .append_child(&root)
        .expect("appended");
    root
}

/// Where a mounted panel renders: the container in `page`'s shadow root.
pub fn inside(page: &Element) -> Element {
    page.shadow_root()
        .expect("mount() attaches a shadow root")
        .query_selector(".kw-root")
        .expect("a selector")
        .expect("the panel's container in the shadow root")
}

/// Pins the simulated restore to `phase` (0–7).
pub async fn pin_restore(phase: u8) {
    sim(
        Method::Post,
        "/_sim/restore",
        Some(&format!(r#"{{"phase":{phase}}}"#)),
    )
    .await;
}

/// Forgets what the simulator counted.
pub async fn clear_hits() {
    sim(Method::Delete, "/_sim/hits", None).await;
}

/// What a `/_sim/…` report (`hits`, `events`) says, as JSON.
pub async fn sim_report(path: &str) -> serde_json::Value {
    let req = HttpRequest {
        method: Method::Get,
        url: format!("{}{path}", gateway()),
        headers: Vec::new(),
        body: None,
        timeout_ms: 5_000,
    };
    let body = send(&req).await.map(|r| r.body).unwrap_or_default();
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
}

/// `(requests, most at once)` the simulator saw for `path`.
pub async fn hits(path: &str) -> (u64, u64) {
    let all = sim_report("/_sim/hits").await;
    let at = |field: &str| {
        all.get(path)
            .and_then(|h| h.get(field))
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0)
    };
    (at("count"), at("max_in_flight"))
}

/// The query strings the simulator last saw for `path`, newest last.
pub async fn recent_queries(path: &str) -> Vec<String> {
    sim_report("/_sim/hits")
        .await
        .get(path)
        .and_then(|h| h.get("queries"))
        .and_then(serde_json::Value::as_array)
        .map(|q| {
            q.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Waits up to 10 s for a recent query on `path` to hold `wanted`, and
/// returns the newest such query.
pub async fn query_reaches(path: &str, wanted: &str) -> String {
    let mut seen = Vec::new();
    for _ in 0..100 {
        seen = recent_queries(path).await;
        if let Some(found) = seen.iter().rev().find(|q| q.contains(wanted)) {
            return found.clone();
        }
        sleep(100).await;
    }
    panic!("{path} was never asked with {wanted:?}; recent: {seen:?}")
}

/// A fresh simulator and a CipherTrust token for it.
pub async fn cckm_signed_in(language: Language) -> keywatch::api::CckmConfig {
    sim(Method::Post, "/_sim/reset", None).await;
    let mut cfg = keywatch::api::CckmConfig::new(format!("{}/api/v1", gateway()));
    cfg.language = language;
    cfg.timeout_ms = 5_000;
    let tokens =
        keywatch::api::cckm::sign_in(&Fetch, &cfg, "kwdemo", "kwdemo", &Default::default())
            .await
            .unwrap_or_else(|e| panic!("CipherTrust sign-in: {}", e.describe(Language::En)));
    cfg.token = Some(tokens.jwt);
    cfg
}

/// Waits up to 10 s until the simulator has seen `at_least` requests for
/// `path`; returns `(requests, most at once)`.
pub async fn hits_reach(path: &str, at_least: u64) -> (u64, u64) {
    let mut seen = (0, 0);
    for _ in 0..100 {
        seen = hits(path).await;
        if seen.0 >= at_least {
            return seen;
        }
        sleep(100).await;
    }
    panic!("{path} was asked {} times, not {at_least}", seen.0)
}

/// The first notification event the simulator knows.
pub async fn known_event() -> String {
    let events = sim_report("/_sim/events").await;
    events
        .pointer("/events/0")
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("the simulator lists no notification events: {events}"))
}

/// Clicks the first element matching `selector` inside `root`.
pub fn click(root: &Element, selector: &str) {
    use wasm_bindgen::JsCast;
    root.query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        .unwrap_or_else(|| panic!("nothing to click at {selector}: {}", root.inner_html()))
        .click();
}

/// Types `text` into the field at `selector`, as a person's input event.
pub fn type_into(root: &Element, selector: &str, text: &str) {
    use wasm_bindgen::JsCast;
    let input = root
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .unwrap_or_else(|| panic!("no input at {selector}"));
    input.set_value(text);
    let event = web_sys::InputEvent::new("input").expect("an event");
    input.dispatch_event(&event).expect("dispatched");
}

/// The `data-renders` count of the card named `name` inside `root`.
pub fn renders(root: &Element, name: &str) -> u32 {
    root.query_selector(&format!("[data-kw=\"{name}\"]"))
        .ok()
        .flatten()
        .and_then(|card| card.get_attribute("data-renders"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no render count on {name}: {}", root.inner_html()))
}

/// The text of the first `selector` in `root`.
pub fn text_of(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.text_content())
        .unwrap_or_else(|| panic!("no {selector} in {}", root.inner_html()))
}

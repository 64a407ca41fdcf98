//! What the browser tests share: the simulator's address, its `/_sim/`
//! controls, and a turn-taking lock (the runner starts every test of a file
//! at once, and the simulator's state is shared).
#![allow(dead_code)] // each test file uses its own part

use futures::lock::{Mutex, MutexGuard};
use gloo_timers::future::TimeoutFuture;
use keywatch::api::gklm;
use keywatch::api::http::{send, HttpRequest, Method};
use keywatch::api::GklmConfig;
use keywatch::lang::Language;

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

/// A fresh simulator and a signed-in configuration.
pub async fn signed_in(language: Language) -> GklmConfig {
    sim(Method::Post, "/_sim/reset", None).await;
    let mut cfg = config(language);
    let id = gklm::login(&cfg, "kwdemo", "kwdemo").await;
    cfg.auth_id = Some(id.unwrap_or_else(|e| panic!("login: {}", e.describe(Language::En))));
    cfg
}

pub async fn sleep(ms: u32) {
    TimeoutFuture::new(ms).await;
}

//! A Rust/Yew host: an admin page of its own that renders `keywatch::Panel`
//! with typed props and hears its events. Build it for the browser with
//! `cargo build --example rust_host --target wasm32-unknown-unknown`.

use keywatch::config::CardKind;
use keywatch::lang::Language;
use keywatch::{Panel, PanelConfig, PanelEvent};
use yew::prelude::*;

#[component]
fn Console() -> Html {
    let badge = use_state(|| "Keys: waiting for keywatch".to_owned());
    let config = PanelConfig {
        gklm_url: Some("/SKLM/rest/v1".into()),
        cckm_url: Some("/api/v1".into()),
        language: Language::En,
        poll_seconds: 30,
        cards: Some(vec![CardKind::LastBackup, CardKind::SyncJobs]),
        ..PanelConfig::default()
    };
    let on_event = {
        let badge = badge.clone();
        Callback::from(move |event: PanelEvent| match event {
            PanelEvent::Status(summary) => badge.set(match summary.sync_jobs_failed {
                Some(n) if n > 0 => format!("Keys: {n} sync jobs failed"),
                _ => "Keys: all well".to_owned(),
            }),
            PanelEvent::AuthRequired(server) => {
                badge.set(format!("Keys: sign in to {}", server.name()))
            }
            PanelEvent::Error(message) => badge.set(format!("Keys: {message}")),
        })
    };
    html! {
        <main>
            <header><strong>{ "My console" }</strong>{ " · " }{ (*badge).clone() }</header>
            <Panel {config} {on_event} />
        </main>
    }
}

fn main() {
    // The panel's stylesheet, adopted by the page (no inline style needed).
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        let _ = keywatch::embed::adopt_styles(&document);
    }
    yew::Renderer::<Console>::new().render();
}

//! keywatch: a status panel for the operators of IBM Guardium Key Lifecycle
//! Manager and Thales CipherTrust Manager.
//!
//! Layers, each readable without the next: `model` and `api` (wire JSON to
//! plain Rust, errors, requests; from the `keywatch-core` crate, which the
//! gateway's watcher shares, but for the browser's `fetch`), `state`
//! (reducers), `hooks` (effects), `components` (thin views), `embed` (the
//! JavaScript-facing API).

// A panic kills every panel on the page: nothing from the network or a
// person may be unwrapped or indexed unchecked.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

pub mod api;
pub mod clock;
pub mod components;
pub mod config;
pub mod embed;
pub mod hooks;
pub mod host;
pub mod state;

pub use keywatch_core::{lang, model, text, verdict};

pub use components::Panel;
pub use config::PanelConfig;
pub use host::{PanelEvent, TokenProvider};
pub use state::status::StatusSummary;

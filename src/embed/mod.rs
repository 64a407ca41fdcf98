//! The JavaScript-facing API. The only place that knows the panel is
//! embedded in someone else's page.

use wasm_bindgen::prelude::*;
use web_sys::Element;
use yew::AppHandle;

use crate::components::panel::{Panel, PanelProps};
use crate::config::PanelConfig;

/// A panel mounted into a host page. Call `destroy()` to remove it: that
/// stops its polling and aborts requests under way.
#[wasm_bindgen]
pub struct KeywatchPanel {
    app: Option<AppHandle<Panel>>,
}

#[wasm_bindgen]
impl KeywatchPanel {
    /// Removes the panel from the page (on the next tick) and stops all its
    /// work: polling ends and requests under way are aborted.
    pub fn destroy(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}

/// Mounts a panel into `element`. `config` is an object or a JSON string,
/// e.g. `{ gklmUrl: "https://gw.example/SKLM/rest/v1", language: "de" }`.
/// Throws an Error that says what to fix when the configuration is wrong.
#[wasm_bindgen]
pub fn mount(element: Element, config: JsValue) -> Result<KeywatchPanel, JsError> {
    mount_with(element, config, false)
}

/// As [`mount`], for a page that is the panel's own (the standalone page):
/// the sync-job view lives in the page's address, so it can be shared and
/// the back button works. Configuration never comes from the address.
#[wasm_bindgen(js_name = mountPage)]
pub fn mount_page(element: Element, config: JsValue) -> Result<KeywatchPanel, JsError> {
    mount_with(element, config, true)
}

fn mount_with(
    element: Element,
    config: JsValue,
    view_in_address: bool,
) -> Result<KeywatchPanel, JsError> {
    let json = match config.as_string() {
        Some(text) => text,
        None => js_sys::JSON::stringify(&config)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| {
                JsError::new("keywatch configuration: pass an object or a JSON string")
            })?,
    };
    let config = PanelConfig::from_json(&json).map_err(|e| JsError::new(&e.to_string()))?;
    let app = yew::Renderer::<Panel>::with_root_and_props(
        element,
        PanelProps {
            config,
            view_in_address,
        },
    )
    .render();
    Ok(KeywatchPanel { app: Some(app) })
}

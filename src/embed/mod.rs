//! The JavaScript-facing API: `mount()` and its handle, and the
//! `<keywatch-panel>` element. The only place that knows the panel is
//! embedded in someone else's page.

mod element;
mod instance;
mod js;
#[cfg(test)]
mod minify_css;

use std::rc::Weak;

use wasm_bindgen::prelude::*;
use web_sys::Element;

pub use element::TAG;
pub use instance::{adopt_styles, STYLES};

use instance::{Instance, Shared};

/// Defines `<keywatch-panel>` as soon as the module is initialised.
#[wasm_bindgen(start)]
pub fn start() {
    element::define();
}

/// A handle on a panel mounted into a host page. The panel lives while its
/// element is in the page: `destroy()` (or removing the element) ends it;
/// `free()`, or the handle being garbage-collected, releases the handle only.
#[wasm_bindgen]
pub struct KeywatchPanel {
    panel: Weak<std::cell::RefCell<Instance>>,
}

impl KeywatchPanel {
    fn panel(&self) -> Option<Shared> {
        self.panel.upgrade()
    }
}

#[wasm_bindgen]
impl KeywatchPanel {
    /// Applies a new configuration without losing the panel's state (the
    /// sync-job view, sessions). A bad one is reported as a `keywatch-error`
    /// event on the element, the panel keeps its last good configuration,
    /// and `false` is returned.
    pub fn update(&self, config: JsValue) -> bool {
        let Some(panel) = self.panel() else {
            return false;
        };
        match js::read_config(&config) {
            Ok((config, provider)) => {
                panel.borrow_mut().update(config, provider);
                true
            }
            Err(error) => {
                let host = panel.borrow().host().clone();
                js::dispatch(
                    &host,
                    &crate::host::PanelEvent::Error(format!(
                        "{error}. The panel keeps its last good configuration."
                    )),
                );
                false
            }
        }
    }

    /// Checks every card now.
    pub fn refresh(&self) {
        if let Some(panel) = self.panel() {
            panel.borrow().refresh();
        }
    }

    /// Removes the panel and stops all its work: polling ends, requests under
    /// way are aborted, a GKLM session it signed in for is ended.
    pub fn destroy(&self) {
        if let Some(panel) = self.panel() {
            let host = panel.borrow().host().clone();
            instance::end(&host);
        }
    }

    /// Whether the panel still runs (not destroyed, its element not removed).
    #[wasm_bindgen(getter)]
    pub fn running(&self) -> bool {
        self.panel().is_some_and(|p| p.borrow().is_running())
    }
}

/// Mounts a panel into `element`'s shadow root (a panel already there is
/// ended first). `config` is an object with the configuration keys, or JSON
/// text. Throws an Error that says what to fix when the configuration is
/// wrong. Removing `element` from the page, or `destroy()`, ends the panel;
/// the handle need not be kept.
#[wasm_bindgen]
pub fn mount(element: Element, config: JsValue) -> Result<KeywatchPanel, JsError> {
    mount_with(element, config, false)
}

/// As [`mount`], for a page that is the panel's own: the sync-job view lives
/// in the page's address, so it can be shared and the back button works.
/// Configuration never comes from the address.
#[wasm_bindgen(js_name = mountPage)]
pub fn mount_page(element: Element, config: JsValue) -> Result<KeywatchPanel, JsError> {
    mount_with(element, config, true)
}

fn mount_with(
    element: Element,
    config: JsValue,
    view_in_address: bool,
) -> Result<KeywatchPanel, JsError> {
    let (config, provider) = js::read_config(&config).map_err(|e| JsError::new(&e.to_string()))?;
    let panel = Instance::start(element, config, provider, view_in_address, true).map_err(|e| {
        JsError::new(&format!(
            "keywatch: cannot mount here ({})",
            e.as_string()
                .unwrap_or_else(|| "the element takes no shadow root".into())
        ))
    })?;
    Ok(KeywatchPanel {
        panel: std::rc::Rc::downgrade(&panel),
    })
}

/// How many panels run on the page (for a host's own leak checks).
#[wasm_bindgen(js_name = mountedPanels)]
pub fn mounted_panels() -> usize {
    instance::count()
}

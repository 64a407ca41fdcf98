//! `<keywatch-panel>`: the element's class is JavaScript (`element.js`,
//! since a custom element must be one); what it does is here.

use std::cell::Cell;

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::*;
use web_sys::Element;

use crate::embed::instance::{self, Instance};
use crate::embed::js::{dispatch, read_config};
use crate::host::PanelEvent;

pub const TAG: &str = "keywatch-panel";

#[wasm_bindgen(module = "/src/embed/element.js")]
extern "C" {
    /// The class is defined when its module is imported (before the wasm);
    /// this hands it the hooks, and starts the elements already connected.
    #[wasm_bindgen(js_name = attachElement)]
    fn attach_element(hooks: &Object);
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(extends = Element)]
    type PanelElement;

    /// The element's own configuration: properties over attributes.
    #[wasm_bindgen(method, js_name = keywatchConfig)]
    fn keywatch_config(this: &PanelElement) -> JsValue;
}

thread_local! {
    static DEFINED: Cell<bool> = const { Cell::new(false) };
}

/// Gives `<keywatch-panel>` its hooks once per page.
pub fn define() {
    if DEFINED.with(|d| d.replace(true)) {
        return;
    }
    let hooks = Object::new();
    // Both wait for the end of the host's task: an element appended and
    // then given its properties (the token provider last, say) starts with
    // all of them, never first without its credential.
    hook(&hooks, "connected", |el| {
        wasm_bindgen_futures::spawn_local(async move { apply(&el) });
    });
    hook(&hooks, "changed", |el| {
        // Several properties set in a row make one update.
        wasm_bindgen_futures::spawn_local(async move { apply(&el) });
    });
    hook(&hooks, "disconnected", |el| {
        // A move is a removal and an insertion: only an element still out of
        // the page once the task is over is gone.
        wasm_bindgen_futures::spawn_local(async move {
            if !el.is_connected() {
                instance::end(&el);
            }
        });
    });
    hook(&hooks, "refresh", |el| {
        if let Some(panel) = instance::find(&el) {
            panel.borrow().refresh();
        }
    });
    attach_element(&hooks);
}

fn hook(hooks: &Object, name: &str, run: fn(Element)) {
    let f = Closure::<dyn Fn(Element)>::new(run).into_js_value();
    let _ = Reflect::set(
        hooks,
        &JsValue::from_str(name),
        f.unchecked_ref::<Function>(),
    );
}

/// Mounts or updates the element's panel from its configuration now; a bad
/// configuration is told to the host and the last good one kept.
fn apply(el: &Element) {
    if !el.is_connected() {
        return;
    }
    let (config, provider) =
        match read_config(&el.unchecked_ref::<PanelElement>().keywatch_config()) {
            Ok(read) => read,
            Err(error) => {
                let kept = if instance::find(el).is_some() {
                    " The panel keeps its last good configuration."
                } else {
                    ""
                };
                dispatch(el, &PanelEvent::Error(format!("{error}.{kept}")));
                return;
            }
        };
    let view_in_address = el.has_attribute("view-in-address");
    match instance::find(el) {
        Some(panel) => panel
            .borrow_mut()
            .update_with(config, provider, view_in_address),
        None => {
            if let Err(error) =
                Instance::start(el.clone(), config, provider, view_in_address, false)
            {
                let said = error
                    .as_string()
                    .unwrap_or_else(|| "it could not start".into());
                dispatch(el, &PanelEvent::Error(format!("keywatch: {said}")));
            }
        }
    }
}

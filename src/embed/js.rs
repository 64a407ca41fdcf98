//! What crosses the JavaScript boundary: a configuration object in, a token
//! provider's answer in, events out.

use js_sys::{Function, Object, Promise, Reflect};
use keywatch_core::json::JsonObject;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CustomEvent, CustomEventInit, Element};

use crate::config::{check_keys, ConfigError, PanelConfig};
use crate::host::{server_key, PanelEvent, TokenProvider};

/// A configuration object (or JSON text), with its token provider function
/// if any.
pub fn read_config(value: &JsValue) -> Result<(PanelConfig, Option<Function>), ConfigError> {
    // An object is read as the JSON it stands for (a function, such as the
    // token provider, drops out of it): one decoder of the keys in the
    // bundle, the one that reads the servers' answers.
    let config = match value.as_string() {
        Some(text) => PanelConfig::from_json(&text)?,
        None if value.is_object() && !js_sys::Array::is_array(value) => {
            let keys: Vec<String> = Object::keys(value.unchecked_ref::<Object>())
                .iter()
                .filter_map(|k| k.as_string())
                .collect();
            check_keys(keys.iter().map(String::as_str))?;
            let text = js_sys::JSON::stringify(value)
                .map_err(|e| ConfigError(format!("not readable ({})", said(&e))))?;
            PanelConfig::from_json(&String::from(text))?
        }
        None => {
            return Err(ConfigError(
                "pass an object (or JSON text) with the configuration keys".into(),
            ))
        }
    };
    Ok((config, token_provider(value)?))
}

fn token_provider(config: &JsValue) -> Result<Option<Function>, ConfigError> {
    let value = Reflect::get(config, &JsValue::from_str("tokenProvider")).unwrap_or_default();
    if value.is_null() || value.is_undefined() {
        return Ok(None);
    }
    value.dyn_into().map(Some).map_err(|_| {
        ConfigError("tokenProvider must be a function (system) => Promise<string>".into())
    })
}

/// The host's `tokenProvider` function, as the panel asks it.
pub fn provider(provide: Function) -> TokenProvider {
    TokenProvider::new(move |server| {
        let asked = provide.call1(&JsValue::NULL, &JsValue::from_str(server_key(server)));
        async move {
            let answer = JsFuture::from(Promise::resolve(&asked.map_err(|e| said(&e))?))
                .await
                .map_err(|e| said(&e))?;
            answer
                .as_string()
                .ok_or_else(|| "its answer is not a string".to_owned())
        }
    })
}

/// A thrown value or rejection reason, as text.
fn said(error: &JsValue) -> String {
    Reflect::get(error, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "it failed".to_owned())
}

/// Tells the host on its element: `keywatch-auth-required`,
/// `keywatch-status` or `keywatch-error`, bubbling out of any shadow root.
pub fn dispatch(host: &Element, event: &PanelEvent) {
    let (name, detail) = match event {
        PanelEvent::AuthRequired(server) => (
            "keywatch-auth-required",
            to_js(
                &JsonObject::default()
                    .text("system", server_key(*server))
                    .end(),
            ),
        ),
        PanelEvent::Status(summary) => ("keywatch-status", to_js(&summary.to_json())),
        PanelEvent::Error(message) => (
            "keywatch-error",
            to_js(&JsonObject::default().text("message", message).end()),
        ),
    };
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = host.dispatch_event(&event);
    }
}

/// Written as JSON text and parsed by the browser: a plain object, with
/// `null` for what is not known.
fn to_js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap_or(JsValue::NULL)
}

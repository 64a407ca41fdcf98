//! One panel in a host page: its shadow root, its Yew app, its last good
//! configuration. Every way a panel ends (`destroy()`, removal of its
//! element, a second mount onto the same element) ends here; a handle's
//! `free()` is not one of them.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    CssStyleSheet, Element, MutationObserver, MutationObserverInit, ShadowRoot, ShadowRootInit,
    ShadowRootMode,
};
use yew::{AppHandle, Callback};

use crate::components::panel::{Panel, PanelProps};
use crate::config::PanelConfig;
use crate::embed::js::{dispatch, provider};
use crate::hooks::Pulse;
use crate::host::PanelEvent;

/// The panel's stylesheet, adopted by every panel's shadow root.
pub const STYLES: &str = include_str!(concat!(env!("OUT_DIR"), "/keywatch.min.css"));

pub type Shared = Rc<RefCell<Instance>>;

/// An observer and the callback it calls, kept alive together.
type Watch = (MutationObserver, Closure<dyn FnMut()>);

thread_local! {
    static MOUNTED: RefCell<Vec<Shared>> = const { RefCell::new(Vec::new()) };
    static SHEET: RefCell<Option<CssStyleSheet>> = const { RefCell::new(None) };
}

pub struct Instance {
    host: Element,
    root: Element,
    app: Option<AppHandle<Panel>>,
    props: PanelProps,
    /// The host's `tokenProvider` function: the same function keeps the same
    /// provider, so an unrelated change does not ask it again.
    provider_fn: Option<js_sys::Function>,
    /// Watches for the host element leaving the page (`mount()` only: the
    /// custom element hears it itself).
    watch: Option<Watch>,
}

/// The panel mounted on `host`, if any.
pub fn find(host: &Element) -> Option<Shared> {
    MOUNTED.with(|m| {
        m.borrow()
            .iter()
            .find(|i| i.borrow().host == *host)
            .cloned()
    })
}

/// Ends the panel mounted on `host`, if any.
pub fn end(host: &Element) {
    let found = MOUNTED.with(|m| {
        let mut mounted = m.borrow_mut();
        let at = mounted.iter().position(|i| i.borrow().host == *host)?;
        Some(mounted.swap_remove(at))
    });
    if let Some(instance) = found {
        instance.borrow_mut().stop();
    }
}

/// How many panels are mounted on the page.
pub fn count() -> usize {
    MOUNTED.with(|m| m.borrow().len())
}

impl Instance {
    /// Renders a panel into `host`'s open shadow root; a panel already
    /// there is ended first.
    pub fn start(
        host: Element,
        config: PanelConfig,
        provider_fn: Option<js_sys::Function>,
        view_in_address: bool,
        watch_removal: bool,
    ) -> Result<Shared, JsValue> {
        end(&host);
        let shadow = shadow_root(&host)?;
        let document = host
            .owner_document()
            .ok_or_else(|| JsValue::from_str("keywatch: the element has no document"))?;
        let root = document.create_element("div")?;
        root.set_class_name("kw-root");
        shadow.append_child(&root)?;
        let on_event = {
            let host = host.clone();
            Callback::from(move |event: PanelEvent| dispatch(&host, &event))
        };
        let props = PanelProps {
            config,
            view_in_address,
            on_event,
            token_provider: provider_fn.clone().map(provider),
            refresh: Some(Pulse::default()),
        };
        let app = yew::Renderer::<Panel>::with_root_and_props(root.clone(), props.clone()).render();
        let instance = Rc::new(RefCell::new(Instance {
            host: host.clone(),
            root,
            app: Some(app),
            props,
            provider_fn,
            watch: None,
        }));
        MOUNTED.with(|m| m.borrow_mut().push(instance.clone()));
        // Without an observer the panel still runs; destroy() still ends it.
        if watch_removal && host.is_connected() {
            instance.borrow_mut().watch = watch(&host).ok();
        }
        Ok(instance)
    }

    /// A new configuration, applied without losing the panel's state.
    pub fn update(&mut self, config: PanelConfig, provider_fn: Option<js_sys::Function>) {
        let view_in_address = self.props.view_in_address;
        self.update_with(config, provider_fn, view_in_address);
    }

    /// As [`Instance::update`], with where the sync-job view lives.
    pub fn update_with(
        &mut self,
        config: PanelConfig,
        provider_fn: Option<js_sys::Function>,
        view_in_address: bool,
    ) {
        let token_provider = if provider_fn == self.provider_fn {
            self.props.token_provider.clone()
        } else {
            self.provider_fn = provider_fn.clone();
            provider_fn.map(provider)
        };
        let props = PanelProps {
            config,
            token_provider,
            view_in_address,
            ..self.props.clone()
        };
        if props != self.props {
            self.props = props.clone();
            if let Some(app) = self.app.as_mut() {
                app.update(props);
            }
        }
    }

    pub fn host(&self) -> &Element {
        &self.host
    }

    pub fn refresh(&self) {
        if let Some(pulse) = &self.props.refresh {
            pulse.fire();
        }
    }

    pub fn is_running(&self) -> bool {
        self.app.is_some()
    }

    /// Stops every timer and request, frees the Yew app and leaves the
    /// shadow root empty.
    fn stop(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
        if let Some((observer, _)) = self.watch.take() {
            observer.disconnect();
        }
        self.root.remove();
    }
}

fn shadow_root(host: &Element) -> Result<ShadowRoot, JsValue> {
    let shadow = match host.shadow_root() {
        Some(shadow) => shadow,
        None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
    };
    adopt_styles(&shadow)?;
    Ok(shadow)
}

/// Makes the panel's stylesheet one of `target`'s adopted stylesheets (a
/// shadow root, or the document of a Rust host that renders [`Panel`] in
/// its own page). One sheet serves every panel on the page.
pub fn adopt_styles(target: &JsValue) -> Result<(), JsValue> {
    let sheet = SHEET.with(|s| -> Result<CssStyleSheet, JsValue> {
        if let Some(sheet) = s.borrow().as_ref() {
            return Ok(sheet.clone());
        }
        let sheet = CssStyleSheet::new()?;
        sheet.replace_sync(STYLES)?;
        *s.borrow_mut() = Some(sheet.clone());
        Ok(sheet)
    })?;
    let key = JsValue::from_str("adoptedStyleSheets");
    let adopted: js_sys::Array = js_sys::Reflect::get(target, &key)?.into();
    if !adopted.includes(&sheet, 0) {
        adopted.push(&sheet);
        js_sys::Reflect::set(target, &key, &adopted)?;
    }
    Ok(())
}

/// Ends the panel once `host` has left the page (checked after each change
/// to the page's tree, not inside any shadow root).
fn watch(host: &Element) -> Result<Watch, JsValue> {
    let gone = {
        let host = host.clone();
        Closure::<dyn FnMut()>::new(move || {
            if !host.is_connected() {
                let host = host.clone();
                // Not from inside the observer's own callback.
                yew::platform::spawn_local(async move { end(&host) });
            }
        })
    };
    let observer = MutationObserver::new(gone.as_ref().unchecked_ref())?;
    let init = MutationObserverInit::new();
    init.set_child_list(true);
    init.set_subtree(true);
    let root = host.get_root_node();
    observer.observe_with_options(&root, &init)?;
    Ok((observer, gone))
}

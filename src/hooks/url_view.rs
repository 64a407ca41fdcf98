//! The sync-job view in the page's address (its `#` part), on the
//! standalone page: a view can be shared, and the back button works.

use yew::prelude::*;

use crate::state::sync_view::{SyncView, SyncViewAction};

/// The view in the address now, and what in it was not valid.
pub fn view_from_address() -> (SyncView, Vec<String>) {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    SyncView::from_url_query(&hash)
}

/// Keeps the address and `view` in step while `enabled`: a new view is a new
/// history entry, and moving through history (or a pasted link) sets the view.
#[hook]
pub fn use_view_in_address(
    view: &SyncView,
    view_handle: UseReducerDispatcher<SyncView>,
    enabled: bool,
) {
    let query = view.to_url_query();
    use_effect_with((query, enabled), move |(query, enabled)| {
        if *enabled {
            if let Some(location) = web_sys::window().map(|w| w.location()) {
                let now = location.hash().unwrap_or_default();
                if now.trim_start_matches('#') != query {
                    let _ = location.set_hash(query);
                }
            }
        }
    });
    use_effect_with(enabled, move |enabled| {
        let listener = (*enabled).then(web_sys::window).flatten().map(|window| {
            gloo_events::EventListener::new(&window, "hashchange", move |_| {
                view_handle.dispatch(SyncViewAction::Replace(view_from_address().0));
            })
        });
        move || drop(listener)
    });
}

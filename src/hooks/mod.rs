//! Effects: polling, and stopping cleanly when a component goes away.

mod use_poll;

pub use use_poll::use_poll;

use yew::Callback;

use crate::api::error::ApiError;

/// Tells the panel when a server wants a sign-in, naming the credential it
/// refused so that a late reply cannot end a newer session.
pub fn tell_if_sign_in_needed<T>(
    reply: &Result<T, ApiError>,
    credential: Option<String>,
    tell: &Callback<(Option<String>, ApiError)>,
) {
    if let Err(error) = reply {
        if error.is_sign_in_needed() {
            tell.emit((credential, error.clone()));
        }
    }
}

//! Effects: polling, visibility, announcements, stopping cleanly when a
//! component goes away.

mod announce;
mod cckm_session;
mod gklm_session;
mod host;
mod pulse;
mod status;
mod tasks;
mod url_view;
mod use_poll;
mod visibility;

pub use announce::{use_announce, Announcement, Announcer};
pub use cckm_session::{refresh_after_ms, use_cckm_session};
pub use gklm_session::{use_gklm_session, SessionControls};
pub use host::{use_auth_required, use_events, use_relayed_pulse, use_status_board, Events};
pub use pulse::Pulse;
pub use status::{use_status, StatusBoard};
pub use url_view::{use_view_in_address, view_from_address};
pub use use_poll::{use_poll, CheckedAt, PollSignals, Polling};
pub use visibility::{page_hidden, visibility_change};

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;

use futures::future::{FutureExt, LocalBoxFuture};
use yew::prelude::*;

use crate::api::error::ApiError;
use crate::api::{GklmConfig, Reply};

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

/// Wraps a GKLM call so that a refusal for want of a sign-in is told to the
/// panel, with the credential that was refused.
pub fn telling_sign_in<T, Fut>(
    tell: Callback<(Option<String>, ApiError)>,
    call: impl Fn(GklmConfig) -> Fut + 'static,
) -> impl Fn(GklmConfig) -> LocalBoxFuture<'static, Result<Reply<T>, ApiError>>
where
    T: 'static,
    Fut: Future<Output = Result<Reply<T>, ApiError>> + 'static,
{
    move |cfg: GklmConfig| {
        let credential = cfg.auth_id.clone();
        let tell = tell.clone();
        let reply = call(cfg);
        async move {
            let reply = reply.await;
            tell_if_sign_in_needed(&reply, credential, &tell);
            reply
        }
        .boxed_local()
    }
}

/// How many times the calling component has rendered, this time included:
/// shown as `data-renders`, so that a test (or a curious host) can see that
/// a check bringing nothing new renders nothing.
#[hook]
pub fn use_render_count() -> u32 {
    let count = use_memo((), |_| Rc::new(Cell::new(0u32)));
    let n = count.get().saturating_add(1);
    count.set(n);
    n
}

thread_local! {
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
}

/// An element id unique on the page, stable for the component's life, so
/// that two panels on one page never share a `for`/`aria-*` target.
#[hook]
pub fn use_unique_id(prefix: &'static str) -> AttrValue {
    (*use_memo((), move |_| {
        let n = NEXT_ID.with(|next| {
            let n = next.get();
            next.set(n.wrapping_add(1));
            n
        });
        AttrValue::from(format!("kw-{prefix}-{n}"))
    }))
    .clone()
}

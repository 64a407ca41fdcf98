//! What a host gives the panel besides its configuration, and what it hears
//! back: typed for Rust hosts; `embed` turns them into JavaScript.

use std::future::Future;
use std::rc::Rc;

use futures::future::{FutureExt, LocalBoxFuture};
use yew::Callback;

pub use crate::api::error::Server;
use crate::state::status::StatusSummary;

/// What the panel tells its host.
#[derive(Clone, Debug, PartialEq)]
pub enum PanelEvent {
    /// A server wants a sign-in that the panel cannot make by itself: the
    /// sign-in form is showing.
    AuthRequired(Server),
    /// The summary changed (sent on the first readings and on every change,
    /// never for a check that brought nothing new).
    Status(StatusSummary),
    /// Something the host should fix or know: a configuration refused, a
    /// token provider that failed.
    Error(String),
}

/// The key a host uses for a server: `"gklm"` or `"cckm"`.
pub fn server_key(server: Server) -> &'static str {
    match server {
        Server::Gklm => "gklm",
        Server::Cckm => "cckm",
    }
}

type Provide = dyn Fn(Server) -> LocalBoxFuture<'static, Result<String, String>>;

/// The host's source of credentials: asked at start, before a CipherTrust
/// token expires, and after a server refuses the credential it gave. The
/// answer is held in memory only.
#[derive(Clone)]
pub struct TokenProvider(Rc<Provide>);

impl TokenProvider {
    pub fn new<F, Fut>(provide: F) -> Self
    where
        F: Fn(Server) -> Fut + 'static,
        Fut: Future<Output = Result<String, String>> + 'static,
    {
        Self(Rc::new(move |server| provide(server).boxed_local()))
    }

    pub fn token(&self, server: Server) -> LocalBoxFuture<'static, Result<String, String>> {
        (self.0)(server)
    }
}

/// The same provider is equal to itself only.
impl PartialEq for TokenProvider {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for TokenProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenProvider")
    }
}

/// Where the panel's events go; by default nowhere.
pub type EventSink = Callback<PanelEvent>;

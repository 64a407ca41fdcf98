//! The typed API layer. Requests, readers and errors are the core crate's
//! (`keywatch_core::api`, shared with the gateway's watcher); what is the
//! widget's own is [`http::send`], the one function that touches the
//! browser, and [`Fetch`], the transport the endpoint functions take.

pub mod http;

pub use keywatch_core::api::{cckm, config, error, gklm, read};
pub use keywatch_core::api::{
    join_url, ApiError, CckmConfig, GklmConfig, InputName, Reply, Server, ServerMessage,
};

pub use http::{send, Fetch, HttpRequest, HttpResponse, Method, Transport};

//! The typed API layer: requests, responses and errors for GKLM and CCKM.
//!
//! Every endpoint has a pure pair: `*_request` builds an [`HttpRequest`],
//! `read_*` turns an [`HttpResponse`] into a value or an [`ApiError`]. The
//! widget sends them with the browser's `fetch`, the gateway's watcher with
//! its own client; both read the answers with the same functions.

pub mod cckm;
pub mod config;
pub mod error;
pub mod gklm;
mod headers;
pub mod http;
pub mod read;

pub use config::{join_url, CckmConfig, GklmConfig};
pub use error::{ApiError, InputName, Server, ServerMessage};
pub use http::{HttpRequest, HttpResponse, Method, Transport};
pub use read::Reply;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests;
#[cfg(test)]
mod seed_tests;

//! What keywatch reads from IBM Guardium Key Lifecycle Manager and Thales
//! CipherTrust Manager, as plain Rust: requests and their readers (`api`),
//! the decoded values (`model`), how each reading looks to an operator
//! (`verdict`) and the words for it (`text`, `lang`).
//!
//! Both the widget and the gateway's watcher depend on this crate, so both
//! read a server exactly the same way. Nothing here knows about a browser or
//! a view framework.

// A panic kills every panel on the page: nothing from the network or a
// person may be unwrapped or indexed unchecked.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

pub mod api;
pub mod json;
pub mod lang;
pub mod model;
pub mod schedule;
pub mod text;
pub mod verdict;

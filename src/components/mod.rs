//! Thin components: props in, callbacks out.

pub mod card;
pub mod last_backup;
pub mod panel;
pub mod sign_in;

pub use panel::Panel;

//! Thin components: props in, callbacks out.

pub mod age;
pub mod backup_activity;
pub mod backup_history;
pub mod card;
pub mod cluster;
pub mod event_list;
pub mod gklm_card;
pub mod last_backup;
pub mod notifications;
pub mod panel;
pub mod restore;
pub mod sign_in;
pub mod sync_jobs;

pub use panel::Panel;

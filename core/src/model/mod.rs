//! What the panel shows, as plain Rust types decoded from the wire.

pub mod backup;
pub mod backup_history;
pub mod backup_info;
pub mod cluster;
pub mod code;
pub mod csv;
pub mod decode;
pub mod find;
pub mod jwt;
pub mod multimaster;
pub mod notification;
pub mod notification_events;
pub mod percent;
pub mod restore;
pub mod server_info;
pub mod sync_job;
pub mod text;
pub mod timestamp;

pub use backup::{BackupActivity, BackupResult};
pub use decode::{DecodeError, DecodeProblem, Expected};
pub use timestamp::Timestamp;

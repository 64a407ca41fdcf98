//! The simulated GKLM and CipherTrust servers as plain data driven by a
//! simulated clock: no HTTP here.

pub mod clock;
pub mod faults;
pub mod gklm_tasks;
pub mod notifications;
pub mod rng;
pub mod scenario;
pub mod sessions;
pub mod sync_jobs;
pub mod tokens;
pub mod world;

pub use world::Simulator;

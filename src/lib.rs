//! keywatch: a status panel for the operators of IBM Guardium Key Lifecycle
//! Manager and Thales CipherTrust Manager.

pub mod api;
pub mod lang;
pub mod model;

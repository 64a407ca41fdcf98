//! What the panel shows, as plain Rust types decoded from the wire.

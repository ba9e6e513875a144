//! Empty: everything is in benches/backends.rs.

//! libfluvio: the C client library for the Fluvio streaming platform.
//!
//! The C API lives in [`ffi`] and is described by the generated
//! `include/fluvio.h`. Everything else is ordinary safe Rust.

pub mod callback;
pub mod client;
pub mod consumer;
pub mod ffi;
pub mod local;
pub mod log;
pub mod producer;
pub mod protocol;
pub mod task;
pub mod tls;
pub mod connection;

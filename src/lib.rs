//! libfluvio: the C client library for the Fluvio streaming platform.
//!
//! The C API lives in [`ffi`] and is described by the generated
//! `include/fluvio.h`. Everything else is ordinary safe Rust, and the
//! compiler holds it to that: `unsafe` is allowed in `ffi` alone.

#![deny(unsafe_code)]

pub mod callback;
pub mod client;
pub mod connection;
pub mod consumer;
#[allow(unsafe_code)]
pub mod ffi;
pub mod local;
pub mod log;
pub mod producer;
pub mod protocol;
pub mod task;
pub mod tls;

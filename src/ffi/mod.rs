//! The C ABI, and nothing else: status codes, the last-error text, version
//! information, and the panic boundary every exported function goes through.
//! `unsafe` code lives here and nowhere else in the crate.

#![allow(non_camel_case_types)]

mod client;
mod client_config;
mod consumer;
mod consumer_offsets;
mod error;
mod local;
mod log;
mod producer;
mod readiness;
mod runtime;
mod smartmodule;
mod smartmodule_admin;
mod util;
mod version;

pub use client::*;
pub use client_config::*;
pub use consumer::*;
pub use consumer_offsets::*;
pub use error::*;
pub use local::*;
pub use log::*;
pub use producer::*;
pub use smartmodule::*;
pub use smartmodule_admin::*;
pub use version::*;

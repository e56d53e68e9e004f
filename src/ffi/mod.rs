//! The C ABI, and nothing else: status codes, the last-error text, version
//! information, and the panic boundary every exported function goes through.
//! `unsafe` code lives here and nowhere else in the crate.

#![allow(non_camel_case_types)]

mod error;
mod local;
mod runtime;
mod version;

pub use error::*;
pub use local::*;
pub use version::*;

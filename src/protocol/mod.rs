//! The Fluvio wire protocol: everything the client and the embedded cluster
//! say to each other, byte-identical with the official Fluvio crates.
//!
//! `codec` holds the primitive encodings; `frame` the framing and headers;
//! `record` and `compression` the batch format; `spu` and `sc` the messages
//! of the two services; `error_code` the server error codes.

pub mod api_versions;
pub mod codec;
pub mod compression;
pub mod error_code;
pub mod frame;
#[doc(hidden)]
pub mod fuzzing;
pub mod record;
pub mod sc;
pub mod spu;

pub use codec::{Decode, DecodeError, DecodeResult, Encode, Reader, Version};
pub use compression::Compression;
pub use error_code::ErrorCode;
pub use frame::{Request, RequestHeader};

//! The SC (streaming controller) API: topic admin and metadata watches.

mod objects;
mod partition;
mod smartmodule;
mod spu;
mod topic;

pub use objects::*;
pub use partition::*;
pub use smartmodule::*;
pub use spu::*;
pub use topic::*;

use super::codec::Version;
use super::error_code::ErrorCode;

/// The SC API version spoken by both official clients.
pub const SC_VERSION: Version = 19;

/// SC API keys. They overlap with the SPU's: serve the two on different listeners.
pub mod api_key {
    pub const CREATE: u16 = 1001;
    pub const DELETE: u16 = 1002;
    pub const LIST: u16 = 1003;
    pub const WATCH: u16 = 1004;
    pub const MIRRORING: u16 = 1005;
    pub const UPDATE: u16 = 1006;
}

/// Why `name` is not a valid topic name, or `None` when it is. The official
/// SC's rules: at most 63 bytes of `[a-z0-9-]`, not starting or ending with
/// `-`. (The official SC lets an empty name through; this does not.)
pub fn invalid_topic_name(name: &str) -> Option<String> {
    let valid = !name.is_empty()
        && name.len() <= 63
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    (!valid).then(|| {
        format!("Invalid topic name: '{name}'. Topic name can contain only lowercase alphanumeric characters or '-', must start and end with an alphanumeric character, and be at most 63 characters long")
    })
}

crate::wire_struct! {
    /// The answer to Create, Delete and Update.
    pub struct Status {
        pub name: String,
        pub error_code: ErrorCode,
        pub error_message: Option<String>,
    }
}

impl Status {
    pub fn ok(name: impl Into<String>) -> Self {
        Status { name: name.into(), error_code: ErrorCode::None, error_message: None }
    }

    pub fn error(name: impl Into<String>, error_code: ErrorCode, message: impl Into<String>) -> Self {
        Status { name: name.into(), error_code, error_message: Some(message.into()) }
    }
}

/// Any request an SC listener accepts, decoded at its header's version.
#[derive(Debug, Clone, PartialEq)]
pub enum ScRequest {
    ApiVersions(super::api_versions::ApiVersionsRequest),
    /// Boxed: a topic spec is several times the size of the other requests.
    Create(Box<ObjectApiCreateRequest>),
    Delete(ObjectApiDeleteRequest),
    List(ObjectApiListRequest),
    Watch(ObjectApiWatchRequest),
    Update(ObjectApiUpdateRequest),
}

impl ScRequest {
    /// Decodes the body that follows `header`; it must fill the rest of the frame.
    pub fn decode(
        header: &super::frame::RequestHeader,
        body: &mut super::codec::Reader<'_>,
    ) -> super::codec::DecodeResult<Self> {
        use super::frame::decode_request_body as body_of;
        Ok(match header.api_key {
            super::api_versions::API_VERSIONS_KEY => ScRequest::ApiVersions(body_of(body, header)?),
            api_key::CREATE => ScRequest::Create(Box::new(body_of(body, header)?)),
            api_key::DELETE => ScRequest::Delete(body_of(body, header)?),
            api_key::LIST => ScRequest::List(body_of(body, header)?),
            api_key::WATCH => ScRequest::Watch(body_of(body, header)?),
            api_key::UPDATE => ScRequest::Update(body_of(body, header)?),
            other => return Err(super::codec::DecodeError::UnknownTag { ty: "SC api key", tag: other.into() }),
        })
    }
}

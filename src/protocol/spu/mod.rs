//! The SPU (streaming processing unit) API: produce, fetch offsets, stream
//! fetch with its flow-control acknowledgements, and consumer offsets.

mod consumer_offset;
mod fetch;
mod produce;
mod smartmodule;

pub use consumer_offset::*;
pub use fetch::*;
pub use produce::*;
pub use smartmodule::*;

use std::fmt;

use super::codec::Version;

/// The SPU API version spoken by the official Rust client 0.50.x.
pub const SPU_VERSION: Version = 25;
/// The SPU API version spoken by the official Python client 0.21.0.
pub const SPU_VERSION_PYTHON: Version = 24;

/// SPU API keys. They overlap with the SC's: serve the two on different listeners.
pub mod api_key {
    pub const PRODUCE: u16 = 0;
    pub const FETCH: u16 = 1;
    pub const FETCH_OFFSETS: u16 = 1002;
    pub const STREAM_FETCH: u16 = 1003;
    pub const UPDATE_OFFSETS: u16 = 1005;
    pub const UPDATE_CONSUMER_OFFSET: u16 = 1006;
    pub const DELETE_CONSUMER_OFFSET: u16 = 1007;
    pub const FETCH_CONSUMER_OFFSETS: u16 = 1008;
}

crate::wire_struct! {
    /// A topic partition; its text form is `"<topic>-<partition>"`.
    pub struct ReplicaKey {
        pub topic: String,
        pub partition: u32,
    }
}

impl ReplicaKey {
    pub fn new(topic: impl Into<String>, partition: u32) -> Self {
        ReplicaKey { topic: topic.into(), partition }
    }

    /// Parses `"<topic>-<partition>"`, splitting at the last `-`.
    pub fn parse(name: &str) -> Option<Self> {
        let (topic, partition) = name.rsplit_once('-')?;
        Some(ReplicaKey::new(topic, partition.parse().ok()?))
    }
}

impl fmt::Display for ReplicaKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.topic, self.partition)
    }
}

crate::wire_enum! {
    /// Which records a consumer may see (StreamFetch encodes it as a `u8`).
    pub enum Isolation: u8 {
        ReadUncommitted = 0,
        ReadCommitted = 1,
    }
    default ReadUncommitted
}

/// Any request an SPU listener accepts, decoded at its header's version.
// Produce is large, but one request is decoded and handled at a time.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum SpuRequest {
    ApiVersions(crate::protocol::api_versions::ApiVersionsRequest),
    Produce(ProduceRequest),
    FetchOffsets(FetchOffsetsRequest),
    StreamFetch(StreamFetchRequest),
    UpdateOffsets(UpdateOffsetsRequest),
    UpdateConsumerOffset(UpdateConsumerOffsetRequest),
    DeleteConsumerOffset(DeleteConsumerOffsetRequest),
    FetchConsumerOffsets(FetchConsumerOffsetsRequest),
}

impl SpuRequest {
    /// Decodes the body that follows `header`; it must fill the rest of the frame.
    pub fn decode(
        header: &crate::protocol::frame::RequestHeader,
        body: &mut crate::protocol::codec::Reader<'_>,
    ) -> crate::protocol::codec::DecodeResult<Self> {
        use crate::protocol::frame::decode_request_body as body_of;
        Ok(match header.api_key {
            crate::protocol::api_versions::API_VERSIONS_KEY => SpuRequest::ApiVersions(body_of(body, header)?),
            api_key::PRODUCE => SpuRequest::Produce(body_of(body, header)?),
            api_key::FETCH_OFFSETS => SpuRequest::FetchOffsets(body_of(body, header)?),
            api_key::STREAM_FETCH => SpuRequest::StreamFetch(body_of(body, header)?),
            api_key::UPDATE_OFFSETS => SpuRequest::UpdateOffsets(body_of(body, header)?),
            api_key::UPDATE_CONSUMER_OFFSET => SpuRequest::UpdateConsumerOffset(body_of(body, header)?),
            api_key::DELETE_CONSUMER_OFFSET => SpuRequest::DeleteConsumerOffset(body_of(body, header)?),
            api_key::FETCH_CONSUMER_OFFSETS => SpuRequest::FetchConsumerOffsets(body_of(body, header)?),
            other => {
                return Err(crate::protocol::codec::DecodeError::UnknownTag { ty: "SPU api key", tag: other.into() })
            }
        })
    }
}

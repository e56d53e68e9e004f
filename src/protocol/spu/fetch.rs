//! FetchOffsets (1002), StreamFetch (1003) with its streamed response, and
//! UpdateOffsets (1005), the stream's flow-control acknowledgement.

use super::{api_key, Isolation, SmartModuleExtraParams, SmartModuleInvocation, SPU_VERSION};
use crate::protocol::codec::Version;
use crate::protocol::error_code::ErrorCode;
use crate::protocol::frame::Request;
use crate::protocol::record::RecordSet;

/// The official client's default StreamFetch `max_bytes`.
pub const DEFAULT_FETCH_MAX_BYTES: i32 = 1_048_890;

crate::wire_struct! {
    pub struct FetchOffsetsRequest {
        pub topics: Vec<FetchOffsetTopic>,
        /// Deprecated; present at version 23 only.
        pub consumer_id: Option<String> [23, 23],
    }
}

impl FetchOffsetsRequest {
    /// The request the official client sends: one topic, one partition.
    pub fn new(topic: impl Into<String>, partition: u32) -> Self {
        FetchOffsetsRequest {
            topics: vec![FetchOffsetTopic {
                name: topic.into(),
                partitions: vec![FetchOffsetPartition { partition_index: partition }],
            }],
            consumer_id: None,
        }
    }
}

impl Request for FetchOffsetsRequest {
    const API_KEY: u16 = api_key::FETCH_OFFSETS;
    const DEFAULT_API_VERSION: Version = SPU_VERSION;
    type Response = FetchOffsetsResponse;
}

crate::wire_struct! {
    pub struct FetchOffsetTopic {
        pub name: String,
        pub partitions: Vec<FetchOffsetPartition>,
    }
}

crate::wire_struct! {
    pub struct FetchOffsetPartition {
        pub partition_index: u32,
    }
}

crate::wire_struct! {
    pub struct FetchOffsetsResponse {
        pub topics: Vec<FetchOffsetTopicResponse>,
    }
}

impl FetchOffsetsResponse {
    pub fn find_partition(&self, topic: &str, partition: u32) -> Option<&FetchOffsetPartitionResponse> {
        self.topics
            .iter()
            .filter(|t| t.name == topic)
            .flat_map(|t| t.partitions.iter())
            .find(|p| p.partition_index == partition)
    }
}

crate::wire_struct! {
    pub struct FetchOffsetTopicResponse {
        pub name: String,
        pub partitions: Vec<FetchOffsetPartitionResponse>,
    }
}

crate::wire_struct! {
    pub struct FetchOffsetPartitionResponse {
        pub error_code: ErrorCode,
        pub partition_index: u32,
        /// First readable offset (log start).
        pub start_offset: i64,
        /// High watermark: the offset the next record will get.
        pub last_stable_offset: i64,
    }
}

crate::wire_struct! {
    /// A legacy derived-stream invocation (versions 16..=18 only).
    pub struct DerivedStreamInvocation {
        pub stream: String,
        pub params: SmartModuleExtraParams,
    }
}

crate::wire_struct! {
    /// Opens a stream of record batches from `fetch_offset` on.
    pub struct StreamFetchRequest {
        pub topic: String,
        pub partition: u32,
        pub fetch_offset: i64,
        pub max_bytes: i32,
        pub isolation: Isolation,
        pub wasm_module: Vec<u8> [11, 18],
        pub smartmodule: Option<SmartModuleInvocation> [16, 18],
        pub derivedstream: Option<DerivedStreamInvocation> [16, 18],
        pub smartmodules: Vec<SmartModuleInvocation> [18, i16::MAX],
        pub consumer_id: Option<String> [23, i16::MAX],
    }
}

impl Request for StreamFetchRequest {
    const API_KEY: u16 = api_key::STREAM_FETCH;
    const DEFAULT_API_VERSION: Version = SPU_VERSION;
    type Response = StreamFetchResponse;
}

crate::wire_struct! {
    /// One frame of a StreamFetch stream; all carry the request's correlation id.
    pub struct StreamFetchResponse {
        pub topic: String,
        /// Session id, unique per connection; acknowledged by UpdateOffsets.
        pub stream_id: u32,
        pub partition: FetchablePartitionResponse,
    }
}

crate::wire_struct! {
    pub struct FetchablePartitionResponse {
        pub partition_index: u32,
        pub error_code: ErrorCode,
        pub high_watermark: i64,
        /// 0 for plain fetches (used by SmartModule filtering).
        pub next_filter_offset: i64 [11, i16::MAX],
        pub log_start_offset: i64,
        pub aborted: Option<Vec<AbortedTransaction>>,
        pub records: RecordSet,
    }
}

crate::wire_struct! {
    pub struct AbortedTransaction {
        pub producer_id: i64,
        pub first_offset: i64,
    }
}

crate::wire_struct! {
    /// Acknowledges a stream frame: send more from `offset`.
    pub struct UpdateOffsetsRequest {
        pub offsets: Vec<OffsetUpdate>,
    }
}

impl Request for UpdateOffsetsRequest {
    const API_KEY: u16 = api_key::UPDATE_OFFSETS;
    const DEFAULT_API_VERSION: Version = 0;
    type Response = UpdateOffsetsResponse;
}

crate::wire_struct! {
    pub struct OffsetUpdate {
        pub offset: i64,
        pub session_id: u32,
    }
}

crate::wire_struct! {
    pub struct UpdateOffsetsResponse {
        pub status: Vec<OffsetUpdateStatus>,
    }
}

crate::wire_struct! {
    pub struct OffsetUpdateStatus {
        pub session_id: u32,
        pub error: ErrorCode,
    }
}

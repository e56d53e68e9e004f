//! Consumer offsets (1006–1008): named consumers' committed positions, kept
//! by the leader of the system topic `consumer-offset`, partition 0.

use super::{api_key, ReplicaKey, SPU_VERSION};
use crate::protocol::codec::Version;
use crate::protocol::error_code::ErrorCode;
use crate::protocol::frame::Request;

/// The system topic whose partition 0 leader keeps consumer offsets.
pub const CONSUMER_OFFSET_TOPIC: &str = "consumer-offset";

crate::wire_struct! {
    /// Commits `offset` for the consumer id of stream `session_id` (same connection).
    pub struct UpdateConsumerOffsetRequest {
        pub offset: i64,
        pub session_id: u32,
    }
}

impl Request for UpdateConsumerOffsetRequest {
    const API_KEY: u16 = api_key::UPDATE_CONSUMER_OFFSET;
    const DEFAULT_API_VERSION: Version = SPU_VERSION;
    type Response = UpdateConsumerOffsetResponse;
}

crate::wire_struct! {
    pub struct UpdateConsumerOffsetResponse {
        pub offset: i64,
        pub error_code: ErrorCode,
    }
}

crate::wire_struct! {
    pub struct DeleteConsumerOffsetRequest {
        pub replica_id: ReplicaKey,
        pub consumer_id: String,
    }
}

impl Request for DeleteConsumerOffsetRequest {
    const API_KEY: u16 = api_key::DELETE_CONSUMER_OFFSET;
    const DEFAULT_API_VERSION: Version = SPU_VERSION;
    type Response = DeleteConsumerOffsetResponse;
}

crate::wire_struct! {
    pub struct DeleteConsumerOffsetResponse {
        pub error_code: ErrorCode,
    }
}

crate::wire_struct! {
    pub struct ConsumerOffsetFilter {
        pub replica_id: Option<ReplicaKey>,
        pub consumer_id: Option<String>,
    }
}

crate::wire_struct! {
    pub struct FetchConsumerOffsetsRequest {
        pub filter_opts: Option<ConsumerOffsetFilter> [24, i16::MAX],
    }
}

impl Request for FetchConsumerOffsetsRequest {
    const API_KEY: u16 = api_key::FETCH_CONSUMER_OFFSETS;
    const DEFAULT_API_VERSION: Version = SPU_VERSION;
    type Response = FetchConsumerOffsetsResponse;
}

crate::wire_struct! {
    pub struct FetchConsumerOffsetsResponse {
        pub error_code: ErrorCode,
        pub consumers: Vec<ConsumerOffset>,
    }
}

crate::wire_struct! {
    pub struct ConsumerOffset {
        pub consumer_id: String,
        pub replica_id: ReplicaKey,
        /// Offset of the last consumed record; a consumer resumes at offset + 1.
        pub offset: i64,
        /// Seconds since the epoch: the official SPU stores and sends seconds
        /// (its key-value store's `TimestampSecs`).
        pub modified_time: u64,
    }
}

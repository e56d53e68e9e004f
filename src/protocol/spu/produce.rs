//! Produce (API key 0).

use super::{api_key, Isolation, SmartModuleInvocation, SPU_VERSION};
use crate::protocol::codec::{Decode, DecodeResult, Encode, Reader, Version};
use crate::protocol::error_code::ErrorCode;
use crate::protocol::frame::Request;
use crate::protocol::record::RecordSet;

/// Default server-side produce timeout of the official producer.
pub const DEFAULT_PRODUCE_TIMEOUT_MS: i32 = 1500;

/// A produce request. Its codec is hand-written in Fluvio and ignores the
/// declared version gates: every field is present at every version.
#[derive(Debug, Clone, PartialEq)]
pub struct ProduceRequest {
    pub transactional_id: Option<String>,
    /// Encoded as `acks`: ReadUncommitted = 1, ReadCommitted = -1.
    pub isolation: Isolation,
    pub timeout_ms: i32,
    /// The official client always sends exactly one topic.
    pub topics: Vec<TopicProduceData>,
    pub smartmodules: Vec<SmartModuleInvocation>,
}

impl Default for ProduceRequest {
    fn default() -> Self {
        ProduceRequest {
            transactional_id: None,
            isolation: Isolation::ReadUncommitted,
            timeout_ms: DEFAULT_PRODUCE_TIMEOUT_MS,
            topics: Vec::new(),
            smartmodules: Vec::new(),
        }
    }
}

impl Encode for ProduceRequest {
    fn encode(&self, out: &mut Vec<u8>, v: Version) {
        self.transactional_id.encode(out, v);
        let acks: i16 = match self.isolation {
            Isolation::ReadUncommitted => 1,
            Isolation::ReadCommitted => -1,
        };
        acks.encode(out, v);
        self.timeout_ms.encode(out, v);
        self.topics.encode(out, v);
        self.smartmodules.encode(out, v);
    }
}

impl Decode for ProduceRequest {
    fn decode(r: &mut Reader<'_>, v: Version) -> DecodeResult<Self> {
        let transactional_id = Option::decode(r, v)?;
        let acks = i16::decode(r, v)?;
        Ok(ProduceRequest {
            transactional_id,
            isolation: if acks < 0 { Isolation::ReadCommitted } else { Isolation::ReadUncommitted },
            timeout_ms: i32::decode(r, v)?,
            topics: Vec::decode(r, v)?,
            smartmodules: Vec::decode(r, v)?,
        })
    }
}

impl Request for ProduceRequest {
    const API_KEY: u16 = api_key::PRODUCE;
    const DEFAULT_API_VERSION: Version = SPU_VERSION;
    const MIN_API_VERSION: Version = 0;
    type Response = ProduceResponse;
}

crate::wire_struct! {
    pub struct TopicProduceData {
        pub name: String,
        /// One entry per batch; entries may repeat a partition; may be empty.
        pub partitions: Vec<PartitionProduceData>,
    }
}

crate::wire_struct! {
    pub struct PartitionProduceData {
        pub partition_index: u32,
        pub records: RecordSet,
    }
}

crate::wire_struct! {
    /// One entry per request entry, in the same order (clients match by position).
    pub struct ProduceResponse {
        pub responses: Vec<TopicProduceResponse>,
        pub throttle_time_ms: i32 [1, i16::MAX],
    }
}

crate::wire_struct! {
    pub struct TopicProduceResponse {
        pub name: String,
        pub partitions: Vec<PartitionProduceResponse>,
    }
}

crate::wire_struct! {
    pub struct PartitionProduceResponse {
        pub partition_index: u32,
        pub error_code: ErrorCode,
        /// Offset assigned to the first record of the entry's batch.
        pub base_offset: i64,
        pub log_append_time_ms: i64 [2, i16::MAX],
        pub log_start_offset: i64 [5, i16::MAX],
    }
}

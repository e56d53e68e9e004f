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

impl StreamFetchResponse {
    /// Encodes the frame body with `batches` — already-encoded batches, sent
    /// as stored (possibly cut short, to emulate the official SPU) — as its
    /// records. `self.partition.records` must be empty: the records are the
    /// last field at every version, so they are written in its place.
    pub fn encode_with_raw_batches(&self, batches: &[u8], version: Version, out: &mut Vec<u8>) {
        debug_assert!(self.partition.records.batches.is_empty());
        let start = out.len();
        crate::protocol::codec::Encode::encode(self, out, version);
        // Replace the empty record set's length (the last 4 bytes).
        out.truncate(out.len().max(start + 4) - 4);
        out.extend_from_slice(&(batches.len() as i32).to_be_bytes());
        out.extend_from_slice(batches);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::codec::Encode;
    use crate::protocol::record::{end_offset_of_batches, Batch, Record};
    use crate::protocol::Compression;

    #[test]
    fn raw_batches_encode_like_decoded_ones() {
        let mut batch = Batch::from_records(&[Record::new(None, b"a".to_vec()), Record::new(None, b"b".to_vec())], Compression::None, 5).unwrap();
        batch.base_offset = 40;
        let mut raw = Vec::new();
        batch.encode(&mut raw);
        let mut frame = StreamFetchResponse { topic: "t".into(), stream_id: 3, ..Default::default() };
        frame.partition.high_watermark = 42;
        for version in [10, 11, 24, 25] {
            let mut via_raw = Vec::new();
            frame.encode_with_raw_batches(&raw, version, &mut via_raw);
            let mut with_records = frame.clone();
            with_records.partition.records = RecordSet::new(vec![batch.clone()]);
            assert_eq!(via_raw, with_records.to_bytes(version), "version {version}");
        }
        assert_eq!(end_offset_of_batches(&raw), Some(42));
        assert_eq!(end_offset_of_batches(&raw[..raw.len() - 3]), Some(42), "a cut batch still ends where its header says");
        assert_eq!(end_offset_of_batches(&raw[..20]), None);
    }
}

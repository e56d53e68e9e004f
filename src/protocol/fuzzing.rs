//! Entry points that feed arbitrary bytes to every decoder, shared by the
//! `cargo fuzz` targets in `fuzz/` and the randomized test in the suite.
//! Each one must return (never panic, never hang) whatever the input.

use super::api_versions::ApiVersionsResponse;
use super::codec::{Decode, Reader, Version};
use super::frame::{decode_request_header, decode_response_header, split_frame};
use super::record::{Batch, RecordSet};
use super::sc::{ObjectApiListResponse, ObjectApiWatchResponse, ScRequest, Status};
use super::spu::{
    FetchConsumerOffsetsResponse, FetchOffsetsResponse, ProduceResponse, SpuRequest, StreamFetchResponse,
    UpdateOffsetsResponse,
};

/// Largest decompressed records section accepted while fuzzing.
const MAX_DECOMPRESSED: usize = 4 * 1024 * 1024;

/// Versions worth trying a response at: the current ones and a few gates.
const VERSIONS: [Version; 6] = [0, 10, 18, 19, 24, 25];

/// Splits `data` into frames (max 1 MiB each) and decodes each as a request
/// for both the SC and the SPU, as a server would.
pub fn request_frames(data: &[u8]) -> usize {
    let mut rest = data;
    let mut decoded = 0;
    while let Ok(Some((frame, used))) = split_frame(rest, 1 << 20) {
        rest = &rest[used..];
        let mut r = Reader::new(frame);
        if let Ok(header) = decode_request_header(&mut r) {
            decoded += usize::from(SpuRequest::decode(&header, &mut r.clone()).is_ok());
            decoded += usize::from(ScRequest::decode(&header, &mut r).is_ok());
        }
    }
    decoded
}

/// Decodes `data` as a response frame's contents of every response type,
/// at several versions, as a client would.
pub fn response_bodies(data: &[u8]) -> usize {
    let Ok((_, body)) = decode_response_header(data) else { return 0 };
    let body = body.rest();
    let mut decoded = 0;
    for version in VERSIONS {
        decoded += usize::from(ApiVersionsResponse::from_bytes(body, version).is_ok());
        decoded += usize::from(ProduceResponse::from_bytes(body, version).is_ok());
        decoded += usize::from(FetchOffsetsResponse::from_bytes(body, version).is_ok());
        decoded += usize::from(UpdateOffsetsResponse::from_bytes(body, version).is_ok());
        decoded += usize::from(FetchConsumerOffsetsResponse::from_bytes(body, version).is_ok());
        decoded += usize::from(Status::from_bytes(body, version).is_ok());
        decoded += usize::from(ObjectApiListResponse::from_bytes(body, version).is_ok());
        decoded += usize::from(ObjectApiWatchResponse::from_bytes(body, version).is_ok());
        if let Ok(frame) = StreamFetchResponse::from_bytes(body, version) {
            decoded += 1 + records_of(&frame.partition.records);
        }
    }
    decoded
}

/// Decodes `data` as a record set, then every batch's records, checking CRCs.
pub fn record_set(data: &[u8]) -> usize {
    let mut decoded = 0;
    if let Ok(set) = RecordSet::from_bytes(data, 0) {
        decoded += records_of(&set);
    }
    // The same bytes as one bare batch.
    if let Ok(batch) = Batch::decode(&mut Reader::new(data)) {
        decoded += usize::from(batch.verify_crc().is_ok());
        decoded += batch.decode_records(MAX_DECOMPRESSED).map_or(0, |d| d.records.len());
    }
    decoded
}

fn records_of(set: &RecordSet) -> usize {
    set.batches
        .iter()
        .map(|batch| batch.decode_records(MAX_DECOMPRESSED).map_or(0, |d| d.records.len()))
        .sum()
}

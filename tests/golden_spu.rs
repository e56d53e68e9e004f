//! Golden tests for the SPU side of the protocol: frames and headers,
//! ApiVersions, every SPU message, record batches and record sets must be
//! byte-identical with the official Fluvio 0.50.1 crates, and each side must
//! decode the other's bytes back to the same value.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use common::{doc_bytes, golden, golden_versions, hex, theirs_decode, theirs_encode, SPU_VERSIONS};
use fluvio::protocol::Decode;

/// Our implementation.
mod our {
    pub use fluvio::protocol::api_versions::{ApiVersionKey, ApiVersionsRequest, ApiVersionsResponse, PlatformVersion};
    pub use fluvio::protocol::error_code::{
        RequestKind, SmartModuleKind as ErrorSmartModuleKind, SmartModuleRuntimeError, VarintBytes,
    };
    pub use fluvio::protocol::frame::{
        decode_request_body, decode_request_header, decode_response_header, encode_request_frame,
        encode_response_frame, split_frame, DEFAULT_MAX_FRAME_LEN,
    };
    pub use fluvio::protocol::record::{decode_records, Batch, Record, RecordSet};
    pub use fluvio::protocol::spu::*;
    pub use fluvio::protocol::{Compression, Encode, ErrorCode, Reader, Request, RequestHeader};
}

/// The official crates.
mod their {
    pub use fluvio_compression::Compression;
    pub use fluvio_protocol::api::{RequestHeader, RequestKind, RequestMessage, ResponseMessage};
    pub use fluvio_protocol::link::smartmodule::{
        SmartModuleInitRuntimeError, SmartModuleKind as ErrorSmartModuleKind, SmartModuleTransformRuntimeError,
    };
    pub use fluvio_protocol::link::versions::{
        ApiVersionKey, ApiVersionsRequest, ApiVersionsResponse, PlatformVersion,
    };
    pub use fluvio_protocol::link::ErrorCode;
    pub use fluvio_protocol::record::{Batch, MemoryRecords, RawRecords, Record, RecordData, RecordSet, ReplicaKey};
    pub use fluvio_spu_schema::fetch::{AbortedTransaction, FetchablePartitionResponse};
    pub use fluvio_spu_schema::produce::{
        DefaultProduceRequest, PartitionProduceData, PartitionProduceResponse, ProduceResponse, TopicProduceData,
        TopicProduceResponse,
    };
    pub use fluvio_spu_schema::server::consumer_offset::{
        ConsumerOffset, DeleteConsumerOffsetRequest, DeleteConsumerOffsetResponse, FetchConsumerOffsetsRequest,
        FetchConsumerOffsetsResponse, FilterOpts, UpdateConsumerOffsetRequest, UpdateConsumerOffsetResponse,
    };
    pub use fluvio_spu_schema::server::fetch_offset::{
        FetchOffsetPartition, FetchOffsetPartitionResponse, FetchOffsetTopic, FetchOffsetTopicResponse,
        FetchOffsetsRequest, FetchOffsetsResponse,
    };
    pub use fluvio_spu_schema::server::smartmodule::{
        SmartModuleContextData, SmartModuleInvocation, SmartModuleInvocationWasm, SmartModuleKind,
    };
    pub use fluvio_spu_schema::server::stream_fetch::{DefaultStreamFetchRequest, DefaultStreamFetchResponse};
    pub use fluvio_spu_schema::server::update_offset::{
        OffsetUpdate, OffsetUpdateStatus, UpdateOffsetsRequest, UpdateOffsetsResponse,
    };
    pub use fluvio_spu_schema::Isolation;
}

/// 2023-11-14T22:13:20Z, the timestamp of the documented examples.
const TS: i64 = 1_700_000_000_000;

/// The records of one batch and its codec.
type BatchSpec = (Vec<our::Record>, our::Compression);

// ---------------------------------------------------------------------------
// Builders of matching (ours, theirs) pairs
// ---------------------------------------------------------------------------

fn their_isolation(isolation: our::Isolation) -> their::Isolation {
    match isolation {
        our::Isolation::ReadUncommitted => their::Isolation::ReadUncommitted,
        our::Isolation::ReadCommitted => their::Isolation::ReadCommitted,
    }
}

fn their_codec(codec: our::Compression) -> their::Compression {
    match codec {
        our::Compression::None => their::Compression::None,
        our::Compression::Gzip => their::Compression::Gzip,
        our::Compression::Snappy => their::Compression::Snappy,
        our::Compression::Lz4 => their::Compression::Lz4,
        our::Compression::Zstd => their::Compression::Zstd,
    }
}

fn replica_pair(topic: &str, partition: u32) -> (our::ReplicaKey, their::ReplicaKey) {
    (our::ReplicaKey::new(topic, partition), their::ReplicaKey::new(topic, partition))
}

/// Error codes of every shape: unit, with a string, with numbers, with
/// nested structs and options.
fn error_code_pairs() -> Vec<(our::ErrorCode, their::ErrorCode)> {
    use our::ErrorCode as O;
    use their::ErrorCode as T;
    let (our_key, their_key) = replica_pair("orders", 3);
    vec![
        (O::None, T::None),
        (O::UnknownServerError, T::UnknownServerError),
        (O::Other("disk on fire".into()), T::Other("disk on fire".into())),
        (O::NotLeaderForPartition, T::NotLeaderForPartition),
        (
            O::RequestTimedOut { timeout_ms: 1500, kind: our::RequestKind::Produce },
            T::RequestTimedOut { timeout_ms: 1500, kind: their::RequestKind::Produce },
        ),
        (O::OffsetEvicted { offset: 5, next_available: 7 }, T::OffsetEvicted { offset: 5, next_available: 7 }),
        (O::PartitionFull { replica_key: our_key }, T::PartitionFull { replica_key: their_key }),
        (O::StorageError, T::StorageError),
        (O::PartitionNotLeader, T::PartitionNotLeader),
        (O::FetchSessionNotFoud, T::FetchSessionNotFoud),
        (O::TopicDeleted, T::TopicDeleted),
        (O::CompressionError, T::CompressionError),
        (
            O::SmartModuleInvalid { error: "bad exports".into(), name: Some("sm".into()) },
            T::SmartModuleInvalid { error: "bad exports".into(), name: Some("sm".into()) },
        ),
        (
            O::SmartModuleRuntimeError(Box::new(our::SmartModuleRuntimeError {
                hint: "panicked".into(),
                offset: 42,
                kind: our::ErrorSmartModuleKind::Map,
                record_key: Some(our::VarintBytes(b"k".to_vec())),
                record_value: our::VarintBytes(b"value".to_vec()),
            })),
            T::SmartModuleRuntimeError(Box::new(their::SmartModuleTransformRuntimeError {
                hint: "panicked".into(),
                offset: 42,
                kind: their::ErrorSmartModuleKind::Map,
                record_key: Some(their::RecordData::from(b"k".to_vec())),
                record_value: their::RecordData::from(b"value".to_vec()),
            })),
        ),
        (
            O::SmartModuleInitError { hint: "no init".into() },
            T::SmartModuleInitError(their::SmartModuleInitRuntimeError { hint: "no init".into() }),
        ),
        (
            O::SmartModuleMemoryLimitExceeded { requested: 1 << 30, max: 1 << 20 },
            T::SmartModuleMemoryLimitExceeded { requested: 1 << 30, max: 1 << 20 },
        ),
        (
            O::SystemSpecDeletionAttempt { kind: "topic".into(), name: "consumer-offset".into() },
            T::SystemSpecDeletionAttempt { kind: "topic".into(), name: "consumer-offset".into() },
        ),
    ]
}

/// The n-th error code pair, cycling through all of them.
fn error_pair(n: usize) -> (our::ErrorCode, their::ErrorCode) {
    let mut pairs = error_code_pairs();
    let len = pairs.len();
    pairs.swap_remove(n % len)
}

/// Every SmartModuleKind, including Generic with each context.
fn smartmodule_kind_pairs() -> Vec<(our::SmartModuleKind, their::SmartModuleKind)> {
    use our::SmartModuleContextData as OC;
    use our::SmartModuleKind as O;
    use their::SmartModuleContextData as TC;
    use their::SmartModuleKind as T;
    vec![
        (O::Filter, T::Filter),
        (O::Map, T::Map),
        (O::ArrayMap, T::ArrayMap),
        (O::Aggregate { accumulator: vec![1, 2, 3] }, T::Aggregate { accumulator: vec![1, 2, 3] }),
        (O::FilterMap, T::FilterMap),
        (O::Join("prices".into()), T::Join("prices".into())),
        (
            O::JoinStream { topic: "prices".into(), derivedstream: "ds".into() },
            T::JoinStream { topic: "prices".into(), derivedstream: "ds".into() },
        ),
        (O::Generic(OC::None), T::Generic(TC::None)),
        (
            O::Generic(OC::Aggregate { accumulator: b"0".to_vec() }),
            T::Generic(TC::Aggregate { accumulator: b"0".to_vec() }),
        ),
        (O::Generic(OC::Join("prices".into())), T::Generic(TC::Join("prices".into()))),
        (
            O::Generic(OC::JoinStream { topic: "prices".into(), derivedstream: "ds".into() }),
            T::Generic(TC::JoinStream { topic: "prices".into(), derivedstream: "ds".into() }),
        ),
    ]
}

/// Sets the official invocation's params. `SmartModuleExtraParams` and
/// `Lookback` live in fluvio-smartmodule, which we cannot name, so the
/// lookback is obtained through the setter/getter pair.
fn set_their_params(
    invocation: &mut their::SmartModuleInvocation,
    params: &BTreeMap<String, String>,
    lookback: Option<&our::Lookback>,
) {
    for (key, value) in params {
        invocation.params.insert(key.clone(), value.clone());
    }
    if let Some(ours) = lookback {
        invocation.params.set_lookback(Some(Default::default()));
        let mut theirs = invocation.params.lookback().cloned().expect("lookback just set");
        theirs.last = ours.last;
        theirs.age = ours.age;
        invocation.params.set_lookback(Some(theirs));
    }
}

/// One invocation of each kind, alternating predefined and ad-hoc (gzipped)
/// wasm, with params, lookbacks (with and without age) and names. Fields the
/// version does not carry are left at their defaults, since that is what a
/// decoder yields for them.
fn smartmodule_pairs(version: i16) -> (Vec<our::SmartModuleInvocation>, Vec<their::SmartModuleInvocation>) {
    let wasm = b"\0asm\x01\0\0\0 pretend module".to_vec();
    let adhoc = their::SmartModuleInvocationWasm::adhoc_from_bytes(&wasm).expect("gzip wasm");
    let their::SmartModuleInvocationWasm::AdHoc(gzipped) = adhoc.clone() else { unreachable!() };

    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for (i, (our_kind, their_kind)) in smartmodule_kind_pairs().into_iter().enumerate() {
        let (our_wasm, their_wasm) = if i % 2 == 0 {
            let name = format!("infinyon/module-{i}@0.1.0");
            (our::SmartModuleWasm::Predefined(name.clone()), their::SmartModuleInvocationWasm::Predefined(name))
        } else {
            (our::SmartModuleWasm::AdHoc(gzipped.clone()), adhoc.clone())
        };
        let params: BTreeMap<String, String> = match i % 3 {
            0 => BTreeMap::new(),
            1 => [("regex".to_string(), "^a.*z$".to_string())].into(),
            _ => [
                ("b".to_string(), "2".to_string()),
                ("a".to_string(), "1".to_string()),
                ("empty".to_string(), String::new()),
            ]
            .into(),
        };
        let lookback = match i % 3 {
            _ if version < 20 => None,
            0 => None,
            1 => Some(our::Lookback { last: 10 + i as u64, age: None }),
            _ => Some(our::Lookback {
                last: 0,
                age: (version >= 21).then(|| Duration::new(3600 + i as u64, 500_000_000)),
            }),
        };
        let name = (version >= 25 && i % 4 != 3).then(|| format!("step-{i}"));

        let mut their_invocation = their::SmartModuleInvocation {
            wasm: their_wasm,
            kind: their_kind,
            params: Default::default(),
            name: name.clone(),
        };
        set_their_params(&mut their_invocation, &params, lookback.as_ref());
        theirs.push(their_invocation);
        ours.push(our::SmartModuleInvocation {
            wasm: our_wasm,
            kind: our_kind,
            params: our::SmartModuleExtraParams { params, lookback },
            name,
        });
    }
    (ours, theirs)
}

/// A record with the given deltas, in our representation (the spec of a pair).
fn record(offset_delta: i64, timestamp_delta: i64, key: Option<&[u8]>, value: &[u8]) -> our::Record {
    our::Record { timestamp_delta, offset_delta, ..our::Record::new(key.map(<[u8]>::to_vec), value.to_vec()) }
}

fn their_record(record: &our::Record) -> their::Record {
    let mut theirs = their::Record {
        key: record.key.clone().map(their::RecordData::from),
        value: their::RecordData::from(record.value.clone()),
        ..Default::default()
    };
    theirs.preamble.set_offset_delta(record.offset_delta);
    theirs.preamble.set_timestamp_delta(record.timestamp_delta);
    theirs
}

/// An official record in our representation, for comparisons.
fn record_from_theirs(theirs: &their::Record) -> our::Record {
    our::Record {
        attributes: 0,
        timestamp_delta: theirs.timestamp_delta(),
        offset_delta: theirs.offset_delta(),
        key: theirs.key.as_ref().map(|k| k.as_ref().to_vec()),
        value: theirs.value.as_ref().to_vec(),
    }
}

/// Keyed, key-less and empty-key records with growing timestamp deltas.
fn mixed_records(count: usize, value_len: usize) -> Vec<our::Record> {
    (0..count)
        .map(|i| {
            let key: Option<Vec<u8>> = match i % 3 {
                0 => None,
                1 => Some(format!("key-{i}").into_bytes()),
                _ => Some(Vec::new()),
            };
            let value: Vec<u8> = format!("value {i} ").bytes().cycle().take(value_len + i).collect();
            record(i as i64, (i * i * 37) as i64, key.as_deref(), &value)
        })
        .collect()
}

/// The official batch for `records`, built the way the official producer
/// builds one (fluvio 0.50.1, `producer/memory_batch.rs` `From<MemoryBatch>`)
/// and converted to raw records as `partition_producer.rs` does
/// (`Batch<RawRecords>::try_from`, which compresses per the attributes).
///
/// The producer never builds an empty batch (its formulas would write
/// `last_offset_delta` 0, i.e. one record, and `max_time_stamp` 0). For an
/// empty one we use the official `BatchHeader` default `last_offset_delta`
/// of -1 and `max_time_stamp = first_timestamp`, which is what ours writes:
/// the official SPU counts records as `last_offset_delta + 1`.
fn their_batch(
    records: &[our::Record],
    codec: our::Compression,
    first_timestamp: i64,
) -> their::Batch<their::RawRecords> {
    let records: their::MemoryRecords = records.iter().map(their_record).collect();
    let len = records.len() as i32;
    let mut batch = their::Batch::<their::MemoryRecords>::new();
    batch.set_base_offset(if len > 0 { len - 1 } else { len } as i64);
    let header = batch.get_mut_header();
    header.last_offset_delta = len - 1;
    header.first_timestamp = first_timestamp;
    header.max_time_stamp = records.last().map_or(first_timestamp, |r| first_timestamp + r.timestamp_delta());
    header.set_compression(their_codec(codec));
    *batch.mut_records() = records;
    batch.try_into().expect("official compression failed")
}

fn our_batch(records: &[our::Record], codec: our::Compression, first_timestamp: i64) -> our::Batch {
    our::Batch::from_records(records, codec, first_timestamp).expect("our compression failed")
}

fn batch_pair(
    records: &[our::Record],
    codec: our::Compression,
    first_timestamp: i64,
) -> (our::Batch, their::Batch<their::RawRecords>) {
    (our_batch(records, codec, first_timestamp), their_batch(records, codec, first_timestamp))
}

/// A record set of (records, codec) batches stored at `base_offset` onwards,
/// as the SPU serves them.
fn stored_record_set_pair(
    base_offset: i64,
    batches: &[BatchSpec],
) -> (our::RecordSet, their::RecordSet<their::RawRecords>) {
    let mut ours = Vec::new();
    let mut theirs = their::RecordSet::default();
    let mut next = base_offset;
    for (records, codec) in batches {
        let (mut our_batch, mut their_batch) = batch_pair(records, *codec, TS + next);
        our_batch.base_offset = next;
        their_batch.set_base_offset(next);
        next += records.len() as i64;
        ours.push(our_batch);
        theirs = theirs.add(their_batch);
    }
    (our::RecordSet::new(ours), theirs)
}

/// A record set with one producer batch, as the client sends it.
fn produced_record_set_pair(
    records: &[our::Record],
    codec: our::Compression,
) -> (our::RecordSet, their::RecordSet<their::RawRecords>) {
    let (ours, theirs) = batch_pair(records, codec, TS);
    (our::RecordSet::new(vec![ours]), their::RecordSet::default().add(theirs))
}

// ---------------------------------------------------------------------------
// Documented hex dumps
// ---------------------------------------------------------------------------

fn assert_doc<T: our::Encode>(value: &T, version: i16, documented: &str) {
    assert_eq!(hex(&value.to_bytes(version)), hex(&doc_bytes(documented)), "documented bytes at version {version}");
}

fn request_frame<R: our::Request>(api_version: i16, correlation_id: i32, request: &R) -> Vec<u8> {
    let header = our::RequestHeader::new(R::API_KEY, api_version, correlation_id, "fluvio");
    let mut out = Vec::new();
    our::encode_request_frame(&header, request, &mut out);
    out
}

fn response_frame<T: our::Encode>(version: i16, correlation_id: i32, response: &T) -> Vec<u8> {
    let mut out = Vec::new();
    our::encode_response_frame(correlation_id, version, response, &mut out);
    out
}

// ---------------------------------------------------------------------------
// Frames and headers
// ---------------------------------------------------------------------------

/// The official frame of a value: the codec writes `write_size` as an `i32`,
/// then the encoding (`FluvioCodec` in fluvio-protocol, used by fluvio-socket;
/// requests are sent at version 0, responses at the request's version).
fn their_frame<T: fluvio_protocol::Encoder>(message: &T, version: i16) -> Vec<u8> {
    let body = theirs_encode(message, version);
    assert_eq!(message.write_size(version), body.len(), "official write_size disagrees with its encoding");
    let mut frame = (body.len() as i32).to_be_bytes().to_vec();
    frame.extend_from_slice(&body);
    frame
}

fn their_request_header(api_key: u16, api_version: i16, correlation_id: i32, client_id: &str) -> their::RequestHeader {
    let mut header = their::RequestHeader::new_with_client(api_key, client_id);
    header.set_api_version(api_version).set_correlation_id(correlation_id);
    header
}

#[test]
fn request_header_matches() {
    for (key, version, correlation, client) in
        [(0, 25, 7, "fluvio"), (1003, 24, i32::MAX, "dummy"), (18, 0, -1, ""), (1008, 23, 1, "ü")]
    {
        let ours = our::RequestHeader::new(key, version, correlation, client);
        let theirs = their_request_header(key, version, correlation, client);
        golden(&ours, &theirs, 0);
        golden(&ours, &theirs, version);
    }
}

#[test]
fn produce_request_and_response_frames_match_official_messages() {
    for version in SPU_VERSIONS {
        let (request, their_request) = produce_pair(version, our::Isolation::ReadCommitted, Some("tx-1"), true);
        let header = our::RequestHeader::new(our::api_key::PRODUCE, version, 42, "fluvio");
        let mut ours = Vec::new();
        our::encode_request_frame(&header, &request, &mut ours);
        let message = their::RequestMessage::new(their_request_header(0, version, 42, "fluvio"), their_request);
        assert_eq!(hex(&ours), hex(&their_frame(&message, 0)), "request frame at version {version}");

        // Ours reads the frame (the official bytes, as just checked) back.
        let (contents, used) = our::split_frame(&ours, our::DEFAULT_MAX_FRAME_LEN).unwrap().expect("whole frame");
        assert_eq!(used, ours.len());
        let mut reader = our::Reader::new(contents);
        assert_eq!(our::decode_request_header(&mut reader).unwrap(), header);
        let body: our::ProduceRequest = our::decode_request_body(&mut reader, &header).unwrap();
        assert_eq!(body, request);

        // The official decoder reads ours and re-encodes it identically.
        let decoded: their::RequestMessage<their::DefaultProduceRequest> = theirs_decode(&ours[4..], 0);
        assert_eq!(decoded.header.api_version(), version);
        assert_eq!(decoded.header.correlation_id(), 42);
        assert_eq!(hex(&their_frame(&decoded, 0)), hex(&ours));

        let (response, their_response) = produce_response_pair(version);
        let ours = response_frame(version, 42, &response);
        let message = their::ResponseMessage::new(42, their_response);
        assert_eq!(hex(&ours), hex(&their_frame(&message, version)), "response frame at version {version}");
        let (correlation_id, mut body) = our::decode_response_header(&ours[4..]).unwrap();
        assert_eq!(correlation_id, 42);
        assert_eq!(our::ProduceResponse::decode(&mut body, version).unwrap(), response);
        body.finish().unwrap();
        let decoded: their::ResponseMessage<their::ProduceResponse> =
            their::ResponseMessage::decode_from(&mut std::io::Cursor::new(&ours[4..]), version).unwrap();
        assert_eq!(hex(&their_frame(&decoded, version)), hex(&ours));
    }
}

#[test]
fn api_versions_frames_match_official_messages() {
    for version in [0, 1, 2] {
        let (request, their_request) = api_versions_request_pair(version);
        let ours = request_frame(version, 1, &request);
        let message = their::RequestMessage::new(their_request_header(18, version, 1, "fluvio"), their_request);
        assert_eq!(hex(&ours), hex(&their_frame(&message, 0)), "request frame at version {version}");

        let (response, their_response) = api_versions_response_pair("0.18.1");
        let ours = response_frame(version, 1, &response);
        assert_eq!(hex(&ours), hex(&their_frame(&their::ResponseMessage::new(1, their_response), version)));
    }
}

#[test]
fn documented_frames_match_our_encoder() {
    // §4 ApiVersions.
    let request = our::ApiVersionsRequest {
        client_version: "0.50.1".into(),
        client_os: "linux".into(),
        client_arch: "x86_64".into(),
    };
    assert_eq!(
        hex(&request_frame(2, 1, &request)),
        hex(&doc_bytes(
            r#"00 00 00 27 | 00 12 | 00 02 | 00 00 00 01 | 00 06 "fluvio" |
               00 06 "0.50.1" | 00 05 "linux" | 00 06 "x86_64""#
        ))
    );
    let watch_only = our::ApiVersionsResponse {
        error_code: our::ErrorCode::None,
        api_keys: vec![our::ApiVersionKey { api_key: 1004, min_version: 15, max_version: 19 }],
        platform_version: our::PlatformVersion::new("0.18.1").unwrap(),
    };
    assert_eq!(
        hex(&response_frame(2, 1, &watch_only)),
        hex(&doc_bytes(r#"00 00 00 18 | 00 00 00 01 | 00 00 | 00 00 00 01 | 03 ec 00 0f 00 13 | 00 06 "0.18.1""#))
    );
    let key = |api_key, min_version, max_version| our::ApiVersionKey { api_key, min_version, max_version };
    let spu_reply = our::ApiVersionsResponse {
        error_code: our::ErrorCode::None,
        api_keys: vec![key(0, 0, 25), key(1, 0, 25), key(1002, 25, 25), key(1003, 0, 25), key(1005, 0, 0)],
        platform_version: our::PlatformVersion::default(),
    };
    assert_doc(
        &spu_reply,
        2,
        r#"00 00 | 00 00 00 05 | 00 00 00 00 00 19 | 00 01 00 00 00 19 | 03 ea 00 19 00 19 |
           03 eb 00 00 00 19 | 03 ed 00 00 00 00 | 00 05 "0.0.0""#,
    );

    // §5.4 one record "hello", gzip, as the official client writes it
    // (miniz_oxide). Ours (zlib-rs) deflates it differently: the header
    // fields but the length and CRC are the same, and each decodes to the
    // other's records section.
    let hello = [our::Record::new(None, b"hello".to_vec())];
    let mut gzip = Vec::new();
    our_batch(&hello, our::Compression::Gzip, TS).encode(&mut gzip);
    let documented = doc_bytes(
        "00 00 00 00 00 00 00 00 00 00 00 4f ff ff ff ff 02 8c 23 a4 bc 00 01 00 00 00 00
         00 00 01 8b cf e5 68 00 00 00 01 8b cf e5 68 00 ff ff ff ff ff ff ff ff ff ff ff
         ff ff ff 1f 8b 08 00 00 00 00 00 00 ff 63 60 60 60 14 63 00 02 ae 8c d4 9c 9c 7c
         06 00 1f fd 55 11 10 00 00 00",
    );
    assert_eq!(hex(&fields_outside_length_and_crc(&gzip)), hex(&fields_outside_length_and_crc(&documented)));
    for bytes in [&gzip, &documented] {
        let batch = our::Batch::decode(&mut our::Reader::new(bytes)).unwrap();
        batch.verify_crc().unwrap();
        assert_eq!(batch.decode_records(1 << 20).unwrap().records, hello);
    }
    let their_decoded: their::Batch<their::RawRecords> = theirs_decode(&gzip, 0);
    let their_records: Vec<our::Record> = their_decoded.memory_records().unwrap().iter().map(record_from_theirs).collect();
    assert_eq!(their_records, hello);

    // §6.1 Produce: topic "t", partition 0, one batch of one record "hello".
    let hello = [our::Record::new(None, b"hello".to_vec())];
    let (our_set, their_set) = produced_record_set_pair(&hello, our::Compression::None);
    let batch = theirs_encode(&their_set.batches[0], 0);
    assert_eq!(batch.len(), 73);
    let produce = our::ProduceRequest {
        topics: vec![our::TopicProduceData {
            name: "t".into(),
            partitions: vec![our::PartitionProduceData { partition_index: 0, records: our_set }],
        }],
        ..Default::default()
    };
    let mut expected = doc_bytes(
        r#"00 00 00 77 | 00 00 00 19 00 00 00 02 00 06 "fluvio" |
           00 | 00 01 | 00 00 05 dc | 00 00 00 01 | 00 01 74 | 00 00 00 01 | 00 00 00 00 | 00 00 00 49"#,
    );
    expected.extend_from_slice(&batch);
    expected.extend_from_slice(&doc_bytes("00 00 00 00"));
    assert_eq!(hex(&request_frame(25, 2, &produce)), hex(&expected));
    let produced = our::ProduceResponse {
        responses: vec![our::TopicProduceResponse {
            name: "t".into(),
            partitions: vec![our::PartitionProduceResponse { base_offset: 42, ..Default::default() }],
        }],
        throttle_time_ms: 0,
    };
    assert_eq!(
        hex(&response_frame(25, 2, &produced)),
        hex(&doc_bytes(
            "00 00 00 31 | 00 00 00 02 | 00 00 00 01 | 00 01 74 | 00 00 00 01 | 00 00 00 00 |
             00 00 | 00 00 00 00 00 00 00 2a | 00×8 | 00×8 | 00 00 00 00"
        ))
    );

    // §6.2 FetchOffsets.
    let request = our::FetchOffsetsRequest::new("t", 0);
    assert_doc(&request, 25, "00 00 00 01 00 01 74 00 00 00 01 00 00 00 00");
    assert_doc(&request, 23, "00 00 00 01 00 01 74 00 00 00 01 00 00 00 00 00");
    let offsets = our::FetchOffsetsResponse {
        topics: vec![our::FetchOffsetTopicResponse {
            name: "t".into(),
            partitions: vec![our::FetchOffsetPartitionResponse { last_stable_offset: 3, ..Default::default() }],
        }],
    };
    assert_doc(
        &offsets,
        25,
        "00 00 00 01 00 01 74 00 00 00 01 00 00 00 00 00 00
         00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 03",
    );

    // §6.3 StreamFetch requests.
    let mut fetch = our::StreamFetchRequest {
        topic: "t".into(),
        fetch_offset: 5,
        max_bytes: our::DEFAULT_FETCH_MAX_BYTES,
        ..Default::default()
    };
    let prefix = "00 01 74 00 00 00 00 00 00 00 00 00 00 00 05 00 10 01 3a";
    assert_doc(&fetch, 25, &format!("{prefix} 00 00 00 00 00 00"));
    assert_doc(&fetch, 18, &format!("{prefix} 00 | 00 00 00 00 | 00 | 00 | 00 00 00 00"));
    fetch.consumer_id = Some("c1".into());
    assert_doc(&fetch, 25, &format!("{prefix} 00 00 00 00 00 01 00 02 63 31"));

    // §6.4 a StreamFetch response frame body: stream 1, one batch at base 5 holding "a", hw 6.
    let mut stored = our_batch(&[our::Record::new(None, b"a".to_vec())], our::Compression::None, TS);
    stored.base_offset = 5;
    let records = our::RecordSet::new(vec![stored]);
    let frame = our::StreamFetchResponse {
        topic: "t".into(),
        stream_id: 1,
        partition: our::FetchablePartitionResponse { high_watermark: 6, records, ..Default::default() },
    };
    assert_doc(
        &frame,
        25,
        "00 01 74 | 00 00 00 01 | 00 00 00 00 | 00 00 | 00 00 00 00 00 00 00 06 | 00×8 | 00×8 | 00 |
         00 00 00 45 | 00 00 00 00 00 00 00 05 00 00 00 39 ff ff ff ff 02 4b 1f 3e 09 00 00
         00 00 00 00 00 00 01 8b cf e5 68 00 00 00 01 8b cf e5 68 00 ff ff ff ff ff ff ff ff
         ff ff ff ff ff ff 00 00 00 01 0e 00 00 00 00 02 61 00",
    );

    // §6.5 UpdateOffsets.
    let update = our::UpdateOffsetsRequest { offsets: vec![our::OffsetUpdate { offset: 6, session_id: 1 }] };
    assert_doc(&update, 0, "00 00 00 01 00 00 00 00 00 00 00 06 00 00 00 01");
    let status = our::UpdateOffsetsResponse {
        status: vec![our::OffsetUpdateStatus { session_id: 1, error: our::ErrorCode::None }],
    };
    assert_doc(&status, 0, "00 00 00 01 00 00 00 01 00 00");

    // §6.6 consumer offsets.
    let filtered = our::FetchConsumerOffsetsRequest {
        filter_opts: Some(our::ConsumerOffsetFilter {
            replica_id: Some(our::ReplicaKey::new("t", 0)),
            consumer_id: Some("c1".into()),
        }),
    };
    assert_doc(&filtered, 25, "01 01 00 01 74 00 00 00 00 01 00 02 63 31");
    assert_doc(&our::FetchConsumerOffsetsRequest::default(), 25, "00");
    let consumers = our::FetchConsumerOffsetsResponse {
        error_code: our::ErrorCode::None,
        consumers: vec![our::ConsumerOffset {
            consumer_id: "c1".into(),
            replica_id: our::ReplicaKey::new("t", 0),
            offset: 4,
            modified_time: TS as u64,
        }],
    };
    assert_doc(
        &consumers,
        25,
        "00 00 00 00 00 01 00 02 63 31 00 01 74 00 00 00 00
         00 00 00 00 00 00 00 04 00 00 01 8b cf e5 68 00",
    );
    assert_doc(
        &our::UpdateConsumerOffsetRequest { offset: 4, session_id: 1 },
        25,
        "00 00 00 00 00 00 00 04 00 00 00 01",
    );
    assert_doc(
        &our::UpdateConsumerOffsetResponse { offset: 4, error_code: our::ErrorCode::None },
        25,
        "00 00 00 00 00 00 00 04 00 00",
    );
    assert_doc(
        &our::DeleteConsumerOffsetRequest { replica_id: our::ReplicaKey::new("t", 0), consumer_id: "c1".into() },
        25,
        "00 01 74 00 00 00 00 00 02 63 31",
    );
}

// ---------------------------------------------------------------------------
// ApiVersions
// ---------------------------------------------------------------------------

fn api_versions_request_pair(version: i16) -> (our::ApiVersionsRequest, their::ApiVersionsRequest) {
    // The fields exist from version 1 on; below that both sides decode defaults.
    let field = |s: &str| if version >= 1 { s.to_string() } else { String::new() };
    (
        our::ApiVersionsRequest {
            client_version: field("0.50.1"),
            client_os: field("linux"),
            client_arch: field("aarch64"),
        },
        their::ApiVersionsRequest {
            client_version: field("0.50.1"),
            client_os: field("linux"),
            client_arch: field("aarch64"),
        },
    )
}

/// The official `PlatformVersion` is built from a `semver::Version`, a crate
/// we do not depend on; its own decoder builds one from the official
/// encoding of the string instead.
fn their_platform_version(version: &str) -> their::PlatformVersion {
    theirs_decode(&theirs_encode(&version.to_string(), 0), 0)
}

fn api_versions_response_pair(platform: &str) -> (our::ApiVersionsResponse, their::ApiVersionsResponse) {
    let keys = [(0, 0, 25), (1002, 23, 25), (1003, 0, 25), (1005, 0, 0), (1008, 23, 25), (-1, i16::MIN, i16::MAX)];
    (
        our::ApiVersionsResponse {
            error_code: our::ErrorCode::None,
            api_keys: keys
                .iter()
                .map(|&(api_key, min_version, max_version)| our::ApiVersionKey { api_key, min_version, max_version })
                .collect(),
            platform_version: our::PlatformVersion::new(platform).expect("semver"),
        },
        their::ApiVersionsResponse {
            error_code: their::ErrorCode::None,
            api_keys: keys
                .iter()
                .map(|&(api_key, min_version, max_version)| their::ApiVersionKey { api_key, min_version, max_version })
                .collect(),
            platform_version: their_platform_version(platform),
        },
    )
}

#[test]
fn api_versions_request_and_response_match() {
    golden_versions([0, 1, 2], api_versions_request_pair);
    for platform in ["0.18.1", "0.0.0", "1.2.3-alpha.4+56789"] {
        golden_versions([0, 1, 2], |_| api_versions_response_pair(platform));
    }
    // A response with an error code.
    let (mut ours, mut theirs) = api_versions_response_pair("0.18.1");
    ours.error_code = our::ErrorCode::Other("nope".into());
    theirs.error_code = their::ErrorCode::Other("nope".into());
    golden(&ours, &theirs, 2);
}

#[test]
fn non_semver_platform_version_is_rejected_by_both_decoders() {
    for bad in ["0.18", "latest", "0.18.1.2", ""] {
        let mut bytes = theirs_encode(&their::ErrorCode::None, 2);
        bytes.extend(theirs_encode(&Vec::<their::ApiVersionKey>::new(), 2));
        bytes.extend(theirs_encode(&bad.to_string(), 2));
        assert!(our::ApiVersionsResponse::from_bytes(&bytes, 2).is_err(), "ours accepted {bad:?}");
        let mut theirs = their::ApiVersionsResponse::default();
        assert!(
            fluvio_protocol::Decoder::decode(&mut theirs, &mut std::io::Cursor::new(&bytes), 2).is_err(),
            "official accepted {bad:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// Produce
// ---------------------------------------------------------------------------

/// Topic "orders" with entries for partition 0 (twice), 2 (two batches in one
/// entry) and 1 (an empty batch), then topic "idle" with no entries.
fn produce_pair(
    version: i16,
    isolation: our::Isolation,
    transactional_id: Option<&str>,
    with_smartmodules: bool,
) -> (our::ProduceRequest, their::DefaultProduceRequest) {
    let entries: Vec<(u32, Vec<BatchSpec>)> = vec![
        (0, vec![(mixed_records(5, 10), our::Compression::None)]),
        (0, vec![(mixed_records(3, 200), our::Compression::Gzip)]),
        (2, vec![(mixed_records(4, 50), our::Compression::Lz4), (mixed_records(1, 0), our::Compression::Zstd)]),
        (1, vec![(Vec::new(), our::Compression::None)]),
    ];
    let mut our_partitions = Vec::new();
    let mut their_partitions = Vec::new();
    for (partition_index, batches) in entries {
        let mut our_batches = Vec::new();
        let mut their_set = their::RecordSet::default();
        for (records, codec) in batches {
            let (ours, theirs) = batch_pair(&records, codec, TS);
            our_batches.push(ours);
            their_set = their_set.add(theirs);
        }
        our_partitions.push(our::PartitionProduceData { partition_index, records: our::RecordSet::new(our_batches) });
        their_partitions.push(their::PartitionProduceData { partition_index, records: their_set });
    }
    let (our_sms, their_sms) = if with_smartmodules { smartmodule_pairs(version) } else { Default::default() };
    let ours = our::ProduceRequest {
        transactional_id: transactional_id.map(String::from),
        isolation,
        timeout_ms: 2750,
        topics: vec![
            our::TopicProduceData { name: "orders".into(), partitions: our_partitions },
            our::TopicProduceData { name: "idle".into(), partitions: vec![] },
        ],
        smartmodules: our_sms,
    };
    let theirs = their::DefaultProduceRequest {
        transactional_id: transactional_id.map(String::from),
        isolation: their_isolation(isolation),
        timeout: Duration::from_millis(2750),
        topics: vec![
            their::TopicProduceData { name: "orders".into(), partitions: their_partitions, data: Default::default() },
            their::TopicProduceData { name: "idle".into(), partitions: vec![], data: Default::default() },
        ],
        smartmodules: their_sms,
        data: Default::default(),
    };
    (ours, theirs)
}

#[test]
fn produce_request_matches() {
    for isolation in [our::Isolation::ReadCommitted, our::Isolation::ReadUncommitted] {
        for transactional_id in [None, Some("tx-42")] {
            for with_smartmodules in [false, true] {
                golden_versions(SPU_VERSIONS, |v| produce_pair(v, isolation, transactional_id, with_smartmodules));
            }
        }
    }
}

#[test]
fn produce_request_flush_with_no_batches_matches() {
    // What a flush with nothing ready sends: one topic, no partition entries.
    golden_versions(SPU_VERSIONS, |_| {
        (
            our::ProduceRequest {
                topics: vec![our::TopicProduceData { name: "t".into(), partitions: vec![] }],
                ..Default::default()
            },
            their::DefaultProduceRequest {
                timeout: Duration::from_millis(1500),
                topics: vec![their::TopicProduceData {
                    name: "t".into(),
                    partitions: vec![],
                    data: Default::default(),
                }],
                ..Default::default()
            },
        )
    });
}

fn produce_response_pair(version: i16) -> (our::ProduceResponse, their::ProduceResponse) {
    let mut our_topics = Vec::new();
    let mut their_topics = Vec::new();
    for (t, name) in ["orders", "idle", "logs"].iter().enumerate() {
        let count = [4, 0, 2][t];
        let mut ours = our::TopicProduceResponse { name: name.to_string(), partitions: vec![] };
        let mut theirs = their::TopicProduceResponse { name: name.to_string(), partitions: vec![] };
        for i in 0..count {
            let (our_error, their_error) = error_pair(t * 7 + i);
            let base_offset = 1000 * t as i64 + i as i64;
            let log_append_time_ms = if version >= 2 { TS + i as i64 } else { 0 };
            let log_start_offset = if version >= 5 { 17 } else { 0 };
            let partition_index = (i % 2) as u32;
            ours.partitions.push(our::PartitionProduceResponse {
                partition_index,
                error_code: our_error,
                base_offset,
                log_append_time_ms,
                log_start_offset,
            });
            theirs.partitions.push(their::PartitionProduceResponse {
                partition_index,
                error_code: their_error,
                base_offset,
                log_append_time_ms,
                log_start_offset,
            });
        }
        our_topics.push(ours);
        their_topics.push(theirs);
    }
    let throttle_time_ms = if version >= 1 { 250 } else { 0 };
    (
        our::ProduceResponse { responses: our_topics, throttle_time_ms },
        their::ProduceResponse { responses: their_topics, throttle_time_ms },
    )
}

#[test]
fn produce_response_matches() {
    // The gates at 1, 2 and 5 as well as the versions in use.
    golden_versions([0, 1, 2, 5].into_iter().chain(SPU_VERSIONS), produce_response_pair);
}

#[test]
fn every_error_code_shape_matches() {
    for (ours, theirs) in error_code_pairs() {
        golden(&ours, &theirs, 25);
    }
}

// ---------------------------------------------------------------------------
// FetchOffsets
// ---------------------------------------------------------------------------

#[allow(deprecated)] // the official consumer_id field (version 23 only)
fn fetch_offsets_request_pair(version: i16) -> (our::FetchOffsetsRequest, their::FetchOffsetsRequest) {
    let topics = [("orders", vec![0, 1, 7]), ("empty", vec![]), ("t", vec![0])];
    let consumer_id = (version == 23).then(|| "legacy-consumer".to_string());
    let ours = our::FetchOffsetsRequest {
        topics: topics
            .iter()
            .map(|(name, partitions)| our::FetchOffsetTopic {
                name: name.to_string(),
                partitions: partitions
                    .iter()
                    .map(|&partition_index| our::FetchOffsetPartition { partition_index })
                    .collect(),
            })
            .collect(),
        consumer_id: consumer_id.clone(),
    };
    let theirs = their::FetchOffsetsRequest {
        topics: topics
            .iter()
            .map(|(name, partitions)| their::FetchOffsetTopic {
                name: name.to_string(),
                partitions: partitions
                    .iter()
                    .map(|&partition_index| their::FetchOffsetPartition { partition_index })
                    .collect(),
            })
            .collect(),
        consumer_id,
    };
    (ours, theirs)
}

fn fetch_offsets_response_pair() -> (our::FetchOffsetsResponse, their::FetchOffsetsResponse) {
    let mut ours = our::FetchOffsetsResponse::default();
    let mut theirs = their::FetchOffsetsResponse::default();
    for (t, name) in ["orders", "t"].iter().enumerate() {
        let mut our_topic = our::FetchOffsetTopicResponse { name: name.to_string(), partitions: vec![] };
        let mut their_topic = their::FetchOffsetTopicResponse { name: name.to_string(), partitions: vec![] };
        for i in 0..3u32 {
            let (our_error, their_error) = error_pair(t * 3 + i as usize);
            let (start_offset, last_stable_offset) = (i64::from(i) * 100, i64::from(i) * 100 + 42 + t as i64);
            our_topic.partitions.push(our::FetchOffsetPartitionResponse {
                error_code: our_error,
                partition_index: i,
                start_offset,
                last_stable_offset,
            });
            their_topic.partitions.push(their::FetchOffsetPartitionResponse {
                error_code: their_error,
                partition_index: i,
                start_offset,
                last_stable_offset,
            });
        }
        ours.topics.push(our_topic);
        theirs.topics.push(their_topic);
    }
    (ours, theirs)
}

#[test]
fn fetch_offsets_request_and_response_match() {
    golden_versions(SPU_VERSIONS, fetch_offsets_request_pair);
    golden_versions(SPU_VERSIONS, |_| fetch_offsets_response_pair());
}

// ---------------------------------------------------------------------------
// StreamFetch
// ---------------------------------------------------------------------------

/// A request with the public (current) fields set as `version` carries them.
fn stream_fetch_request_pair(
    version: i16,
    isolation: our::Isolation,
    consumer_id: Option<&str>,
    with_smartmodules: bool,
) -> (our::StreamFetchRequest, their::DefaultStreamFetchRequest) {
    let consumer_id = consumer_id.filter(|_| version >= 23).map(String::from);
    let (smartmodules, their_smartmodules) =
        if with_smartmodules && version >= 18 { smartmodule_pairs(version) } else { Default::default() };
    let ours = our::StreamFetchRequest {
        topic: "orders".into(),
        partition: 3,
        fetch_offset: 1_234_567_890_123,
        max_bytes: our::DEFAULT_FETCH_MAX_BYTES,
        isolation,
        smartmodules,
        consumer_id: consumer_id.clone(),
        ..Default::default()
    };
    // The official struct has private legacy fields: fill a default one.
    let mut theirs = their::DefaultStreamFetchRequest::default();
    theirs.topic = "orders".into();
    theirs.partition = 3;
    theirs.fetch_offset = 1_234_567_890_123;
    theirs.max_bytes = our::DEFAULT_FETCH_MAX_BYTES;
    theirs.isolation = their_isolation(isolation);
    theirs.smartmodules = their_smartmodules;
    theirs.consumer_id = consumer_id;
    (ours, theirs)
}

#[test]
fn stream_fetch_request_matches() {
    for isolation in [our::Isolation::ReadUncommitted, our::Isolation::ReadCommitted] {
        for consumer_id in [None, Some("c1")] {
            for with_smartmodules in [false, true] {
                golden_versions(SPU_VERSIONS, |v| {
                    stream_fetch_request_pair(v, isolation, consumer_id, with_smartmodules)
                });
            }
        }
    }
}

/// Versions around each gate of the legacy StreamFetch layout.
const LEGACY_STREAM_FETCH_VERSIONS: [i16; 10] = [10, 11, 15, 16, 17, 18, 19, 20, 21, 22];

#[test]
fn stream_fetch_request_legacy_layouts_match() {
    // Only the public fields set (legacy fields empty), built directly.
    golden_versions(LEGACY_STREAM_FETCH_VERSIONS, |v| {
        stream_fetch_request_pair(v, our::Isolation::ReadCommitted, Some("c1"), true)
    });

    // All legacy fields set. The official struct keeps wasm_module,
    // smartmodule and derivedstream private, so such a value can only come
    // from the official decoder: we concatenate the official encodings of the
    // fields present at each version and let the official decoder read them
    // (it must consume every byte). A wrong gate on either side shifts
    // every later field and fails the comparison.
    for version in LEGACY_STREAM_FETCH_VERSIONS {
        let (mut ours, theirs_public) = stream_fetch_request_pair(version, our::Isolation::ReadCommitted, None, true);
        let (mut our_sms, their_sms) = smartmodule_pairs(version);
        let legacy_sm = (16..=18).contains(&version);
        let wasm = b"\0asm legacy module".to_vec();
        let mut derived_params = their::SmartModuleInvocation::default();
        let params: BTreeMap<String, String> = [("window".to_string(), "10s".to_string())].into();
        let lookback = (version >= 20).then_some(our::Lookback { last: 3, age: None });
        set_their_params(&mut derived_params, &params, lookback.as_ref());

        if (11..=18).contains(&version) {
            ours.wasm_module = wasm.clone();
        }
        if legacy_sm {
            ours.smartmodule = Some(our_sms.swap_remove(3));
            ours.derivedstream = Some(our::DerivedStreamInvocation {
                stream: "derived".into(),
                params: our::SmartModuleExtraParams { params, lookback },
            });
        }

        let mut bytes = Vec::new();
        bytes.extend(theirs_encode(&theirs_public.topic, version));
        bytes.extend(theirs_encode(&theirs_public.partition, version));
        bytes.extend(theirs_encode(&theirs_public.fetch_offset, version));
        bytes.extend(theirs_encode(&theirs_public.max_bytes, version));
        bytes.extend(theirs_encode(&theirs_public.isolation, version));
        if (11..=18).contains(&version) {
            bytes.extend(theirs_encode(&wasm, version));
        }
        if legacy_sm {
            bytes.extend(theirs_encode(&Some(their_sms[3].clone()), version));
            bytes.extend(theirs_encode(&true, version)); // Some(DerivedStreamInvocation { stream, params })
            bytes.extend(theirs_encode(&"derived".to_string(), version));
            bytes.extend(theirs_encode(&derived_params.params, version));
        }
        if version >= 18 {
            bytes.extend(theirs_encode(&theirs_public.smartmodules, version));
        }
        let theirs: their::DefaultStreamFetchRequest = theirs_decode(&bytes, version);
        golden(&ours, &theirs, version);
    }
}

/// A stream frame with several stored batches (some compressed), an error
/// code and aborted transactions.
fn stream_fetch_response_pair(
    version: i16,
    error: usize,
    aborted: Option<&[(i64, i64)]>,
) -> (our::StreamFetchResponse, their::DefaultStreamFetchResponse) {
    let (records, their_records) = stored_record_set_pair(
        500,
        &[
            (mixed_records(3, 20), our::Compression::None),
            (mixed_records(10, 300), our::Compression::Gzip),
            (mixed_records(1, 5), our::Compression::Snappy),
            (mixed_records(7, 1000), our::Compression::Zstd),
            (mixed_records(2, 64), our::Compression::Lz4),
        ],
    );
    let (error_code, their_error_code) = error_pair(error);
    let next_filter_offset = if version >= 11 { 519 } else { 0 };
    let ours = our::StreamFetchResponse {
        topic: "orders".into(),
        stream_id: 9,
        partition: our::FetchablePartitionResponse {
            partition_index: 3,
            error_code,
            high_watermark: 523,
            next_filter_offset,
            log_start_offset: 100,
            aborted: aborted.map(|list| {
                list.iter()
                    .map(|&(producer_id, first_offset)| our::AbortedTransaction { producer_id, first_offset })
                    .collect()
            }),
            records,
        },
    };
    let theirs = their::DefaultStreamFetchResponse {
        topic: "orders".into(),
        stream_id: 9,
        partition: their::FetchablePartitionResponse {
            partition_index: 3,
            error_code: their_error_code,
            high_watermark: 523,
            next_filter_offset,
            log_start_offset: 100,
            aborted: aborted.map(|list| {
                list.iter()
                    .map(|&(producer_id, first_offset)| their::AbortedTransaction { producer_id, first_offset })
                    .collect()
            }),
            records: their_records,
        },
    };
    (ours, theirs)
}

#[test]
fn stream_fetch_response_matches() {
    let aborted: [Option<&[(i64, i64)]>; 3] = [None, Some(&[]), Some(&[(7, 500), (-1, i64::MAX)])];
    for (i, aborted) in aborted.into_iter().enumerate() {
        for error in [0, 3, 5, 13 + i] {
            golden_versions([10, 11].into_iter().chain(SPU_VERSIONS), |v| {
                stream_fetch_response_pair(v, error, aborted)
            });
        }
    }
    // An error frame without records, as the SPU sends for a missing leader.
    golden_versions(SPU_VERSIONS, |_| {
        let (our_error, their_error) = (our::ErrorCode::NotLeaderForPartition, their::ErrorCode::NotLeaderForPartition);
        let mut ours = our::StreamFetchResponse { topic: "t".into(), ..Default::default() };
        ours.partition.error_code = our_error;
        let mut theirs = their::DefaultStreamFetchResponse { topic: "t".into(), ..Default::default() };
        theirs.partition.error_code = their_error;
        (ours, theirs)
    });
}

// ---------------------------------------------------------------------------
// UpdateOffsets and consumer offsets
// ---------------------------------------------------------------------------

#[test]
fn update_offsets_request_and_response_match() {
    // Version 0 is the only one defined; the others guard against gates.
    golden_versions([0].into_iter().chain(SPU_VERSIONS), |_| {
        let updates = [(6, 1), (0, 2), (i64::MAX, u32::MAX)];
        (
            our::UpdateOffsetsRequest {
                offsets: updates.iter().map(|&(offset, session_id)| our::OffsetUpdate { offset, session_id }).collect(),
            },
            their::UpdateOffsetsRequest::new(
                updates.iter().map(|&(offset, session_id)| their::OffsetUpdate { offset, session_id }).collect(),
            ),
        )
    });
    golden_versions([0].into_iter().chain(SPU_VERSIONS), |_| {
        let mut ours = our::UpdateOffsetsResponse::default();
        let mut theirs = their::UpdateOffsetsResponse::default();
        for session_id in 1..=4u32 {
            let (our_error, their_error) = error_pair(session_id as usize * 4);
            ours.status.push(our::OffsetUpdateStatus { session_id, error: our_error });
            theirs.status.push(their::OffsetUpdateStatus { session_id, error: their_error });
        }
        (ours, theirs)
    });
}

#[test]
fn update_consumer_offset_request_and_response_match() {
    golden_versions(SPU_VERSIONS, |_| {
        (our::UpdateConsumerOffsetRequest { offset: 4, session_id: 77 }, their::UpdateConsumerOffsetRequest::new(4, 77))
    });
    for n in 0..error_code_pairs().len() {
        golden_versions(SPU_VERSIONS, |_| {
            let (our_error, their_error) = error_pair(n);
            (
                our::UpdateConsumerOffsetResponse { offset: -1 + n as i64, error_code: our_error },
                their::UpdateConsumerOffsetResponse { offset: -1 + n as i64, error_code: their_error },
            )
        });
    }
}

#[test]
fn delete_consumer_offset_request_and_response_match() {
    golden_versions(SPU_VERSIONS, |_| {
        (
            our::DeleteConsumerOffsetRequest {
                replica_id: our::ReplicaKey::new("orders", 12),
                consumer_id: "billing".into(),
            },
            their::DeleteConsumerOffsetRequest::new("orders", 12, "billing"),
        )
    });
    for n in [0, 2, 9] {
        golden_versions(SPU_VERSIONS, |_| {
            let (our_error, their_error) = error_pair(n);
            (
                our::DeleteConsumerOffsetResponse { error_code: our_error },
                their::DeleteConsumerOffsetResponse { error_code: their_error },
            )
        });
    }
}

#[test]
fn fetch_consumer_offsets_request_and_response_match() {
    // (replica, consumer id) of each filter, or no filter at all.
    type Filter = Option<(Option<(&'static str, u32)>, Option<&'static str>)>;
    let filters: [Filter; 5] = [
        None,
        Some((None, None)),
        Some((Some(("t", 0)), Some("c1"))),
        Some((Some(("orders", 9)), None)),
        Some((None, Some("billing"))),
    ];
    for filter in filters {
        golden_versions(SPU_VERSIONS, |version| {
            // The filter exists from version 24 on.
            let filter = filter.filter(|_| version >= 24);
            (
                our::FetchConsumerOffsetsRequest {
                    filter_opts: filter.map(|(replica, consumer)| our::ConsumerOffsetFilter {
                        replica_id: replica.map(|(t, p)| our::ReplicaKey::new(t, p)),
                        consumer_id: consumer.map(String::from),
                    }),
                },
                their::FetchConsumerOffsetsRequest {
                    filter_opts: filter.map(|(replica, consumer)| their::FilterOpts {
                        replica_id: replica.map(|(t, p)| their::ReplicaKey::new(t, p)),
                        consumer_id: consumer.map(String::from),
                    }),
                },
            )
        });
    }
    for n in [0, 1, 6] {
        golden_versions(SPU_VERSIONS, |_| {
            let (error_code, their_error_code) = error_pair(n);
            let entries = [("c1", "t", 0, 4), ("billing", "orders", 3, 0), ("", "x", u32::MAX, i64::MAX)];
            (
                our::FetchConsumerOffsetsResponse {
                    error_code,
                    consumers: entries
                        .iter()
                        .map(|&(id, topic, partition, offset)| our::ConsumerOffset {
                            consumer_id: id.into(),
                            replica_id: our::ReplicaKey::new(topic, partition),
                            offset,
                            modified_time: TS as u64 + offset as u64 % 1000,
                        })
                        .collect(),
                },
                their::FetchConsumerOffsetsResponse {
                    error_code: their_error_code,
                    consumers: entries
                        .iter()
                        .map(|&(id, topic, partition, offset)| {
                            their::ConsumerOffset::new(
                                id,
                                their::ReplicaKey::new(topic, partition),
                                offset,
                                TS as u64 + offset as u64 % 1000,
                            )
                        })
                        .collect(),
                },
            )
        });
    }
}

// ---------------------------------------------------------------------------
// Batches and record sets
// ---------------------------------------------------------------------------

/// Bytes of a batch before its records section: base offset, length,
/// leader epoch, magic, CRC, attributes, last offset delta, two timestamps,
/// producer id and epoch, first sequence.
const BATCH_HEADER_LEN: usize = 8 + 4 + 4 + 1 + 4 + 2 + 4 + 8 + 8 + 8 + 2 + 4;

/// A batch's header fields but its length and CRC (which follow from the
/// records section): base offset | (length) | epoch, magic | (CRC) |
/// attributes .. first sequence.
fn fields_outside_length_and_crc(batch: &[u8]) -> Vec<u8> {
    [&batch[..8], &batch[12..17], &batch[21..BATCH_HEADER_LEN]].concat()
}

/// Checks one batch both ways: identical bytes (gzip: but the compressed section), ours decodes the official
/// batch to `records`, the official decoder reads ours to the same records.
fn check_batch(records: &[our::Record], codec: our::Compression, first_timestamp: i64) {
    let (ours, theirs) = batch_pair(records, codec, first_timestamp);
    let mut our_bytes = Vec::new();
    ours.encode(&mut our_bytes);
    let their_bytes = theirs_encode(&theirs, 0);
    assert_eq!(fluvio_protocol::Encoder::write_size(&theirs, 0), their_bytes.len());
    assert_eq!(ours.encoded_len(), our_bytes.len());
    // Same inputs, same compression libraries and settings: byte-identical,
    // for every codec (snappy, lz4 and zstd are deterministic) but gzip. Our
    // gzip is zlib-rs (1.6x faster than the official client's miniz_oxide),
    // whose deflate blocks differ from the official encoder's, so for gzip
    // everything outside the compressed section must match, and the sections
    // must decode both ways (below; tests/interop_python.rs does it across
    // builds: the Python client's own miniz_oxide).
    let comparable = |bytes: &[u8]| -> Vec<u8> {
        if codec == our::Compression::Gzip {
            fields_outside_length_and_crc(bytes)
        } else {
            bytes.to_vec()
        }
    };
    assert!(
        comparable(&our_bytes) == comparable(&their_bytes),
        "{codec:?} batch of {} records differs:\n ours {}\n their {}",
        records.len(),
        hex(&our_bytes[..our_bytes.len().min(200)]),
        hex(&their_bytes[..their_bytes.len().min(200)])
    );

    // Ours decodes the official bytes.
    let mut reader = our::Reader::new(&their_bytes);
    let decoded = our::Batch::decode(&mut reader).expect("our decoder failed on an official batch");
    assert!(reader.is_empty());
    decoded.verify_crc().unwrap();
    assert_eq!(decoded.compression().unwrap(), codec);
    assert_eq!(decoded.base_offset, theirs.get_base_offset());
    assert_eq!(decoded.header.last_offset_delta, theirs.header.last_offset_delta);
    assert_eq!(decoded.header.first_timestamp, theirs.header.first_timestamp);
    assert_eq!(decoded.header.max_time_stamp, theirs.header.max_time_stamp);
    assert_eq!(decoded.header.crc, u32::from_be_bytes(their_bytes[17..21].try_into().unwrap()));
    let section = decoded.decode_records(64 << 20).unwrap();
    assert!(section.complete);
    assert_eq!(section.records, records, "{codec:?}: our decoding of the official batch");

    // The official decoder reads ours (as the consumer does: raw, then records).
    let their_decoded: their::Batch<their::RawRecords> = theirs_decode(&our_bytes, 0);
    let their_records: Vec<our::Record> =
        their_decoded.memory_records().expect("official decompression failed").iter().map(record_from_theirs).collect();
    assert_eq!(their_records, records, "{codec:?}: official decoding of our batch");
    assert_eq!(their_decoded.get_base_offset(), ours.base_offset);
    assert_eq!(their_decoded.header.first_timestamp, ours.header.first_timestamp);
    assert_eq!(their_decoded.records_len(), records.len());
}

#[test]
fn batches_match_for_every_codec() {
    let large: Vec<u8> = (0..50_000u32).map(|i| (i % 251) as u8 ^ (i / 1000) as u8).collect();
    for codec in our::Compression::ALL {
        check_batch(&mixed_records(1, 5), codec, TS);
        check_batch(&mixed_records(12, 40), codec, TS + 1);
        check_batch(
            &[record(0, 0, Some(b""), b""), record(1, 3, None, b""), record(2, 9, Some(&large[..3000]), &large)],
            codec,
            TS,
        );
        // The official clients never send an empty batch; the format still allows one.
        check_batch(&[], codec, TS);
    }
}

#[test]
fn batches_with_a_schema_id_match() {
    // Attribute bit 0x10 adds a u32 schema id after the header (clients never set it).
    let schema_id: fluvio_protocol::record::SchemaId = theirs_decode(&0xC0FFEEu32.to_be_bytes(), 0);
    for codec in [our::Compression::None, our::Compression::Gzip] {
        let records = mixed_records(4, 20);
        let mut theirs = their::Batch::<their::MemoryRecords>::try_from(their_batch(&records, codec, TS)).unwrap();
        theirs.set_schema_id(schema_id.clone());
        let theirs: their::Batch<their::RawRecords> = theirs.try_into().unwrap();
        let mut ours = our_batch(&records, codec, TS);
        ours.schema_id = Some(0xC0FFEE);
        ours.header.crc = ours.compute_crc();

        let their_bytes = theirs_encode(&theirs, 0);
        let mut our_bytes = Vec::new();
        ours.encode(&mut our_bytes);
        assert_eq!(hex(&our_bytes), hex(&their_bytes), "{codec:?}");
        let decoded = our::Batch::decode(&mut our::Reader::new(&their_bytes)).unwrap();
        decoded.verify_crc().unwrap();
        assert_eq!(decoded, ours);
        assert_eq!(decoded.decode_records(1 << 20).unwrap().records, records);
        let their_decoded: their::Batch<their::RawRecords> = theirs_decode(&our_bytes, 0);
        assert_eq!(their_decoded.schema_id(), schema_id);
        let their_records: Vec<our::Record> =
            their_decoded.memory_records().unwrap().iter().map(record_from_theirs).collect();
        assert_eq!(their_records, records);
    }
}

#[test]
fn uncompressed_official_memory_batch_encodes_like_ours() {
    // Without compression the official `Batch<MemoryRecords>` can be encoded
    // directly (it does not compress), and must give the same bytes.
    let records = mixed_records(9, 33);
    let raw = their_batch(&records, our::Compression::None, TS);
    let mut memory = their::Batch::<their::MemoryRecords>::try_from(raw).unwrap();
    memory.set_base_offset(8);
    let mut ours = Vec::new();
    our_batch(&records, our::Compression::None, TS).encode(&mut ours);
    assert_eq!(hex(&theirs_encode(&memory, 0)), hex(&ours));
}

#[test]
fn record_sets_match() {
    let batches: Vec<BatchSpec> = our::Compression::ALL
        .iter()
        .enumerate()
        .map(|(i, &codec)| (mixed_records(i * 3 + 1, 100 * i), codec))
        .collect();
    golden_versions(SPU_VERSIONS, |_| stored_record_set_pair(0, &batches));
    golden_versions(SPU_VERSIONS, |_| stored_record_set_pair(1 << 40, &batches[..1]));
    golden_versions(SPU_VERSIONS, |_| (our::RecordSet::default(), their::RecordSet::<their::RawRecords>::default()));
}

#[test]
fn decode_records_reads_an_official_records_section() {
    // The uncompressed records section alone (`Vec<Record>`), as the official encoder writes it.
    let records = mixed_records(20, 7);
    let section = theirs_encode(&records.iter().map(their_record).collect::<Vec<_>>(), 0);
    let decoded = our::decode_records(&section).unwrap();
    assert!(decoded.complete);
    assert_eq!(decoded.records, records);
}

/// A random record: no, empty, small or large key; a value of up to 100 KB,
/// mostly small, either random bytes or compressible text.
fn random_record(rng: &mut SmallRng, offset_delta: i64, timestamp_delta: i64) -> our::Record {
    let bytes = |rng: &mut SmallRng, len: usize| -> Vec<u8> {
        if rng.gen_bool(0.5) {
            (0..len).map(|_| rng.gen()).collect()
        } else {
            let word = ["fluvio ", "stream ", "record ", "{\"id\":42}"][rng.gen_range(0..4)];
            word.bytes().cycle().take(len).collect()
        }
    };
    let key = match rng.gen_range(0..10) {
        0..=2 => None,
        3 => Some(Vec::new()),
        4 => {
            let len = rng.gen_range(1_000..20_000);
            Some(bytes(rng, len))
        }
        _ => {
            let len = rng.gen_range(1..32);
            Some(bytes(rng, len))
        }
    };
    let value_len = match rng.gen_range(0..100) {
        0..=1 => rng.gen_range(10_000..=100_000),
        2..=11 => rng.gen_range(100..10_000),
        _ => rng.gen_range(0..100),
    };
    let value = bytes(rng, value_len);
    our::Record { timestamp_delta, offset_delta, ..our::Record::new(key, value) }
}

#[test]
fn randomized_batches_round_trip_both_ways() {
    let mut rng = SmallRng::seed_from_u64(20_231_114);
    for codec in our::Compression::ALL {
        for _ in 0..30 {
            let count = rng.gen_range(0..200);
            let mut timestamp_delta = 0i64;
            let records: Vec<our::Record> = (0..count)
                .map(|i| {
                    // Mostly increasing deltas, sometimes a jump, sometimes backwards.
                    timestamp_delta += match rng.gen_range(0..10) {
                        0 => rng.gen_range(-5_000..0),
                        1 => rng.gen_range(0..100_000_000),
                        _ => rng.gen_range(0..1_000),
                    };
                    random_record(&mut rng, i as i64, timestamp_delta)
                })
                .collect();
            let first_timestamp = rng.gen_range(1_500_000_000_000..1_900_000_000_000);
            check_batch(&records, codec, first_timestamp);
        }
    }
}

//! Randomized hostile input for every decoder, in the normal suite (the
//! coverage-guided version is `fuzz/`). Decoding must never panic, never
//! hang, and never allocate far beyond what the input could hold: a
//! counting allocator records the largest single allocation.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use fluvio::protocol::codec::Encode;
use fluvio::protocol::frame::{encode_request_frame, encode_response_frame, RequestHeader};
use fluvio::protocol::fuzzing;
use fluvio::protocol::record::{Batch, Record, RecordSet};
use fluvio::protocol::sc::{
    Metadata, MetadataUpdate, ObjectApiCreateRequest, ObjectApiWatchResponse, TopicCreateRequest, TopicSpec,
    TopicStatus,
};
use fluvio::protocol::spu::{
    FetchablePartitionResponse, PartitionProduceData, ProduceRequest, StreamFetchRequest, StreamFetchResponse,
    TopicProduceData,
};
use fluvio::protocol::{Compression, Request};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

struct CountingAllocator;

static LARGEST_ALLOCATION: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged; it only
// records the largest size requested.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST_ALLOCATION.fetch_max(layout.size(), Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST_ALLOCATION.fetch_max(new_size, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// No input below may make a decoder ask for more than this at once. The
/// inputs are at most a few KiB; decompression is capped at 4 MiB.
const ALLOCATION_LIMIT: usize = 16 * 1024 * 1024;

fn batch(rng: &mut SmallRng, codec: Compression) -> Batch {
    let records: Vec<Record> = (0..rng.gen_range(1..20))
        .map(|i| Record {
            offset_delta: i,
            timestamp_delta: rng.gen_range(0..1000),
            ..Record::new(rng.gen_bool(0.5).then(|| b"key".to_vec()), vec![b'v'; rng.gen_range(0..200)])
        })
        .collect();
    Batch::from_records(&records, codec, 1_700_000_000_000).unwrap()
}

/// Valid frames and bodies to mutate.
fn seeds(rng: &mut SmallRng) -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for codec in Compression::ALL {
        let set = RecordSet::new(vec![batch(rng, codec), batch(rng, codec)]);
        let produce = ProduceRequest {
            topics: vec![TopicProduceData {
                name: "topic".into(),
                partitions: vec![PartitionProduceData { partition_index: 0, records: set.clone() }],
            }],
            ..ProduceRequest::default()
        };
        let mut frame = Vec::new();
        encode_request_frame(&RequestHeader::new(ProduceRequest::API_KEY, 25, 7, "fluvio"), &produce, &mut frame);
        seeds.push(frame);

        let response = StreamFetchResponse {
            topic: "topic".into(),
            stream_id: 1,
            partition: FetchablePartitionResponse { high_watermark: 10, records: set.clone(), ..Default::default() },
        };
        let mut frame = Vec::new();
        encode_response_frame(3, 25, &response, &mut frame);
        seeds.push(frame[4..].to_vec());
        seeds.push(set.to_bytes(0));
    }
    let fetch = StreamFetchRequest { topic: "t".into(), max_bytes: 1 << 20, consumer_id: Some("c".into()), ..Default::default() };
    let mut frame = Vec::new();
    encode_request_frame(&RequestHeader::new(StreamFetchRequest::API_KEY, 25, 2, "fluvio"), &fetch, &mut frame);
    seeds.push(frame);
    let create = ObjectApiCreateRequest::Topic(TopicCreateRequest { request: TopicSpec::computed(3, 1), ..Default::default() });
    let mut frame = Vec::new();
    encode_request_frame(&RequestHeader::new(ObjectApiCreateRequest::API_KEY, 19, 4, "fluvio"), &create, &mut frame);
    seeds.push(frame);
    let watch = ObjectApiWatchResponse::Topic(MetadataUpdate {
        epoch: 1,
        changes: vec![],
        all: vec![Metadata { name: "t".into(), spec: TopicSpec::computed(2, 1), status: TopicStatus::default() }],
    });
    let mut frame = Vec::new();
    encode_response_frame(5, 19, &watch, &mut frame);
    seeds.push(frame[4..].to_vec());
    seeds
}

/// One random mutation: flip bytes, cut, splice a hostile length, or append.
fn mutate(rng: &mut SmallRng, input: &mut Vec<u8>) {
    if input.is_empty() {
        input.push(rng.gen());
        return;
    }
    match rng.gen_range(0..5) {
        0 => {
            for _ in 0..rng.gen_range(1..8) {
                let i = rng.gen_range(0..input.len());
                input[i] = rng.gen();
            }
        }
        1 => {
            let len = rng.gen_range(0..input.len());
            input.truncate(len);
        }
        2 if input.len() >= 4 => {
            let hostile: [u32; 5] = [0x7fff_ffff, 0xffff_ffff, 0x8000_0000, 0x0010_0000, 0xffff];
            let at = rng.gen_range(0..=input.len() - 4);
            input[at..at + 4].copy_from_slice(&hostile[rng.gen_range(0..hostile.len())].to_be_bytes());
        }
        3 => input.extend((0..rng.gen_range(1..64)).map(|_| rng.gen::<u8>())),
        _ => {
            let at = rng.gen_range(0..input.len());
            input.insert(at, if rng.gen_bool(0.5) { 0xff } else { 0x80 });
        }
    }
}

fn decode_everything(input: &[u8]) {
    fuzzing::request_frames(input);
    fuzzing::response_bodies(input);
    fuzzing::record_set(input);
}

#[test]
fn mutated_messages_never_panic_hang_or_overallocate() {
    let mut rng = SmallRng::seed_from_u64(0x005e_edf1_u64);
    let seeds = seeds(&mut rng);
    let start = Instant::now();
    let mut cases = 0;
    for _ in 0..2000 {
        for seed in &seeds {
            let mut input = seed.clone();
            for _ in 0..rng.gen_range(1..4) {
                mutate(&mut rng, &mut input);
            }
            decode_everything(&input);
            cases += 1;
        }
    }
    let largest = LARGEST_ALLOCATION.load(Ordering::Relaxed);
    assert!(largest < ALLOCATION_LIMIT, "a decoder allocated {largest} bytes at once");
    eprintln!("{cases} mutated inputs decoded in {:?}", start.elapsed());
}

#[test]
fn random_bytes_never_panic_hang_or_overallocate() {
    let mut rng = SmallRng::seed_from_u64(42);
    for _ in 0..20_000 {
        let len = rng.gen_range(0..512);
        let input: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
        decode_everything(&input);
    }
    let largest = LARGEST_ALLOCATION.load(Ordering::Relaxed);
    assert!(largest < ALLOCATION_LIMIT, "a decoder allocated {largest} bytes at once");
}

#[test]
fn valid_seeds_decode() {
    // The mutation tests mean little unless the unmutated inputs decode.
    let mut rng = SmallRng::seed_from_u64(7);
    for seed in seeds(&mut rng) {
        let decoded = fuzzing::request_frames(&seed) + fuzzing::response_bodies(&seed) + fuzzing::record_set(&seed);
        assert!(decoded > 0, "seed of {} bytes decoded as nothing", seed.len());
    }
}

//! Production admin against the embedded cluster: topics created with every
//! option through the C API read back equal by the official Rust client;
//! retention time and maximum partition size applied as the real SPU's
//! cleaner applies them; a topic's codec enforced as the real SPU does;
//! partitions added by us and by the official client; consumer lag; and
//! what the cluster refuses, with the real SC's codes.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use fluvio::client::{Client, ClientError};
use fluvio::consumer::{Offset, OffsetStrategy, RecordStream, StreamConfig};
use fluvio::producer::{Producer, ProducerConfig};
use fluvio::protocol::record::{Batch, Record, RecordSet};
use fluvio::protocol::sc::{
    CleanupPolicy, CompressionAlgorithm, PartitionMap, ReplicaSpec, SegmentBasedPolicy, SmartModuleMetadata, SmartModulePackage, TopicSpec,
    TopicStorageConfig,
};
use fluvio::protocol::spu::{PartitionProduceData, ProduceRequest, TopicProduceData};
use fluvio::protocol::{Compression, ErrorCode};
use fluvio_controlplane_metadata::topic as their;
use fluvio_sc_schema::objects::ListRequest as TheirListRequest;

use support::{assert_success, build_c_program, official_client, start_cluster};

const WAIT: Duration = Duration::from_secs(20);

/// The smallest valid wasm module: the SC checks only that it is one.
const EMPTY_WASM: &[u8] = b"\0asm\x01\0\0\0";

/// Stores a SmartModule as the package `test/<name>@0.1.0`.
async fn store_package(client: &Client, name: &str, wasm: &[u8]) {
    let package = SmartModulePackage {
        name: name.into(),
        group: "test".into(),
        version: "0.1.0".into(),
        api_version: "0.1.0".into(),
        ..SmartModulePackage::default()
    };
    client.create_smartmodule(name, wasm, Some(SmartModuleMetadata { package, params: BTreeMap::new() })).await.unwrap();
}

/// The spec each topic of `tests/c/admin_create.c` asked for, as the
/// official client models it.
fn expected_specs() -> BTreeMap<&'static str, their::TopicSpec> {
    let mut specs = BTreeMap::new();
    specs.insert("defaults", their::TopicSpec::new_computed(1, 1, Some(false)));
    specs.insert("computed", their::TopicSpec::new_computed(4, 2, Some(true)));
    let maps: their::PartitionMaps = vec![(0, vec![5002, 5001]), (1, vec![5001, 5002])].into();
    specs.insert("assigned", their::TopicSpec::new_assigned(maps));
    let mut retention = their::TopicSpec::new_computed(1, 1, Some(false));
    retention.set_cleanup_policy(their::CleanupPolicy::Segment(their::SegmentBasedPolicy { time_in_seconds: 3600 }));
    specs.insert("retention", retention);
    let mut storage = their::TopicSpec::new_computed(1, 1, Some(false));
    storage.set_storage(their::TopicStorageConfig { segment_size: Some(4096), max_partition_size: Some(65536) });
    specs.insert("storage", storage);
    let mut compressed = their::TopicSpec::new_computed(1, 1, Some(false));
    compressed.set_compression_type(their::CompressionAlgorithm::Zstd);
    specs.insert("compressed", compressed);
    let mut hidden = their::TopicSpec::new_computed(1, 1, Some(false));
    hidden.set_system(true);
    specs.insert("hidden", hidden);
    let mut deduplicated = their::TopicSpec::new_computed(1, 1, Some(false));
    deduplicated.set_deduplication(Some(their::Deduplication {
        bounds: their::Bounds { count: 100, age: Some(Duration::from_secs(60)) },
        filter: their::Filter {
            transform: their::Transform { uses: "test/dedup-keys@0.1.0".into(), with: [("mode".to_string(), "strict".to_string())].into() },
        },
    }));
    specs.insert("deduplicated", deduplicated);
    specs
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn options_set_through_the_c_api_are_what_the_official_client_reads() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 2).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    store_package(&client, "dedup-keys", EMPTY_WASM).await;

    let (build_dir, _) = build_c_program("admin_create", "options", &[]);
    let endpoint = cluster.endpoint();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(build_dir.join("admin_create")).env("FLUVIO_ENDPOINT", endpoint).output().expect("run admin_create")
    })
    .await
    .unwrap();
    assert_success("admin_create", &output);

    let official = official_client(&cluster.endpoint()).await;
    let admin = official.admin().await;
    let mut listed: BTreeMap<String, their::TopicSpec> =
        admin.all::<their::TopicSpec>().await.unwrap().into_iter().map(|t| (t.name, t.spec)).collect();
    let system = admin.list_with_config::<their::TopicSpec, String>(TheirListRequest::new(Vec::<fluvio_sc_schema::objects::ListFilter>::new(), false).system(true));
    for topic in system.await.unwrap() {
        assert!(topic.spec.is_system(), "{} listed as a system topic", topic.name);
        listed.insert(topic.name, topic.spec);
    }
    for (name, expected) in expected_specs() {
        assert_eq!(listed.get(name), Some(&expected), "topic {name}");
    }
    // Our own description of the same topics carries the same specs.
    for topic in client.describe_topics(None).await.unwrap() {
        assert!(!topic.spec.system, "{} is a system topic", topic.name);
    }
    let hidden = client.describe_topics(Some("hidden")).await.unwrap();
    assert!(hidden.len() == 1 && hidden[0].spec.system, "{hidden:?}");
    cluster.stop().await.unwrap();
}

/// Sends each value as its own batch (waiting for each acknowledgement).
async fn produce_one_by_one(client: &Client, topic: &str, values: impl IntoIterator<Item = String>) {
    let config = ProducerConfig { linger: Duration::ZERO, ..ProducerConfig::default() };
    let producer = Producer::new(client, topic, config).await.unwrap();
    for value in values {
        let handle = producer.send(None, value.as_bytes()).unwrap();
        tokio::task::block_in_place(|| handle.wait(Some(WAIT))).unwrap();
    }
    producer.close(WAIT).await.unwrap();
}

/// The offsets of every record partition 0 of `topic` holds now.
async fn stored_offsets(client: &Client, topic: &str) -> Vec<i64> {
    let config = StreamConfig { continuous: false, ..StreamConfig::default() };
    let mut stream = RecordStream::open(client, topic, &[0], Offset::beginning(), config, None).await.unwrap();
    let mut offsets = Vec::new();
    while let Some(record) = tokio::time::timeout(WAIT, stream.next()).await.expect("a non-continuous stream ends") {
        offsets.push(record.unwrap().offset);
    }
    offsets
}

fn storage_spec(retention_secs: Option<u32>, segment_size: u32, max_partition_size: Option<u64>) -> TopicSpec {
    TopicSpec {
        cleanup_policy: retention_secs.map(|time_in_seconds| CleanupPolicy::Segment(SegmentBasedPolicy { time_in_seconds })),
        storage: Some(TopicStorageConfig { segment_size: Some(segment_size), max_partition_size }),
        ..TopicSpec::computed(1, 1)
    }
}

/// A 300-byte value: three batches of one fill a 1024-byte segment.
fn value(i: usize) -> String {
    format!("{i:0>300}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_time_removes_closed_segments_once_they_are_that_old() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 1).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    client.create_topic_with("retained", storage_spec(Some(60), 1024, None)).await.unwrap();
    produce_one_by_one(&client, "retained", (0..10).map(value)).await;
    let all: Vec<i64> = (0..10).collect();

    // Within the retention time nothing goes.
    assert_eq!(cluster.run_cleaner(Duration::from_secs(59)).await, 0);
    assert_eq!(stored_offsets(&client, "retained").await, all);

    // Past it, the closed segments go, whole; the one being written stays.
    let removed = cluster.run_cleaner(Duration::from_secs(61)).await;
    let left = stored_offsets(&client, "retained").await;
    assert!(removed >= 2, "{removed} segments removed");
    assert!(!left.is_empty() && left.len() < all.len(), "{left:?}");
    assert_eq!(left, (left[0]..10).collect::<Vec<_>>(), "what is left is the newest records, without gaps");

    // Segments closed since are younger than the retention time: kept.
    produce_one_by_one(&client, "retained", (10..16).map(value)).await;
    assert_eq!(cluster.run_cleaner(Duration::from_secs(30)).await, 0);
    assert_eq!(stored_offsets(&client, "retained").await, (left[0]..16).collect::<Vec<_>>());

    // A topic without retention keeps everything, however old.
    client.create_topic_with("kept", storage_spec(None, 1024, None)).await.unwrap();
    produce_one_by_one(&client, "kept", (0..10).map(value)).await;
    cluster.run_cleaner(Duration::from_secs(10 * 365 * 24 * 3600)).await;
    assert_eq!(stored_offsets(&client, "kept").await, all);
    cluster.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_partition_size_removes_the_oldest_segments() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 1).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    client.create_topic_with("bounded", storage_spec(None, 1024, Some(2048))).await.unwrap();
    produce_one_by_one(&client, "bounded", (0..20).map(value)).await;
    assert_eq!(stored_offsets(&client, "bounded").await, (0..20).collect::<Vec<_>>(), "enforced by the cleaner, not at append");

    let removed = cluster.run_cleaner(Duration::ZERO).await;
    assert!(removed >= 4, "{removed} segments removed");
    let left = stored_offsets(&client, "bounded").await;
    assert_eq!(left, (left[0]..20).collect::<Vec<_>>(), "the newest records are kept, without gaps");
    let partitions = client.list_partitions(Some("bounded")).await.unwrap();
    let status = &partitions[0].metadata.status;
    assert!(status.size <= 2048, "{} bytes left", status.size);
    assert_eq!(status.base_offset, left[0]);
    assert_eq!(status.leader.leo, 20);
    cluster.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partitions_added_by_us_and_by_the_official_client_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 2).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    client.create_topic("growing", 1, 1).await.unwrap();
    client.add_partitions("growing", 2).await.unwrap();
    assert_eq!(client.topic("growing").await.unwrap().partition_count(), 3);

    let official = official_client(&cluster.endpoint()).await;
    let action = their::UpdateTopicAction::AddPartition(their::AddPartition { count: 1 });
    official.admin().await.update::<their::TopicSpec>("growing".to_string(), action).await.unwrap();
    let mut updates = client.metadata().partitions.subscribe();
    let wait_for_four = async {
        while client.metadata().partitions.get("growing-3").is_none() {
            updates.changed().await.unwrap();
        }
    };
    tokio::time::timeout(WAIT, wait_for_four).await.expect("partition 3 announced");

    let partitions = client.list_partitions(Some("growing")).await.unwrap();
    assert_eq!(partitions.iter().map(|p| p.partition).collect::<Vec<_>>(), [0, 1, 2, 3]);
    // A producer made now spreads over all four; each new one is served.
    let producer = Producer::new(&client, "growing", ProducerConfig { linger: Duration::ZERO, ..ProducerConfig::default() }).await.unwrap();
    assert_eq!(producer.partition_count(), 4);
    let handles: Vec<_> = (0..8).map(|i| producer.send(None, format!("r{i}").as_bytes()).unwrap()).collect();
    let mut used: Vec<u32> = tokio::task::block_in_place(|| handles.iter().map(|h| h.wait(Some(WAIT)).unwrap().partition).collect());
    used.sort();
    used.dedup();
    assert_eq!(used, [0, 1, 2, 3]);
    producer.close(WAIT).await.unwrap();

    // What the official SC refuses, refused alike.
    let system = client.add_partitions("consumer-offset", 1).await.unwrap_err();
    assert!(matches!(&system, ClientError::Server { code: ErrorCode::SystemSpecUpdatingAttempt { .. }, .. }), "{system:?}");
    let assigned = TopicSpec {
        replicas: ReplicaSpec::Assigned(vec![PartitionMap { id: 0, replicas: vec![5001], mirror: None }]),
        ..TopicSpec::default()
    };
    client.create_topic_with("placed", assigned).await.unwrap();
    let placed = client.add_partitions("placed", 1).await.unwrap_err();
    assert!(matches!(&placed, ClientError::Server { code: ErrorCode::TopicInvalidReplicaType, .. }), "{placed:?}");
    assert!(matches!(client.add_partitions("missing", 1).await, Err(ClientError::TopicNotFound(_))));
    cluster.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lag_is_what_was_produced_after_what_was_committed() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 2).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    client.create_topic("orders", 3, 1).await.unwrap();
    let producer = Producer::new(&client, "orders", ProducerConfig { linger: Duration::from_millis(2), ..ProducerConfig::default() })
        .await
        .unwrap();
    let handles: Vec<_> = (0..30).map(|i| producer.send(None, format!("o{i}").as_bytes()).unwrap()).collect();
    let mut produced = [0i64; 3];
    for handle in handles {
        produced[tokio::task::block_in_place(|| handle.wait(Some(WAIT))).unwrap().partition as usize] += 1;
    }
    producer.close(WAIT).await.unwrap();

    // The billing consumer reads and commits some records of each partition.
    let committed_counts = [2i64, 5, 0];
    for (partition, count) in committed_counts.iter().enumerate().filter(|(_, c)| **c > 0) {
        let config = StreamConfig { consumer_id: Some("billing".into()), offset_strategy: OffsetStrategy::Manual, ..StreamConfig::default() };
        let mut stream = RecordStream::open(&client, "orders", &[partition as u32], Offset::beginning(), config, None).await.unwrap();
        for _ in 0..*count {
            tokio::time::timeout(WAIT, stream.next()).await.unwrap().unwrap().unwrap();
        }
        stream.commit().unwrap();
        stream.flush().await.unwrap();
        stream.close().await.unwrap();
    }

    let lags = client.consumer_lags(Some("billing"), Some("orders")).await.unwrap();
    let mut seen: Vec<(u32, i64, i64)> = lags.iter().map(|l| (l.stored.partition, l.high_watermark, l.lag)).collect();
    seen.sort();
    let expected: Vec<(u32, i64, i64)> = committed_counts
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .map(|(p, c)| (p as u32, produced[p], produced[p] - c))
        .collect();
    assert_eq!(seen, expected, "produced {produced:?}");
    // Nobody else committed; a filter on another consumer finds nothing.
    assert!(client.consumer_lags(Some("nobody"), None).await.unwrap().is_empty());
    cluster.stop().await.unwrap();
}

/// The server's error code of a refused create.
async fn refused(client: &Client, name: &str, spec: TopicSpec) -> (ErrorCode, String) {
    match client.create_topic_with(name, spec).await {
        Err(ClientError::Server { code, message }) => (code, message),
        other => panic!("{name}: expected a refusal, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn options_the_real_sc_refuses_are_refused_with_its_codes() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 2).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    let assigned = |maps: Vec<(u32, Vec<i32>)>| TopicSpec {
        replicas: ReplicaSpec::Assigned(maps.into_iter().map(|(id, replicas)| PartitionMap { id, replicas, mirror: None }).collect()),
        ..TopicSpec::default()
    };
    let cases: Vec<(&str, TopicSpec, ErrorCode, &str)> = vec![
        ("unknown-spu", assigned(vec![(0, vec![5001]), (1, vec![7777])]), ErrorCode::TopicError, "invalid spu id: 7777"),
        ("twice", assigned(vec![(0, vec![5001, 5001])]), ErrorCode::TopicError, "duplicate spu ids"),
        ("uneven", assigned(vec![(0, vec![5001, 5002]), (1, vec![5001])]), ErrorCode::TopicError, "same number of spu ids"),
        ("gap", assigned(vec![(0, vec![5001]), (2, vec![5001])]), ErrorCode::TopicError, "in sequence"),
        ("no-retention", storage_spec(Some(0), 1024, None), ErrorCode::TopicInvalidConfiguration, "retention_secs 0 is less than minimum 10"),
        ("tiny-segment", storage_spec(None, 512, None), ErrorCode::TopicInvalidConfiguration, "segment_size 512 is less than minimum 1024"),
        ("small-partition", storage_spec(None, 4096, Some(2048)), ErrorCode::TopicInvalidConfiguration, "less than segment size 4096"),
    ];
    for (name, spec, code, message) in cases {
        let (got, text) = refused(&client, name, spec).await;
        assert_eq!(got, code, "{name}: {text}");
        assert!(text.contains(message), "{name}: {text:?} does not say {message:?}");
    }
    // Without an explicit segment size, the real SC's 1 GiB default counts.
    let unsized_storage = TopicSpec { storage: Some(TopicStorageConfig { segment_size: None, max_partition_size: Some(1 << 20) }), ..TopicSpec::computed(1, 1) };
    let (code, text) = refused(&client, "default-segment", unsized_storage).await;
    assert!(code == ErrorCode::TopicInvalidConfiguration && text.contains("segment size 1073741824"), "{text}");

    // Deduplication needs a qualified SmartModule name, and the module stored.
    let dedup = |uses: &str| TopicSpec {
        deduplication: Some(fluvio::protocol::sc::Deduplication {
            bounds: fluvio::protocol::sc::DeduplicationBounds { count: 10, age: None },
            filter: fluvio::protocol::sc::DeduplicationFilter {
                transform: fluvio::protocol::sc::DeduplicationTransform { uses: uses.into(), with: BTreeMap::new() },
            },
        }),
        ..TopicSpec::computed(1, 1)
    };
    let (code, _) = refused(&client, "dedup-name", dedup("dedup")).await;
    assert!(matches!(code, ErrorCode::DeduplicationSmartModuleNameInvalid(_)), "{code:?}");
    let (code, text) = refused(&client, "dedup-missing", dedup("test/absent@0.1.0")).await;
    assert_eq!(code, ErrorCode::DeduplicationSmartModuleNotLoaded, "{text}");

    // A batch larger than the topic's segment is too large for it.
    client.create_topic_with("small-segments", storage_spec(None, 1024, None)).await.unwrap();
    let producer = Producer::new(&client, "small-segments", ProducerConfig { linger: Duration::ZERO, ..ProducerConfig::default() })
        .await
        .unwrap();
    let handle = producer.send(None, &[b'x'; 2000]).unwrap();
    let too_large = tokio::task::block_in_place(|| handle.wait(Some(WAIT))).unwrap_err();
    assert!(format!("{too_large:?}").contains("MessageTooLarge"), "{too_large:?}");
    producer.close(WAIT).await.ok();
    // Nothing refused was created.
    let names: Vec<String> = client.describe_topics(None).await.unwrap().into_iter().map(|t| t.name).collect();
    assert_eq!(names, ["small-segments"]);
    cluster.stop().await.unwrap();
}

/// A produce request carrying `batch` for partition 0 of `topic`, sent
/// straight to its leader; the partition's error code in the answer.
async fn raw_produce(client: &Client, topic: &str, batch: Batch) -> ErrorCode {
    let request = ProduceRequest {
        topics: vec![TopicProduceData {
            name: topic.into(),
            partitions: vec![PartitionProduceData { partition_index: 0, records: RecordSet::new(vec![batch]) }],
        }],
        ..ProduceRequest::default()
    };
    let response = client.leader(topic, 0).await.unwrap().request(&request, WAIT).await.unwrap();
    response.responses[0].partitions[0].error_code.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_topic_codec_is_enforced_as_the_real_spu_does() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 1).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    let spec = TopicSpec { compression_type: CompressionAlgorithm::Gzip, ..TopicSpec::computed(1, 1) };
    client.create_topic_with("gzipped", spec).await.unwrap();
    let record = || vec![Record::new(None, b"payload".to_vec())];
    // Any other codec, uncompressed included, is refused; nothing is stored.
    for codec in [Compression::None, Compression::Snappy, Compression::Lz4, Compression::Zstd] {
        let batch = Batch::from_records(&record(), codec, 0).unwrap();
        assert_eq!(raw_produce(&client, "gzipped", batch).await, ErrorCode::CompressionError, "{codec:?}");
    }
    assert_eq!(stored_offsets(&client, "gzipped").await, Vec::<i64>::new());
    assert_eq!(raw_produce(&client, "gzipped", Batch::from_records(&record(), Compression::Gzip, 0).unwrap()).await, ErrorCode::None);
    // Our producer, as the official one, takes the topic's codec unless told another.
    produce_one_by_one(&client, "gzipped", ["x".to_string()]).await;
    assert_eq!(stored_offsets(&client, "gzipped").await, [0, 1]);
    let lz4 = ProducerConfig { compression: Some(Compression::Lz4), ..ProducerConfig::default() };
    assert!(matches!(Producer::new(&client, "gzipped", lz4).await, Err(ClientError::InvalidArgument(m)) if m.contains("gzip")));
    cluster.stop().await.unwrap();
}

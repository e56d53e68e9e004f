//! Against a real Fluvio cluster (SC + SPUs built from the public sources,
//! see ../shared/real-fluvio/README.md), for what the embedded cluster
//! cannot prove. Opt-in: ignored unless asked for, and it needs the SC's
//! endpoint.
//!
//!     FLUVIO_REAL_ENDPOINT=127.0.0.1:9003 cargo test --test real_cluster -- --ignored --test-threads=1
//!
//! Each test makes its own topics (named after the process id) and deletes
//! them, but for one the real SC cannot delete safely (see the admin test).

mod support;

use std::time::{Duration, Instant};

use fluvio::client::{Client, ClientError};

const WAIT: Duration = Duration::from_secs(30);

async fn connect() -> Client {
    let endpoint = std::env::var("FLUVIO_REAL_ENDPOINT").expect("set FLUVIO_REAL_ENDPOINT to the real SC's host:port");
    Client::connect(&endpoint).await.expect("connect to the real SC")
}

fn topic_name(what: &str) -> String {
    format!("real-{what}-{}", std::process::id())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a real Fluvio cluster: FLUVIO_REAL_ENDPOINT=host:port, --ignored"]
async fn round_trips_at_linger_0_are_not_held_by_the_spus_nagle() {
    let client = connect().await;
    let topic = topic_name("latency");
    client.create_topic(&topic, 1, 1).await.unwrap();
    let round_trips = support::round_trips_at_linger_0(&client, &topic, 20, 200).await;
    let (median, p99) = (round_trips[100], round_trips[198]);
    eprintln!("real cluster: 200 round trips at linger 0: median {median:?}, p99 {p99:?}");
    assert!(median < Duration::from_millis(10), "median {median:?} (p99 {p99:?})");
    client.delete_topic(&topic).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a real Fluvio cluster: FLUVIO_REAL_ENDPOINT=host:port, --ignored"]
async fn a_replication_factor_above_the_spu_count_is_refused_at_once() {
    let client = connect().await;
    client.metadata().spus.ready(WAIT).await.unwrap();
    let spus = client.metadata().spus.all().len() as u32;
    assert!(spus > 0);
    let topic = topic_name("replicas");
    let started = Instant::now();
    let refused = client.create_topic(&topic, 1, spus + 1).await.unwrap_err();
    assert!(matches!(&refused, ClientError::InvalidArgument(m) if m.contains("needs")), "{refused:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "refused after {:?}", started.elapsed());
    // The same client goes on at once.
    let started = Instant::now();
    client.create_topic(&topic, 1, 1).await.unwrap();
    eprintln!("real cluster: the next create took {:?}", started.elapsed());
    client.delete_topic(&topic).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a real Fluvio cluster: FLUVIO_REAL_ENDPOINT=host:port, --ignored"]
async fn production_admin_reads_and_grows_a_real_cluster() {
    use fluvio::consumer::{Offset, OffsetStrategy, RecordStream, StreamConfig};
    use fluvio::producer::{Producer, ProducerConfig};
    use fluvio::protocol::sc::{CleanupPolicy, CompressionAlgorithm, SegmentBasedPolicy, SpuStatusResolution, TopicResolution, TopicSpec, TopicStorageConfig};
    use fluvio::protocol::ErrorCode;

    let client = connect().await;
    assert!(client.platform_version().starts_with("0.18."), "{}", client.platform_version());
    let spus = client.list_spus().await.unwrap();
    assert!(!spus.is_empty());
    for spu in &spus {
        assert_eq!(spu.status.resolution, SpuStatusResolution::Online, "{spu:?}");
        assert!(spu.spec.public_address().contains(':'), "{spu:?}");
    }
    eprintln!("real cluster: SPUs {:?}", spus.iter().map(|s| (s.spec.id, s.spec.public_address(), s.spec.spu_type)).collect::<Vec<_>>());

    let topic = topic_name("admin");
    let spec = TopicSpec {
        cleanup_policy: Some(CleanupPolicy::Segment(SegmentBasedPolicy { time_in_seconds: 3600 })),
        storage: Some(TopicStorageConfig { segment_size: Some(1 << 20), max_partition_size: Some(1 << 24) }),
        compression_type: CompressionAlgorithm::Lz4,
        ..TopicSpec::computed(2, 1)
    };
    client.create_topic_with(&topic, spec.clone()).await.unwrap();
    let described = client.describe_topics(Some(&topic)).await.unwrap();
    assert_eq!(described.len(), 1);
    assert_eq!(described[0].spec, spec);
    assert_eq!(described[0].status.resolution, TopicResolution::Provisioned, "{:?}", described[0].status);

    // Returns once this client's metadata shows the new partition online, so the SC lists it.
    client.add_partitions(&topic, 1).await.unwrap();
    let partitions = client.list_partitions(Some(&topic)).await.unwrap();
    assert_eq!(partitions.iter().map(|p| p.partition).collect::<Vec<_>>(), [0, 1, 2], "{partitions:?}");
    for p in &partitions {
        assert!(spus.iter().any(|s| s.spec.id == p.metadata.spec.leader), "{p:?}");
        // add_partitions waits until the new partition's leader serves it.
        assert_eq!(p.metadata.status.resolution, fluvio::protocol::sc::PartitionResolution::Online, "{p:?}");
    }

    let producer = Producer::new(&client, &topic, ProducerConfig { linger: Duration::ZERO, ..ProducerConfig::default() }).await.unwrap();
    let handles: Vec<_> = (0..9).map(|i| producer.send(None, format!("a{i}").as_bytes()).unwrap()).collect();
    let mut produced = [0i64; 3];
    for handle in handles {
        produced[tokio::task::block_in_place(|| handle.wait(Some(WAIT))).unwrap().partition as usize] += 1;
    }
    producer.close(WAIT).await.unwrap();
    let consumer = format!("real-lag-{}", std::process::id());
    let config = StreamConfig { consumer_id: Some(consumer.clone()), offset_strategy: OffsetStrategy::Manual, ..StreamConfig::default() };
    let mut stream = RecordStream::open(&client, &topic, &[0], Offset::beginning(), config, None).await.unwrap();
    tokio::time::timeout(WAIT, stream.next()).await.unwrap().unwrap().unwrap();
    stream.commit().unwrap();
    stream.flush().await.unwrap();
    stream.close().await.unwrap();
    let lags = client.consumer_lags(Some(&consumer), Some(&topic)).await.unwrap();
    assert_eq!(lags.len(), 1, "{lags:?}");
    assert_eq!((lags[0].high_watermark, lags[0].lag), (produced[0], produced[0] - 1), "{lags:?}");

    // What the real SC refuses, with its codes.
    let short = TopicSpec { cleanup_policy: Some(CleanupPolicy::Segment(SegmentBasedPolicy { time_in_seconds: 5 })), ..TopicSpec::computed(1, 1) };
    let refused = client.create_topic_with(&topic_name("short"), short).await.unwrap_err();
    assert!(matches!(&refused, ClientError::Server { code: ErrorCode::TopicInvalidConfiguration, .. }), "{refused:?}");
    let placed = TopicSpec {
        replicas: fluvio::protocol::sc::ReplicaSpec::Assigned(vec![fluvio::protocol::sc::PartitionMap { id: 0, replicas: vec![7777], mirror: None }]),
        ..TopicSpec::default()
    };
    let refused = client.create_topic_with(&topic_name("placed"), placed).await.unwrap_err();
    assert!(matches!(&refused, ClientError::Server { code: ErrorCode::TopicError, .. }), "{refused:?}");
    eprintln!("real cluster: refusals as expected; lag {lags:?}");
    client.delete_consumer_offset(&consumer, &topic, 0).await.unwrap();
    // The topic stays: deleting a topic that ever had a committed offset
    // leaves the real SC (0.18.2-dev) unable to provision any topic after
    // it (creates time out); the official client alone does the same.
}

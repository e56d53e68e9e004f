//! With the embedded cluster cutting the last batch of every fetch at
//! max_bytes — as the official SPU does — our consumer still delivers every
//! record exactly once, for every codec, for batches larger than max_bytes,
//! and whether it reads on or stops at the end.

mod support;

use std::time::Duration;

use fluvio::client::Client;
use fluvio::consumer::{Offset, RecordStream, StreamConfig};
use fluvio::local::{ClusterConfig, LocalCluster};
use fluvio::producer::{Producer, ProducerConfig};
use fluvio::protocol::Compression;

const RECORDS: usize = 1_000_000;
const VALUE_LEN: usize = 100;

async fn cutting_cluster(dir: &std::path::Path) -> LocalCluster {
    let mut config = ClusterConfig::new(dir);
    config.cut_batches = true;
    LocalCluster::start(config).await.expect("start the cluster")
}

/// A value that names its record, padded to VALUE_LEN bytes.
fn value(i: usize) -> Vec<u8> {
    let mut v = format!("record-{i:09}-").into_bytes();
    v.resize(VALUE_LEN, b'.');
    v
}

async fn produce(client: &Client, topic: &str, codec: Compression, count: usize) {
    client.create_topic(topic, 1, 1).await.unwrap();
    let config = ProducerConfig { compression: Some(codec), linger: Duration::from_millis(20), ..ProducerConfig::default() };
    let producer = Producer::new(client, topic, config).await.unwrap();
    tokio::task::block_in_place(|| {
        for i in 0..count {
            producer.send(None, &value(i)).unwrap();
        }
        producer.flush(Duration::from_secs(120)).unwrap();
    });
    producer.close(Duration::from_secs(10)).await.unwrap();
}

/// Reads `count` records from the beginning and checks each offset arrives
/// once, in order, with its own value.
async fn read_all_exactly_once(client: &Client, topic: &str, count: usize, config: StreamConfig) {
    let mut stream = RecordStream::open(client, topic, &[0], Offset::beginning(), config, None).await.unwrap();
    for expected in 0..count {
        let record = tokio::time::timeout(Duration::from_secs(30), stream.next())
            .await
            .unwrap_or_else(|_| panic!("{topic}: stalled at offset {expected}"))
            .expect("stream ended")
            .unwrap_or_else(|e| panic!("{topic}: error at offset {expected}: {e}"));
        assert_eq!(record.offset, expected as i64, "{topic}: offsets must be dense and in order");
        assert_eq!(record.value, value(expected), "{topic}: wrong value at offset {expected}");
    }
    // Nothing more (in particular no duplicate) is waiting.
    let extra = tokio::time::timeout(Duration::from_millis(300), stream.next()).await;
    assert!(extra.is_err(), "{topic}: a record beyond the end was delivered: {:?}", extra.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_record_exactly_once_through_cut_batches_for_every_codec() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = cutting_cluster(dir.path()).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    for codec in Compression::ALL {
        let topic = format!("cut-{}", codec.name());
        produce(&client, &topic, codec, RECORDS).await;
        read_all_exactly_once(&client, &topic, RECORDS, StreamConfig::default()).await;
    }
    cluster.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_larger_than_max_bytes_are_fetched_whole() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = cutting_cluster(dir.path()).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    for codec in [Compression::None, Compression::Lz4] {
        let topic = format!("big-{}", codec.name());
        produce(&client, &topic, codec, 20_000).await;
        // 16 KiB batches, 1 KiB fetches: every fetch would cut its first batch.
        let config = StreamConfig { max_bytes: 1024, ..StreamConfig::default() };
        read_all_exactly_once(&client, &topic, 20_000, config).await;
    }
    cluster.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_that_starts_mid_way_and_stops_early_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = cutting_cluster(dir.path()).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    produce(&client, "partial", Compression::Gzip, 50_000).await;
    // Start inside a batch, read a slice, stop, then resume after it.
    let mut first = RecordStream::open(&client, "partial", &[0], Offset::Absolute(12_345), StreamConfig::default(), None).await.unwrap();
    for expected in 12_345..30_000 {
        let record = first.next().await.unwrap().unwrap();
        assert_eq!((record.offset, record.value.clone()), (expected, value(expected as usize)));
    }
    drop(first);
    let mut rest = RecordStream::open(&client, "partial", &[0], Offset::Absolute(30_000), StreamConfig::default(), None).await.unwrap();
    for expected in 30_000..50_000 {
        let record = rest.next().await.unwrap().unwrap();
        assert_eq!(record.offset, expected);
    }
    cluster.stop().await.unwrap();
}

/// The emulation is faithful: the official client, reading the same cut
/// fetches, skips the records of each cut batch (protocol notes pitfall 15),
/// while ours (above) loses none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_client_skips_records_of_cut_batches() {
    use fluvio_official::consumer::ConsumerConfigExtBuilder;
    use futures_util::StreamExt;

    let dir = tempfile::tempdir().unwrap();
    let cluster = cutting_cluster(dir.path()).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    const COUNT: usize = 200_000;
    produce(&client, "official", Compression::None, COUNT).await;

    let official = support::official_client(&cluster.endpoint()).await;
    let config = ConsumerConfigExtBuilder::default()
        .topic("official".to_string())
        .partition(0)
        .offset_start(fluvio_official::Offset::beginning())
        .build()
        .unwrap();
    let mut stream = official.consumer_with_config(config).await.unwrap();
    let mut delivered = 0usize;
    loop {
        let record = tokio::time::timeout(Duration::from_secs(30), stream.next()).await.unwrap().unwrap().unwrap();
        delivered += 1;
        if record.offset() == COUNT as i64 - 1 {
            break;
        }
    }
    assert!(delivered < COUNT, "the official client should lose records to cut batches, got all {COUNT}");
    eprintln!("official client delivered {delivered} of {COUNT} records through cut batches");
    cluster.stop().await.unwrap();
}

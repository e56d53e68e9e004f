//! Our Rust client core (the engine behind the C API) against the embedded
//! cluster, with the official Rust client as the peer in both directions.

mod support;

use std::time::Duration;

use fluvio::client::Client;
use fluvio::consumer::{ConsumerRecord, Offset, RecordStream, StreamConfig};
use fluvio::producer::{Producer, ProducerConfig};
use fluvio::protocol::Compression;
use fluvio_official::consumer::ConsumerConfigExtBuilder;
use fluvio_official::{Offset as TheirOffset, RecordKey, TopicProducerConfigBuilder};
use futures_util::StreamExt;

use support::{official_client, start_cluster};

const PARTITIONS: u32 = 3;

async fn read_ours(client: &Client, topic: &str, partitions: &[u32], offset: Offset, count: usize) -> Vec<ConsumerRecord> {
    let mut stream = RecordStream::open(client, topic, partitions, offset, StreamConfig::default(), None).await.unwrap();
    let mut records = Vec::new();
    while records.len() < count {
        let record = tokio::time::timeout(Duration::from_secs(20), stream.next())
            .await
            .unwrap_or_else(|_| panic!("timed out after {} of {count}", records.len()))
            .expect("stream ended")
            .expect("record");
        records.push(record);
    }
    records.sort_by_key(|r| (r.partition, r.offset));
    records
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_producer_to_official_consumer_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 2).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    client.create_topic("ours", PARTITIONS, 1).await.unwrap();
    client.create_topic("theirs", PARTITIONS, 1).await.unwrap();
    assert!(matches!(client.create_topic("ours", 1, 1).await, Err(fluvio::client::ClientError::TopicExists(_))));
    let listed = client.list_topics().await.unwrap();
    assert_eq!(listed.iter().map(|t| (t.name.as_str(), t.partitions)).collect::<Vec<_>>(), [("ours", 3), ("theirs", 3)]);

    // Ours produces with every codec, keyed and unkeyed.
    let mut sent = Vec::new();
    for codec in Compression::ALL {
        let config = ProducerConfig { compression: Some(codec), linger: Duration::from_millis(5), ..ProducerConfig::default() };
        let producer = Producer::new(&client, "ours", config).await.unwrap();
        let mut handles = Vec::new();
        for i in 0..400 {
            let key = (i % 3 != 0).then(|| format!("user-{}", i % 11).into_bytes());
            let value = format!("{}-{i}", codec.name()).into_bytes();
            handles.push((key.clone(), value.clone(), producer.send(key.as_deref(), &value).unwrap()));
        }
        tokio::task::block_in_place(|| producer.flush(Duration::from_secs(20))).unwrap();
        for (key, value, handle) in handles {
            let meta = handle.wait(Some(Duration::from_secs(5))).unwrap();
            sent.push((meta.partition, meta.offset, key, value));
        }
        producer.close(Duration::from_secs(5)).await.unwrap();
    }
    sent.sort();
    assert_eq!(sent.len(), 2000);
    assert_eq!(sent.iter().map(|s| s.0).collect::<std::collections::BTreeSet<_>>().len(), PARTITIONS as usize);

    // The official consumer reads exactly that.
    let official = official_client(&cluster.endpoint()).await;
    let mut seen = Vec::new();
    let mut official_timestamps = std::collections::HashMap::new();
    for partition in 0..PARTITIONS {
        let expected = sent.iter().filter(|s| s.0 == partition).count();
        let config = ConsumerConfigExtBuilder::default()
            .topic("ours".to_string())
            .partition(partition)
            .offset_start(TheirOffset::beginning())
            .build()
            .unwrap();
        let mut stream = official.consumer_with_config(config).await.unwrap();
        for _ in 0..expected {
            let r = tokio::time::timeout(Duration::from_secs(20), stream.next()).await.unwrap().unwrap().unwrap();
            official_timestamps.insert((r.partition(), r.offset()), r.timestamp());
            seen.push((r.partition(), r.offset(), r.key().map(<[u8]>::to_vec), r.value().to_vec()));
        }
    }
    seen.sort();
    assert_eq!(seen, sent);

    // Ours reads them too, across all partitions, with timestamps.
    let ours = read_ours(&client, "ours", &[0, 1, 2], Offset::beginning(), sent.len()).await;
    let ours_flat: Vec<_> = ours.iter().map(|r| (r.partition, r.offset, r.key.clone(), r.value.clone())).collect();
    assert_eq!(ours_flat, sent);
    let now = fluvio::producer::now_ms();
    assert!(ours.iter().all(|r| r.timestamp > now - 60_000 && r.timestamp <= now));
    // Both consumers see the timestamps our producer set.
    assert!(ours.iter().all(|r| official_timestamps[&(r.partition, r.offset)] == r.timestamp));

    // The official producer writes; ours reads; keyed records share partitions.
    let producer = official.topic_producer_with_config("theirs", TopicProducerConfigBuilder::default().build().unwrap()).await.unwrap();
    let mut theirs = Vec::new();
    for i in 0..300 {
        let key = format!("user-{}", i % 11);
        let output = producer.send(key.clone(), format!("v{i}")).await.unwrap();
        theirs.push((key, output));
    }
    let _ = producer.send(RecordKey::NULL, "no key").await.unwrap();
    producer.flush().await.unwrap();
    let ours_partitioner = fluvio::producer::SipHashRoundRobin::default();
    for (key, output) in theirs {
        let meta = output.wait().await.unwrap();
        use fluvio::producer::Partitioner;
        assert_eq!(meta.partition_id(), ours_partitioner.partition(Some(key.as_bytes()), b"", PARTITIONS), "key {key}");
    }
    let read = read_ours(&client, "theirs", &[0, 1, 2], Offset::beginning(), 301).await;
    assert_eq!(read.iter().filter(|r| r.key.is_none()).count(), 1);
    assert_eq!(read.len(), 301);

    // From the end: only what comes after.
    let tail = read_ours(&client, "ours", &[1], Offset::FromEnd(2), 2).await;
    let on_1: Vec<i64> = sent.iter().filter(|s| s.0 == 1).map(|s| s.1).collect();
    assert_eq!(tail.iter().map(|r| r.offset).collect::<Vec<_>>(), on_1[on_1.len() - 2..]);
    cluster.stop().await.unwrap();
}

/// `send_all` keeps each partition's order while it groups runs of records
/// for one partition, gives the records of one call one timestamp, and stops
/// at a record it refuses, having sent exactly those before it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_all_keeps_order_per_partition_and_stops_at_a_refused_record() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 1).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    client.create_topic("all", PARTITIONS, 1).await.unwrap();
    let config = ProducerConfig { linger: Duration::from_millis(5), max_request_size: 64 * 1024, ..ProducerConfig::default() };
    let producer = Producer::new(&client, "all", config).await.unwrap();

    // Keys in runs of 1 to 4 records (one partition per key), 300 records
    // per call: runs and call boundaries both cut through chunks.
    let key_of = |i: usize| format!("key-{}", (i / (1 + i % 4)) % 13).into_bytes();
    let records: Vec<(Vec<u8>, Vec<u8>)> = (0..900).map(|i| (key_of(i), format!("{i}").into_bytes())).collect();
    for call in records.chunks(300) {
        let (accepted, result) = producer.send_all(call.iter().map(|(k, v)| (Some(k.as_slice()), v.as_slice())));
        result.unwrap();
        assert_eq!(accepted, call.len());
    }
    // The record at 70 is too large: the 70 before it go, nothing after.
    let oversize = vec![b'x'; 65 * 1024];
    let refused: Vec<(Option<&[u8]>, &[u8])> =
        (0..100).map(|i| (None, if i == 70 { oversize.as_slice() } else { b"after".as_slice() })).collect();
    let (accepted, result) = producer.send_all(refused);
    assert!(matches!(result, Err(fluvio::client::ClientError::RecordTooLarge { .. })), "{result:?}");
    assert_eq!(accepted, 70);
    tokio::task::block_in_place(|| producer.flush(Duration::from_secs(20))).unwrap();
    producer.close(Duration::from_secs(5)).await.unwrap();

    let read = read_ours(&client, "all", &[0, 1, 2], Offset::beginning(), 970).await;
    let partitioner = fluvio::producer::SipHashRoundRobin::default();
    for partition in 0..PARTITIONS {
        use fluvio::producer::Partitioner;
        let expected: Vec<&[u8]> =
            records.iter().filter(|(k, v)| partitioner.partition(Some(k), v, PARTITIONS) == partition).map(|(_, v)| v.as_slice()).collect();
        let keyed: Vec<&[u8]> = read.iter().filter(|r| r.partition == partition && r.key.is_some()).map(|r| r.value.as_slice()).collect();
        assert_eq!(keyed, expected, "partition {partition}: keyed records in send order");
    }
    let mut timestamps_per_call = std::collections::BTreeMap::<usize, std::collections::BTreeSet<i64>>::new();
    for r in read.iter().filter(|r| r.key.is_some()) {
        let index: usize = std::str::from_utf8(&r.value).unwrap().parse().unwrap();
        timestamps_per_call.entry(index / 300).or_default().insert(r.timestamp);
    }
    assert!(timestamps_per_call.values().all(|t| t.len() == 1), "one timestamp per call: {timestamps_per_call:?}");
    assert_eq!(read.iter().filter(|r| r.key.is_none()).inspect(|r| assert_eq!(r.value, b"after")).count(), 70);
    // Nothing beyond: the records after the refused one were not sent.
    let partitions = client.list_partitions(Some("all")).await.unwrap();
    assert_eq!(partitions.iter().map(|p| p.metadata.status.leader.hw).sum::<i64>(), 970);
    cluster.stop().await.unwrap();
}

//! Named consumers that resume where they left off: our client's offset
//! management (manual and automatic) against the embedded cluster's stored
//! consumer offsets, with the official Rust client reading and writing the
//! same offsets, across a cluster restart.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use fluvio::client::{Client, ClientError, StoredConsumerOffset};
use fluvio::consumer::{ConsumerRecord, Offset, OffsetStrategy, RecordStream, StreamConfig};
use fluvio::local::{ClusterConfig, LocalCluster};
use fluvio::producer::{Producer, ProducerConfig};
use fluvio_official::consumer::{ConsumerConfigExtBuilder, ConsumerStream, OffsetManagementStrategy};
use futures_util::StreamExt;

use support::{official_client, start_cluster};

const WAIT: Duration = Duration::from_secs(20);

/// Sends `count` records "v0", "v1", … to `topic` (key-less, so they rotate
/// over the partitions) and waits for every acknowledgement.
async fn produce(client: &Client, topic: &str, count: usize) {
    let config = ProducerConfig { linger: Duration::from_millis(2), ..ProducerConfig::default() };
    let producer = Producer::new(client, topic, config).await.unwrap();
    let handles: Vec<_> = (0..count).map(|i| producer.send(None, format!("v{i}").as_bytes()).unwrap()).collect();
    tokio::task::block_in_place(|| producer.flush(WAIT)).unwrap();
    for handle in handles {
        handle.wait(Some(WAIT)).unwrap();
    }
    producer.close(WAIT).await.unwrap();
}

fn named(consumer_id: &str, strategy: OffsetStrategy) -> StreamConfig {
    StreamConfig { consumer_id: Some(consumer_id.into()), offset_strategy: strategy, ..StreamConfig::default() }
}

async fn take(stream: &mut RecordStream, count: usize) -> Vec<ConsumerRecord> {
    let mut records = Vec::with_capacity(count);
    while records.len() < count {
        let next = tokio::time::timeout(WAIT, stream.next())
            .await
            .unwrap_or_else(|_| panic!("timed out after {} of {count} records", records.len()));
        records.push(next.expect("stream ended").expect("record"));
    }
    records
}

/// Everything a non-continuous stream delivers before it ends.
async fn drain(mut stream: RecordStream) -> Vec<ConsumerRecord> {
    let mut records = Vec::new();
    while let Some(next) = tokio::time::timeout(WAIT, stream.next()).await.expect("a non-continuous stream ends by itself") {
        records.push(next.expect("record"));
    }
    assert!(!stream.failed());
    records
}

/// (partition, offset) of each record.
fn positions(records: &[ConsumerRecord]) -> Vec<(u32, i64)> {
    let mut positions: Vec<_> = records.iter().map(|r| (r.partition, r.offset)).collect();
    positions.sort();
    positions
}

/// The last offset per partition, as a consumer handing these out would commit.
fn last_per_partition(records: &[ConsumerRecord]) -> BTreeMap<u32, i64> {
    let mut last = BTreeMap::new();
    for r in records {
        let entry = last.entry(r.partition).or_insert(r.offset);
        *entry = (*entry).max(r.offset);
    }
    last
}

fn stored_of(offsets: &[StoredConsumerOffset], consumer_id: &str, topic: &str) -> BTreeMap<u32, i64> {
    offsets.iter().filter(|o| o.consumer_id == consumer_id && o.topic == topic).map(|o| (o.partition, o.offset)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manual_and_automatic_commits_resume_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 2).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    client.create_topic("events", 2, 1).await.unwrap();
    produce(&client, "events", 200).await;
    let all: Vec<u32> = vec![0, 1];

    // Manual: read half, commit, flush, stop.
    let mut stream = RecordStream::open(&client, "events", &all, Offset::beginning(), named("manual", OffsetStrategy::Manual), None)
        .await
        .unwrap();
    let first_half = take(&mut stream, 100).await;
    // Nothing is stored before a commit and a flush.
    stream.flush().await.unwrap();
    assert!(stored_of(&client.consumer_offsets(None, None).await.unwrap(), "manual", "events").is_empty());
    stream.commit().unwrap();
    stream.flush().await.unwrap();
    stream.close().await.unwrap();
    let stored = client.consumer_offsets(Some("manual"), None).await.unwrap();
    assert_eq!(stored_of(&stored, "manual", "events"), last_per_partition(&first_half));
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    assert!(stored.iter().all(|o| o.modified_time <= now && o.modified_time + 60 > now), "modified times are seconds: {stored:?}");

    // A new stream with the same id continues at the next record of each partition.
    let config = StreamConfig { continuous: false, ..named("manual", OffsetStrategy::Manual) };
    let second_half = drain(RecordStream::open(&client, "events", &all, Offset::beginning(), config, None).await.unwrap()).await;
    let mut together = positions(&first_half);
    together.extend(positions(&second_half));
    together.sort();
    let expected: Vec<(u32, i64)> = positions(&drain(
        RecordStream::open(&client, "events", &all, Offset::beginning(), StreamConfig { continuous: false, ..StreamConfig::default() }, None)
            .await
            .unwrap(),
    )
    .await);
    assert_eq!(expected.len(), 200);
    assert_eq!(together, expected, "no record lost or repeated across the resume");

    // Automatic: every record handed out is committed; closing flushes.
    let mut stream = RecordStream::open(&client, "events", &all, Offset::beginning(), named("auto", OffsetStrategy::Auto), None)
        .await
        .unwrap();
    let auto_read = take(&mut stream, 30).await;
    stream.close().await.unwrap();
    let partition = auto_read[0].partition;
    let stored = client.consumer_offsets(Some("auto"), Some(("events", partition))).await.unwrap();
    assert_eq!(stored.len(), 1, "filtered by consumer and partition: {stored:?}");
    assert_eq!(Some(&stored[0].offset), last_per_partition(&auto_read).get(&partition));

    // Automatic flushes also happen periodically while the stream is open.
    let config = StreamConfig { offset_flush: Duration::from_millis(20), ..named("auto", OffsetStrategy::Auto) };
    let mut stream = RecordStream::open(&client, "events", &all, Offset::beginning(), config, None).await.unwrap();
    let more = take(&mut stream, 40).await;
    let mut expected_auto = last_per_partition(&auto_read);
    expected_auto.extend(last_per_partition(&more));
    let deadline = tokio::time::Instant::now() + WAIT;
    while stored_of(&client.consumer_offsets(Some("auto"), None).await.unwrap(), "auto", "events") != expected_auto {
        assert!(tokio::time::Instant::now() < deadline, "the periodic flush never stored {expected_auto:?}");
        tokio::time::sleep(Duration::from_millis(10)).await; // polling the cluster's answer, not synchronizing
    }
    drop(stream);

    // Many commits: the store writes checkpoints; all of it survives a restart.
    let mut stream = RecordStream::open(&client, "events", &[1], Offset::beginning(), named("busy", OffsetStrategy::Manual), None)
        .await
        .unwrap();
    let mut busy_last = -1;
    for _ in 0..100 {
        busy_last = take(&mut stream, 1).await[0].offset;
        stream.commit().unwrap();
        stream.flush().await.unwrap();
    }
    drop(stream);
    let before: Vec<StoredConsumerOffset> = client.consumer_offsets(None, None).await.unwrap();
    assert_eq!(stored_of(&before, "busy", "events"), BTreeMap::from([(1, busy_last)]));
    drop(client);
    cluster.stop().await.unwrap();

    let cluster = start_cluster(dir.path(), 2).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    let after = client.consumer_offsets(None, None).await.unwrap();
    let key = |o: &StoredConsumerOffset| (o.consumer_id.clone(), o.topic.clone(), o.partition, o.offset, o.modified_time);
    assert_eq!(after.iter().map(key).collect::<Vec<_>>(), before.iter().map(key).collect::<Vec<_>>());
    let config = StreamConfig { continuous: false, ..named("manual", OffsetStrategy::None) };
    let resumed = drain(RecordStream::open(&client, "events", &all, Offset::beginning(), config, None).await.unwrap()).await;
    assert_eq!(positions(&resumed), positions(&second_half), "a consumer id alone resumes, even without a strategy");
    drop(client);
    cluster.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_client_and_ours_share_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 2).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    client.create_topic("shared", 1, 1).await.unwrap();
    produce(&client, "shared", 50).await;
    let official = official_client(&cluster.endpoint()).await;

    // Ours commits 20; the official client lists it and resumes at 20.
    let mut stream = RecordStream::open(&client, "shared", &[0], Offset::beginning(), named("ours", OffsetStrategy::Manual), None)
        .await
        .unwrap();
    assert_eq!(take(&mut stream, 20).await.last().unwrap().offset, 19);
    stream.commit().unwrap();
    stream.flush().await.unwrap();
    drop(stream);
    let theirs_see: Vec<_> = official.consumer_offsets().await.unwrap();
    let listed: Vec<_> = theirs_see.iter().map(|o| (o.consumer_id.as_str(), o.topic.as_str(), o.partition, o.offset)).collect();
    assert_eq!(listed, [("ours", "shared", 0, 19)]);
    let config = ConsumerConfigExtBuilder::default()
        .topic("shared")
        .partition(0)
        .offset_consumer("ours".to_string())
        .offset_start(fluvio_official::Offset::beginning())
        .offset_strategy(OffsetManagementStrategy::Manual)
        .build()
        .unwrap();
    let mut theirs = official.consumer_with_config(config).await.unwrap();
    let first = tokio::time::timeout(WAIT, theirs.next()).await.unwrap().unwrap().unwrap();
    assert_eq!(first.offset(), 20, "the official client resumes after our commit");

    // The official client commits 34 under its own id; ours lists and resumes it.
    for _ in 21..=34 {
        tokio::time::timeout(WAIT, theirs.next()).await.unwrap().unwrap().unwrap();
    }
    drop(theirs);
    let config = ConsumerConfigExtBuilder::default()
        .topic("shared")
        .partition(0)
        .offset_consumer("theirs".to_string())
        .offset_start(fluvio_official::Offset::absolute(10).unwrap())
        .offset_strategy(OffsetManagementStrategy::Manual)
        .build()
        .unwrap();
    let mut theirs = official.consumer_with_config(config).await.unwrap();
    let mut last = 0;
    while last < 34 {
        last = tokio::time::timeout(WAIT, theirs.next()).await.unwrap().unwrap().unwrap().offset();
    }
    theirs.offset_commit().await.unwrap();
    theirs.offset_flush().await.unwrap();
    drop(theirs);
    let stored = client.consumer_offsets(Some("theirs"), None).await.unwrap();
    assert_eq!(stored_of(&stored, "theirs", "shared"), BTreeMap::from([(0, 34)]));
    let config = StreamConfig { continuous: false, ..named("theirs", OffsetStrategy::Manual) };
    let rest = drain(RecordStream::open(&client, "shared", &[0], Offset::beginning(), config, None).await.unwrap()).await;
    assert_eq!(rest.iter().map(|r| r.offset).collect::<Vec<_>>(), (35..50).collect::<Vec<_>>());

    // Deleting: by us, seen by them; by them, seen by us.
    client.delete_consumer_offset("ours", "shared", 0).await.unwrap();
    official.delete_consumer_offset("theirs", ("shared", 0)).await.unwrap();
    assert!(official.consumer_offsets().await.unwrap().is_empty());
    assert!(client.consumer_offsets(None, None).await.unwrap().is_empty());
    // Deleting what is not stored is no error (as on the official SPU).
    client.delete_consumer_offset("nobody", "shared", 0).await.unwrap();
    let config = StreamConfig { continuous: false, ..named("ours", OffsetStrategy::Manual) };
    let again = drain(RecordStream::open(&client, "shared", &[0], Offset::beginning(), config, None).await.unwrap()).await;
    assert_eq!(again.len(), 50, "a deleted offset starts the consumer afresh");
    drop(client);
    cluster.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offsets_of_a_deleted_topic_go_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 1).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    client.create_topic("doomed", 1, 1).await.unwrap();
    client.create_topic("kept", 1, 1).await.unwrap();
    produce(&client, "doomed", 5).await;
    produce(&client, "kept", 5).await;
    for topic in ["doomed", "kept"] {
        let mut stream = RecordStream::open(&client, topic, &[0], Offset::beginning(), named("c", OffsetStrategy::Manual), None)
            .await
            .unwrap();
        take(&mut stream, 3).await;
        stream.commit().unwrap();
        stream.flush().await.unwrap();
    }
    assert_eq!(client.consumer_offsets(Some("c"), None).await.unwrap().len(), 2);
    client.delete_topic("doomed").await.unwrap();
    let left = client.consumer_offsets(Some("c"), None).await.unwrap();
    assert_eq!(left.iter().map(|o| (o.topic.as_str(), o.offset)).collect::<Vec<_>>(), [("kept", 2)]);
    // Re-created, the topic starts with no stored offsets.
    client.create_topic("doomed", 1, 1).await.unwrap();
    assert_eq!(client.consumer_offsets(Some("c"), Some(("doomed", 0))).await.unwrap(), []);
    drop(client);
    cluster.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_continuous_streams_end_and_misuse_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = ClusterConfig::new(dir.path());
    config.spus = 1;
    let cluster = LocalCluster::start(config).await.unwrap();
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    client.create_topic("finite", 3, 1).await.unwrap();

    // An empty topic: the stream ends at once.
    let config = StreamConfig { continuous: false, ..StreamConfig::default() };
    assert!(drain(RecordStream::open(&client, "finite", &[0, 1, 2], Offset::beginning(), config.clone(), None).await.unwrap()).await.is_empty());

    // Records produced after the stream opened are not part of it.
    produce(&client, "finite", 30).await;
    let stream = RecordStream::open(&client, "finite", &[0, 1, 2], Offset::FromEnd(4), config.clone(), None).await.unwrap();
    produce(&client, "finite", 30).await;
    let got = drain(stream).await;
    assert_eq!(got.len(), 12, "the last 4 of each of 3 partitions: {:?}", positions(&got));
    assert!(got.iter().all(|r| r.offset >= 6 && r.offset < 10));

    // Misuse.
    let no_id = StreamConfig { offset_strategy: OffsetStrategy::Manual, ..StreamConfig::default() };
    let refused = RecordStream::open(&client, "finite", &[0], Offset::beginning(), no_id, None).await;
    assert!(matches!(refused, Err(ClientError::InvalidArgument(_))));
    let empty_id = named("", OffsetStrategy::Manual);
    assert!(matches!(RecordStream::open(&client, "finite", &[0], Offset::beginning(), empty_id, None).await, Err(ClientError::InvalidArgument(_))));
    let twice = RecordStream::open(&client, "finite", &[0, 0], Offset::beginning(), StreamConfig::default(), None).await;
    assert!(matches!(twice, Err(ClientError::InvalidArgument(_))));
    let plain = RecordStream::open(&client, "finite", &[0], Offset::beginning(), StreamConfig::default(), None).await.unwrap();
    assert!(matches!(plain.commit(), Err(ClientError::InvalidArgument(_))));
    assert!(matches!(plain.flush().await, Err(ClientError::InvalidArgument(_))));
    assert!(client.delete_consumer_offset("", "finite", 0).await.is_err());
    drop(plain);
    drop(client);
    cluster.stop().await.unwrap();
}

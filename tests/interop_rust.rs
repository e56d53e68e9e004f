//! The official Rust client (`fluvio` 0.50.1) against the embedded cluster:
//! 2 SPUs, a 3-partition topic; admin, produce with every codec, consume
//! from every kind of offset, live tailing, restart, and kill -9.

mod support;

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fluvio_official::metadata::topic::TopicSpec;
use fluvio_official::{Compression, Fluvio, Offset, RecordKey, TopicProducerConfigBuilder};

use support::{official_client, official_consume, official_produce, start_cluster, ServerProcess, Seen};

const PARTITIONS: u32 = 3;

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

async fn create_topic(fluvio: &Fluvio, name: &str, partitions: u32) {
    let admin = fluvio.admin().await;
    admin.create(name.to_string(), false, TopicSpec::new_computed(partitions, 1, None)).await.expect("create topic");
}

/// Produces `count` records (every other one keyed) with `codec`; returns
/// what each should look like, with the partition and offset the cluster
/// acknowledged.
async fn produce(fluvio: &Fluvio, topic: &str, codec: Compression, count: usize, tag: &str) -> Vec<Seen> {
    let records = (0..count).map(|i| {
        let key = (i % 2 == 0).then(|| format!("key-{}", i % 17).into_bytes());
        (key, format!("{tag}-{i}-{}", "x".repeat(i % 50)).into_bytes())
    });
    official_produce(fluvio, topic, codec, records).await
}

fn by_partition(records: &[Seen]) -> BTreeMap<u32, Vec<Seen>> {
    let mut map: BTreeMap<u32, Vec<Seen>> = BTreeMap::new();
    for r in records {
        map.entry(r.partition).or_default().push(r.clone());
    }
    for list in map.values_mut() {
        list.sort_by_key(|r| r.offset);
    }
    map
}

/// Every produced record is read back with its key, value, partition and
/// offset, and a timestamp from when it was produced.
fn assert_same_records(expected: &[Seen], seen: &[Seen], produced_after: i64) {
    assert_eq!(seen.len(), expected.len());
    for (e, s) in expected.iter().zip(seen) {
        assert_eq!((s.partition, s.offset, &s.key, &s.value), (e.partition, e.offset, &e.key, &e.value));
        assert!(s.timestamp >= produced_after && s.timestamp <= now_ms(), "timestamp {} out of range", s.timestamp);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_create_list_delete() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 2).await;
    let fluvio = official_client(&cluster.endpoint()).await;
    let admin = fluvio.admin().await;

    admin.create("alpha".to_string(), false, TopicSpec::new_computed(3, 1, None)).await.unwrap();
    admin.create("beta".to_string(), false, TopicSpec::new_computed(1, 1, None)).await.unwrap();
    let duplicate = admin.create("alpha".to_string(), false, TopicSpec::new_computed(1, 1, None)).await;
    assert!(duplicate.unwrap_err().to_string().contains("already exists"));
    let invalid = admin.create("Not_Valid".to_string(), false, TopicSpec::new_computed(1, 1, None)).await;
    assert!(invalid.is_err());

    let mut names: Vec<_> = admin.all::<TopicSpec>().await.unwrap().into_iter().map(|t| t.name).collect();
    names.sort();
    assert_eq!(names, ["alpha", "beta"]);
    let alpha = admin.list::<TopicSpec, String>(vec!["alp".into()]).await.unwrap();
    assert_eq!(alpha.len(), 1);
    assert_eq!(alpha[0].spec.partitions(), 3);
    let partitions = admin.all::<fluvio_official::metadata::partition::PartitionSpec>().await.unwrap();
    let leaders: std::collections::BTreeSet<i32> =
        partitions.iter().filter(|p| p.name.starts_with("alpha-")).map(|p| p.spec.leader).collect();
    assert_eq!(leaders.len(), 2, "leaders are spread over both SPUs");

    admin.delete::<TopicSpec>("beta").await.unwrap();
    assert!(admin.delete::<TopicSpec>("beta").await.is_err());
    let names: Vec<_> = admin.all::<TopicSpec>().await.unwrap().into_iter().map(|t| t.name).collect();
    assert_eq!(names, ["alpha"]);
    cluster.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn produce_every_codec_and_consume_from_every_offset_then_restart() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 2).await;
    let fluvio = official_client(&cluster.endpoint()).await;
    create_topic(&fluvio, "events", PARTITIONS).await;

    let started = now_ms();
    let mut expected = Vec::new();
    for codec in [Compression::None, Compression::Gzip, Compression::Snappy, Compression::Lz4, Compression::Zstd] {
        expected.extend(produce(&fluvio, "events", codec, 2_000, &format!("{codec:?}")).await);
    }
    assert_eq!(expected.len(), 10_000);
    let expected = by_partition(&expected);
    assert_eq!(expected.len(), PARTITIONS as usize, "records land on every partition");

    for (partition, records) in &expected {
        let n = records.len();
        let all = official_consume(&fluvio, "events", *partition, Offset::beginning(), n).await;
        assert_same_records(records, &all, started);
        // Offsets are dense from 0.
        assert!(all.iter().enumerate().all(|(i, r)| r.offset == i as i64));

        let from_absolute = official_consume(&fluvio, "events", *partition, Offset::absolute(100).unwrap(), n - 100).await;
        assert_same_records(&records[100..], &from_absolute, started);
        let from_end = official_consume(&fluvio, "events", *partition, Offset::from_end(10), 10).await;
        assert_same_records(&records[n - 10..], &from_end, started);
        let from_beginning = official_consume(&fluvio, "events", *partition, Offset::from_beginning(n as u32 - 5), 5).await;
        assert_same_records(&records[n - 5..], &from_beginning, started);
    }

    // A live consumer at the end gets what is produced after it started.
    let partition = 0;
    let tail = {
        let fluvio = official_client(&cluster.endpoint()).await;
        tokio::spawn(async move { official_consume(&fluvio, "events", partition, Offset::end(), 3).await })
    };
    // The official client offers no signal that its stream is open, so keep
    // producing small rounds until the live consumer has its three records.
    for round in 0..500 {
        if tail.is_finished() {
            break;
        }
        produce(&fluvio, "events", Compression::None, 6, &format!("live{round}")).await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(tail.is_finished(), "the live consumer received nothing produced after it started");
    let got = tail.await.unwrap();
    assert!(got.iter().all(|r| r.value.starts_with(b"live")), "the live consumer sees only new records");

    // Stop and restart on the same data: everything is still there.
    drop(fluvio);
    cluster.stop().await.unwrap();
    let cluster = start_cluster(dir.path(), 2).await;
    let fluvio = official_client(&cluster.endpoint()).await;
    for (partition, records) in &expected {
        let all = official_consume(&fluvio, "events", *partition, Offset::beginning(), records.len()).await;
        assert_same_records(records, &all, started);
    }
    cluster.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_records_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), &["--spus", "2", "--topic", "durable:3"]);
    let fluvio = official_client(&server.endpoint).await;
    let config = TopicProducerConfigBuilder::default().linger(Duration::from_millis(1)).build().unwrap();
    let producer = fluvio.topic_producer_with_config("durable", config).await.unwrap();

    // Produce in acknowledged rounds, then kill the server while more are in flight.
    let mut acknowledged = Vec::new();
    for round in 0..25 {
        let mut in_flight = Vec::new();
        for i in 0..100 {
            let value = format!("durable-{round}-{i}");
            in_flight.push((value.clone(), producer.send(RecordKey::NULL, value).await.unwrap()));
        }
        producer.flush().await.unwrap();
        for (value, output) in in_flight {
            let metadata = output.wait().await.unwrap();
            acknowledged.push((metadata.partition_id(), metadata.offset(), value));
        }
    }
    for i in 0..500 {
        let _unacknowledged = producer.send(RecordKey::NULL, format!("in-flight-{i}")).await;
    }
    server.kill_9();
    drop(producer);
    drop(fluvio);

    let server = ServerProcess::start(dir.path(), &["--spus", "2"]);
    let fluvio = official_client(&server.endpoint).await;
    for partition in 0..PARTITIONS {
        let expected: Vec<_> = acknowledged.iter().filter(|(p, _, _)| *p == partition).collect();
        let seen = official_consume(&fluvio, "durable", partition, Offset::beginning(), expected.len()).await;
        for ((_, offset, value), record) in expected.iter().zip(&seen) {
            assert_eq!((record.offset, record.value.as_slice()), (*offset, value.as_bytes()));
        }
    }
    assert!(server.terminate().success());
}

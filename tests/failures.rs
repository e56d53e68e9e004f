//! Riding through failures, with the embedded cluster injecting them (as
//! librdkafka's mock cluster does): an SPU restart, a leader moving, every
//! connection dropped, the whole cluster killed with -9 and restarted,
//! produce requests failing or answered late, an unreachable cluster, an SC
//! that leaves a request unanswered, a replication factor it cannot meet.
//! Every test counts records exactly; recovery times go to stderr.

mod support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use fluvio::client::{Client, ClientConfig, ClientError};
use fluvio::consumer::{ConsumerRecord, Offset, RecordStream, StreamConfig};
use fluvio::local::LocalCluster;
use fluvio::producer::{DeliveryHandle, DeliverySemantic, Producer, ProducerConfig, RetryPolicy};
use fluvio::protocol::ErrorCode;

use support::{start_cluster, ServerProcess};

const WAIT: Duration = Duration::from_secs(30);

/// At-least-once with room for an outage of a few seconds.
fn patient() -> ProducerConfig {
    ProducerConfig {
        linger: Duration::from_millis(2),
        delivery: DeliverySemantic::AtLeastOnce(RetryPolicy {
            max_retries: 100,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(200),
            timeout: Duration::from_secs(30),
        }),
        ..ProducerConfig::default()
    }
}

fn value_of(i: usize) -> Vec<u8> {
    format!("{i:08}").into_bytes()
}

fn index_of(record: &ConsumerRecord) -> usize {
    std::str::from_utf8(&record.value).unwrap().parse().unwrap()
}

/// Sends records `range` (values are their indexes) from a blocking thread;
/// `at` (an index in the range) runs `fault` once that many were sent.
fn send_range(producer: &Producer, range: std::ops::Range<usize>, mut fault: Option<(usize, &mut dyn FnMut())>) -> Vec<DeliveryHandle> {
    tokio::task::block_in_place(|| {
        let mut handles = Vec::with_capacity(range.len());
        for i in range {
            if let Some((at, f)) = fault.as_mut() {
                if i == *at {
                    f();
                }
            }
            handles.push(producer.send(None, &value_of(i)).unwrap());
        }
        handles
    })
}

/// Everything the partitions hold now, read by a fresh non-continuous stream.
async fn read_all(client: &Client, topic: &str, partitions: &[u32]) -> Vec<ConsumerRecord> {
    let config = StreamConfig { continuous: false, ..StreamConfig::default() };
    let mut stream = RecordStream::open(client, topic, partitions, Offset::beginning(), config, None).await.unwrap();
    let mut records = Vec::new();
    while let Some(next) = tokio::time::timeout(WAIT, stream.next()).await.expect("a finite stream ends") {
        records.push(next.unwrap());
    }
    records
}

/// Checks that every index below `count` is stored, that each partition
/// holds the first occurrences in increasing order (retries keep order),
/// and returns how many records were stored twice.
fn check_stored(records: &[ConsumerRecord], count: usize) -> usize {
    let mut by_partition: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for r in records {
        by_partition.entry(r.partition).or_default().push(index_of(r));
    }
    let mut seen = vec![false; count];
    let mut duplicates = 0;
    for (partition, indexes) in &by_partition {
        let mut last_first = None;
        for &i in indexes {
            if seen[i] {
                duplicates += 1;
                continue;
            }
            seen[i] = true;
            assert!(last_first < Some(i), "partition {partition}: record {i} stored after {last_first:?}");
            last_first = Some(i);
        }
    }
    let missing: Vec<usize> = (0..count).filter(|&i| !seen[i]).collect();
    assert!(missing.is_empty(), "{} acknowledged records missing, e.g. {:?}", missing.len(), &missing[..missing.len().min(10)]);
    duplicates
}

/// Reads `count` records from `stream` and checks they are each partition's
/// offsets `from[partition]..` exactly once, in order: no gap, no repeat.
async fn take_in_order(stream: &mut RecordStream, count: usize, next_offset: &mut BTreeMap<u32, i64>) -> Vec<ConsumerRecord> {
    let mut records = Vec::with_capacity(count);
    while records.len() < count {
        let record = tokio::time::timeout(WAIT, stream.next())
            .await
            .unwrap_or_else(|_| panic!("stalled after {} of {count} records", records.len()))
            .expect("stream ended")
            .expect("record");
        let expected = next_offset.entry(record.partition).or_insert(0);
        assert_eq!(record.offset, *expected, "partition {}: a gap or a repeat", record.partition);
        *expected += 1;
        records.push(record);
    }
    records
}

/// `values` must be exactly `0..count` in order; names the first difference.
fn assert_exactly_in_order(values: &[usize], count: usize) {
    if let Some(at) = (0..count.min(values.len())).find(|&i| values[i] != i) {
        panic!("record {at} is {} (around it: {:?})", values[at], &values[at.saturating_sub(3)..(at + 3).min(values.len())]);
    }
    assert_eq!(values.len(), count, "records missing or extra");
}

/// Waits until the client's SC connection is back (polling its state).
async fn wait_connected(client: &Client) {
    let deadline = Instant::now() + WAIT;
    while !client.is_connected() {
        assert!(Instant::now() < deadline, "the SC connection was not re-established");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn all_delivered(handles: Vec<DeliveryHandle>) {
    for (i, handle) in handles.into_iter().enumerate() {
        handle.wait(Some(WAIT)).unwrap_or_else(|e| panic!("record {i} not delivered: {e}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_spu_restart_loses_no_acknowledged_record() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 2).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    client.create_topic("restart", 2, 1).await.unwrap();
    let producer = Producer::new(&client, "restart", patient()).await.unwrap();
    const COUNT: usize = 100_000;
    let spu = cluster.leader_of("restart", 1).unwrap();
    let mut stopped_at = None;
    let mut fault = || {
        cluster.stop_spu(spu);
        stopped_at = Some(Instant::now());
    };
    let mut handles = send_range(&producer, 0..COUNT / 2, Some((COUNT / 4, &mut fault)));
    // The SPU stays away for a while (the fault's length, not a wait for a condition).
    tokio::time::sleep(Duration::from_millis(300)).await;
    cluster.start_spu(spu);
    let restarted = Instant::now();
    handles.extend(send_range(&producer, COUNT / 2..COUNT, None));
    tokio::task::block_in_place(|| producer.flush(WAIT)).unwrap();
    eprintln!("SPU restart: all {COUNT} acknowledged {:?} after the SPU came back", restarted.elapsed());
    assert!(stopped_at.is_some());
    all_delivered(handles);
    producer.close(WAIT).await.unwrap();

    let stored = read_all(&client, "restart", &[0, 1]).await;
    let duplicates = check_stored(&stored, COUNT);
    eprintln!("SPU restart: {} records stored, {duplicates} duplicates from retries after lost acknowledgements", stored.len());
    assert_eq!(stored.len(), COUNT + duplicates);
    drop(client);
    cluster.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn producer_and_consumer_follow_a_moving_leader() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 2).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    client.create_topic("moving", 1, 1).await.unwrap();
    let first = cluster.leader_of("moving", 0).unwrap();
    let other = if first == fluvio::local::FIRST_SPU_ID { first + 1 } else { fluvio::local::FIRST_SPU_ID };
    let mut stream = RecordStream::open(&client, "moving", &[0], Offset::beginning(), StreamConfig::default(), None).await.unwrap();
    let producer = Producer::new(&client, "moving", patient()).await.unwrap();
    const COUNT: usize = 20_000;
    let mut next_offset = BTreeMap::new();

    // Moved while producing; the consumer is mid-stream too.
    let mut fault = || cluster.move_leader("moving", 0, other).unwrap();
    let handles = send_range(&producer, 0..COUNT / 2, Some((COUNT / 4, &mut fault)));
    let consumed = take_in_order(&mut stream, COUNT / 4, &mut next_offset).await;
    // Moved back while consuming.
    let moved = Instant::now();
    cluster.move_leader("moving", 0, first).unwrap();
    let mut consumed_rest = take_in_order(&mut stream, COUNT / 4, &mut next_offset).await;
    eprintln!("leader move: the consumer went on {:?} after the move", moved.elapsed());
    let more = send_range(&producer, COUNT / 2..COUNT, None);
    tokio::task::block_in_place(|| producer.flush(WAIT)).unwrap();
    all_delivered(handles);
    all_delivered(more);
    consumed_rest.extend(take_in_order(&mut stream, COUNT / 2, &mut next_offset).await);
    // NotLeaderForPartition appends nothing: exactly one copy of each, in order.
    let values: Vec<usize> = consumed.iter().chain(&consumed_rest).map(index_of).collect();
    assert_exactly_in_order(&values, COUNT);
    assert_eq!(cluster.leader_of("moving", 0), Some(first));
    producer.close(WAIT).await.unwrap();
    drop((stream, client));
    cluster.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_and_the_metadata_survive_dropped_connections() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 2).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    client.create_topic("dropped", 2, 1).await.unwrap();
    let producer = Producer::new(&client, "dropped", patient()).await.unwrap();
    const COUNT: usize = 50_000;
    let handles = send_range(&producer, 0..COUNT, None);
    tokio::task::block_in_place(|| producer.flush(WAIT)).unwrap();
    all_delivered(handles);

    let mut stream = RecordStream::open(&client, "dropped", &[0, 1], Offset::beginning(), StreamConfig::default(), None).await.unwrap();
    let mut next_offset = BTreeMap::new();
    let mut got = take_in_order(&mut stream, 10_000, &mut next_offset).await;
    cluster.drop_connections();
    let dropped = Instant::now();
    got.extend(take_in_order(&mut stream, 20_000, &mut next_offset).await);
    eprintln!("dropped connections: 20,000 more records {:?} after the drop", dropped.elapsed());
    cluster.drop_connections();
    got.extend(take_in_order(&mut stream, COUNT - 30_000, &mut next_offset).await);
    let mut values: Vec<usize> = got.iter().map(index_of).collect();
    values.sort_unstable();
    assert_exactly_in_order(&values, COUNT);

    // The SC connection came back and the metadata follows changes again.
    wait_connected(&client).await;
    client.create_topic("after-the-drop", 1, 1).await.unwrap(); // returns once the watch announced it
    let producer2 = Producer::new(&client, "after-the-drop", patient()).await.unwrap();
    producer2.send(None, b"still here").unwrap();
    tokio::task::block_in_place(|| producer2.flush(WAIT)).unwrap();
    producer2.close(WAIT).await.unwrap();
    producer.close(WAIT).await.unwrap();
    drop((stream, client));
    cluster.stop().await.unwrap();
}

/// A port free right now on 127.0.0.1.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_rides_through_a_cluster_killed_and_restarted() {
    let dir = tempfile::tempdir().unwrap();
    let ports = [free_port(), free_port(), free_port()];
    let spu_ports = format!("{},{}", ports[1], ports[2]);
    let args = ["--spus", "2", "--port", &ports[0].to_string(), "--spu-ports", &spu_ports, "--topic", "phoenix:2"];
    let server = ServerProcess::start(dir.path(), &args);
    let client = Client::connect(&server.endpoint).await.unwrap();
    let producer = Producer::new(&client, "phoenix", patient()).await.unwrap();
    let config = StreamConfig { reconnect_timeout: WAIT, ..StreamConfig::default() };
    let mut stream = RecordStream::open(&client, "phoenix", &[0, 1], Offset::beginning(), config, None).await.unwrap();
    let mut next_offset = BTreeMap::new();
    const HALF: usize = 5_000;
    let handles = send_range(&producer, 0..HALF, None);
    tokio::task::block_in_place(|| producer.flush(WAIT)).unwrap();
    all_delivered(handles);
    let got = take_in_order(&mut stream, HALF, &mut next_offset).await;

    server.kill_9();
    let killed = Instant::now();
    // Sent while the cluster is gone: queued and retried.
    let handles = send_range(&producer, HALF..HALF + 100, None);
    let server = ServerProcess::start(dir.path(), &args);
    let restarted = Instant::now();
    let mut handles_after = send_range(&producer, HALF + 100..2 * HALF, None);
    tokio::task::block_in_place(|| producer.flush(WAIT)).unwrap();
    eprintln!(
        "kill -9: down for {:?}; everything sent acknowledged {:?} after the restart",
        restarted - killed,
        restarted.elapsed()
    );
    handles_after.splice(0..0, handles);
    all_delivered(handles_after);
    // Offsets without gap or repeat; every value, a few maybe twice (a
    // retry after an acknowledgement lost with the process).
    let mut seen: std::collections::HashSet<usize> = got.iter().map(index_of).collect();
    let mut duplicates = 0;
    while seen.len() < 2 * HALF {
        let record = take_in_order(&mut stream, 1, &mut next_offset).await.remove(0);
        if !seen.insert(index_of(&record)) {
            duplicates += 1;
        }
    }
    eprintln!("kill -9: the stream delivered the rest {:?} after the restart; {duplicates} duplicates", restarted.elapsed());
    assert!(seen.iter().all(|&i| i < 2 * HALF));
    let down = Instant::now();
    wait_connected(&client).await;
    eprintln!("kill -9: SC connection back {:?} after the restart", restarted.elapsed());
    assert!(down.elapsed() < WAIT);
    assert_eq!(client.list_topics().await.unwrap().len(), 1);
    producer.close(WAIT).await.unwrap();
    drop((stream, client));
    assert!(server.terminate().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_produce_failures_at_most_and_at_least_once() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 1).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    client.create_topic("injected", 1, 1).await.unwrap();
    // One batch per record, one request at a time: the failures hit exactly
    // the first three records.
    let one_by_one = |delivery| ProducerConfig { linger: Duration::ZERO, max_in_flight: 1, delivery, ..ProducerConfig::default() };

    // At-most-once: the three are lost, reported, and nothing waits.
    let producer = Producer::new(&client, "injected", one_by_one(DeliverySemantic::AtMostOnce)).await.unwrap();
    cluster.fail_next_produces(3, ErrorCode::NotLeaderForPartition);
    let started = Instant::now();
    let mut outcomes = Vec::new();
    for i in 0..10 {
        let handle = producer.send(None, &value_of(i)).unwrap();
        outcomes.push(tokio::task::block_in_place(|| handle.wait(Some(WAIT))));
    }
    let flushed = tokio::task::block_in_place(|| producer.flush(WAIT));
    assert!(started.elapsed() < Duration::from_secs(5), "at-most-once waited {:?}", started.elapsed());
    assert!(matches!(flushed, Err(ClientError::Server { code: ErrorCode::NotLeaderForPartition, .. })), "{flushed:?}");
    let lost: Vec<usize> = outcomes.iter().enumerate().filter(|(_, o)| o.is_err()).map(|(i, _)| i).collect();
    assert_eq!(lost, [0, 1, 2]);
    producer.close(WAIT).await.unwrap();
    let stored: Vec<usize> = read_all(&client, "injected", &[0]).await.iter().map(index_of).collect();
    assert_eq!(stored, (3..10).collect::<Vec<_>>()); // short: printing it is fine

    // At-least-once: the same failures are retried; nothing lost, nothing twice, in order.
    let producer = Producer::new(&client, "injected", one_by_one(DeliverySemantic::default())).await.unwrap();
    cluster.fail_next_produces(3, ErrorCode::NotLeaderForPartition);
    let handles = send_range(&producer, 10..20, None);
    tokio::task::block_in_place(|| producer.flush(WAIT)).unwrap();
    all_delivered(handles);
    // A non-retriable error fails at once, whatever the semantic.
    cluster.fail_next_produces(1, ErrorCode::MessageTooLarge);
    let handle = producer.send(None, &value_of(20)).unwrap();
    let refused = tokio::task::block_in_place(|| handle.wait(Some(WAIT)));
    assert!(matches!(refused, Err(ClientError::Server { code: ErrorCode::MessageTooLarge, .. })), "{refused:?}");
    let _ = tokio::task::block_in_place(|| producer.flush(WAIT));
    producer.close(WAIT).await.unwrap();
    let stored: Vec<usize> = read_all(&client, "injected", &[0]).await.iter().map(index_of).collect();
    assert_eq!(stored, (3..20).collect::<Vec<_>>());

    // One request in flight fails while newer batches wait for it (its
    // answer comes late, so they do): they go after its retry, not before.
    let producer = Producer::new(&client, "injected", one_by_one(DeliverySemantic::default())).await.unwrap();
    cluster.set_produce_delay(Duration::from_millis(200));
    cluster.fail_next_produces(1, ErrorCode::NotLeaderForPartition);
    let mut handles = send_range(&producer, 21..22, None);
    let in_flight = || client.stats().requests_in_flight.load(std::sync::atomic::Ordering::Relaxed);
    let deadline = Instant::now() + WAIT;
    while in_flight() == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    assert_eq!(in_flight(), 1, "the first record's request is in flight");
    handles.extend(send_range(&producer, 22..31, None));
    tokio::task::block_in_place(|| producer.flush(WAIT)).unwrap();
    cluster.set_produce_delay(Duration::ZERO);
    all_delivered(handles);
    producer.close(WAIT).await.unwrap();
    let stored: Vec<usize> = read_all(&client, "injected", &[0]).await.iter().map(index_of).collect();
    assert_eq!(stored, (3..20).chain(21..31).collect::<Vec<_>>());

    // Answers that come too late: the request times out and is retried,
    // then the policy's timeout ends it with a timeout status; no hang.
    cluster.set_produce_delay(Duration::from_secs(2));
    let impatient = ProducerConfig {
        request_timeout: Duration::from_millis(200),
        delivery: DeliverySemantic::AtLeastOnce(RetryPolicy { timeout: Duration::from_millis(500), ..RetryPolicy::default() }),
        ..one_by_one(DeliverySemantic::AtMostOnce)
    };
    let producer = Producer::new(&client, "injected", impatient).await.unwrap();
    let started = Instant::now();
    let handle = producer.send(None, b"late").unwrap();
    let late = tokio::task::block_in_place(|| handle.wait(Some(WAIT)));
    assert!(matches!(late, Err(ClientError::Timeout(_))), "{late:?}");
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    cluster.set_produce_delay(Duration::ZERO);
    let _ = tokio::task::block_in_place(|| producer.flush(WAIT));
    producer.close(WAIT).await.unwrap();
    drop(client);
    cluster.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_cluster_fills_the_queue_not_the_memory() {
    let dir = tempfile::tempdir().unwrap();
    let cluster: LocalCluster = start_cluster(dir.path(), 1).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    client.create_topic("nowhere", 1, 1).await.unwrap();
    let spu = cluster.leader_of("nowhere", 0).unwrap();
    cluster.stop_spu(spu);
    // ~10 records a batch, 4 batches may wait, 5 requests in flight.
    let config = ProducerConfig {
        batch_size: 1024,
        batch_queue_size: 4,
        block_when_full: false,
        linger: Duration::from_millis(1),
        ..patient()
    };
    let producer = Producer::new(&client, "nowhere", config.clone()).await.unwrap();
    let mut accepted = 0;
    let full = tokio::task::block_in_place(|| loop {
        match producer.send(None, &[b'x'; 90]) {
            Ok(_) => accepted += 1,
            Err(e) => break e,
            // Bounded by the loop below: the queue must fill long before.
        }
        assert!(accepted < 10_000, "the producer kept accepting records while the cluster was unreachable");
    });
    assert!(matches!(full, ClientError::QueueFull), "{full:?}");
    // Waiting senders give up after the queue timeout instead of hanging.
    let waiting = Producer::new(&client, "nowhere", ProducerConfig { block_when_full: true, queue_timeout: Duration::from_millis(200), ..config })
        .await
        .unwrap();
    let timed_out = tokio::task::block_in_place(|| loop {
        if let Err(e) = waiting.send(None, &[b'y'; 90]) {
            break e;
        }
    });
    assert!(matches!(timed_out, ClientError::Timeout(_)), "{timed_out:?}");
    eprintln!("unreachable cluster: {accepted} records of 90 bytes accepted before QueueFull");
    assert!(accepted < 500, "{accepted} records held for an unreachable cluster");
    cluster.start_spu(spu);
    tokio::task::block_in_place(|| producer.flush(WAIT)).unwrap();
    tokio::task::block_in_place(|| waiting.flush(WAIT)).unwrap();
    let stored = read_all(&client, "nowhere", &[0]).await;
    eprintln!("unreachable cluster: {} records stored once it came back", stored.len());
    assert!(stored.len() >= accepted);
    producer.close(WAIT).await.unwrap();
    waiting.close(WAIT).await.unwrap();
    drop(client);
    cluster.stop().await.unwrap();
}



#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replication_factor_above_the_spu_count_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 2).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    // The real SC would take it and answer only after 90 s.
    let refused = client.create_topic("too-replicated", 1, 3).await.unwrap_err();
    assert!(matches!(&refused, ClientError::InvalidArgument(m) if m.contains("replication factor 3") && m.contains("has 2")), "{refused:?}");
    assert!(client.list_topics().await.unwrap().is_empty(), "nothing was created");
    client.create_topic("replicated", 1, 2).await.unwrap();
    drop(client);
    cluster.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_the_sc_never_answers_does_not_stall_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 1).await;
    let config = ClientConfig { request_timeout: Duration::from_secs(1), ..ClientConfig::new(cluster.endpoint()) };
    let client = Client::connect_with(&config).await.unwrap();
    // As the real SC with a topic it cannot provision: no answer, and the
    // connection is served no more.
    cluster.stall_next_creates(1);
    let stalled = client.create_topic("stalled", 1, 1).await.unwrap_err();
    assert!(matches!(stalled, ClientError::Timeout(_)), "{stalled:?}");
    // On the same client, the next request goes through a new connection.
    let started = Instant::now();
    client.create_topic("next", 1, 1).await.unwrap();
    let names: Vec<String> = client.list_topics().await.unwrap().into_iter().map(|t| t.name).collect();
    assert_eq!(names, ["next"]);
    eprintln!("stalled SC connection: the next create took {:?}", started.elapsed());
    // The metadata watches moved to the new connection too.
    let producer = Producer::new(&client, "next", ProducerConfig { linger: Duration::ZERO, ..ProducerConfig::default() }).await.unwrap();
    tokio::task::block_in_place(|| producer.send(None, b"after the stall").unwrap().wait(Some(WAIT))).unwrap();
    producer.close(WAIT).await.unwrap();
    drop(client);
    cluster.stop().await.unwrap();
}

/// Until the client's metadata names `spu` as the leader of `topic`-0.
async fn await_leader(client: &Client, topic: &str, spu: i32) {
    let key = format!("{topic}-0");
    let mut updates = client.metadata().partitions.subscribe();
    let deadline = Instant::now() + WAIT;
    while client.metadata().partitions.get(&key).map(|p| p.spec.leader) != Some(spu) {
        assert!(Instant::now() < deadline, "{key} never led by {spu}");
        let _ = tokio::time::timeout(Duration::from_millis(100), updates.changed()).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_spu_stalls_only_the_callers_that_need_it() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 2).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    for (topic, spu) in [("dark", 5001), ("lit", 5002)] {
        client.create_topic(topic, 1, 1).await.unwrap();
        cluster.move_leader(topic, 0, spu).unwrap();
        await_leader(&client, topic, spu).await;
    }
    // SPU 5001 takes connections and never answers: connecting to it waits
    // out the connect timeout (15 s).
    cluster.silence_spu(5001, true);
    let dark = tokio::spawn({
        let client = client.clone();
        async move { client.leader("dark", 0).await.map(|_| ()) }
    });
    let deadline = Instant::now() + WAIT;
    while cluster.silenced_connections(5001) == 0 {
        assert!(Instant::now() < deadline, "the client never connected to the silent SPU");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    // Meanwhile the other SPU serves at once.
    let started = Instant::now();
    let producer = Producer::new(&client, "lit", ProducerConfig { linger: Duration::ZERO, ..ProducerConfig::default() }).await.unwrap();
    let handle = producer.send(None, b"lit").unwrap();
    tokio::task::block_in_place(|| producer.flush(WAIT)).unwrap();
    let served_in = started.elapsed();
    eprintln!("produced to the other SPU in {served_in:?} while a connect waited");
    assert!(tokio::task::block_in_place(|| handle.wait(Some(WAIT))).is_ok());
    assert!(!dark.is_finished(), "the silent SPU's connect is still waiting");
    assert!(served_in < Duration::from_secs(5), "the other SPU waited {served_in:?} for the silent one");
    producer.close(WAIT).await.unwrap();

    // Once the SPU answers again, so does the partition it leads.
    cluster.silence_spu(5001, false);
    let stalled = tokio::time::timeout(WAIT, dark).await.expect("the stalled connect ended").unwrap();
    assert!(stalled.is_err(), "a silent SPU cannot complete a handshake");
    client.leader("dark", 0).await.unwrap();
    drop(client);
    cluster.stop().await.unwrap();
}

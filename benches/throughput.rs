//! Produce and consume throughput and produce→consume latency, ours beside
//! the official Rust client 0.50.1, on the same embedded cluster in the same
//! run (loopback, fsync never so the disk is not what is measured).
//!
//!     cargo bench --bench throughput            # 1,000,000 records
//!     cargo bench --bench throughput -- --quick # 100,000 records
//!
//! Ours is the Rust engine behind the C API (the C calls add only the FFI
//! crossing); the official client is used the way its documentation shows.

use std::time::{Duration, Instant};

use fluvio::client::Client;
use fluvio::consumer::{Offset, RecordStream, StreamConfig};
use fluvio::local::{ClusterConfig, FsyncPolicy, LocalCluster};
use fluvio::producer::{Producer, ProducerConfig};
use fluvio_official::consumer::ConsumerConfigExtBuilder;
use fluvio_official::{Fluvio, FluvioClusterConfig, Offset as TheirOffset, RecordKey, TopicProducerConfigBuilder};
use futures_util::StreamExt;

const VALUE_LEN: usize = 100;

struct Row {
    name: String,
    ours: f64,
    theirs: f64,
    unit: &'static str,
    higher_is_better: bool,
}

fn value() -> Vec<u8> {
    (0..VALUE_LEN).map(|i| b'a' + (i % 26) as u8).collect()
}

async fn ours_produce(client: &Client, topic: &str, count: usize) -> f64 {
    let config = ProducerConfig { linger: Duration::from_millis(10), ..ProducerConfig::default() };
    let producer = Producer::new(client, topic, config).await.unwrap();
    let value = value();
    let start = Instant::now();
    tokio::task::block_in_place(|| {
        for _ in 0..count {
            producer.send(None, &value).unwrap();
        }
        producer.flush(Duration::from_secs(300)).unwrap();
    });
    let elapsed = start.elapsed().as_secs_f64();
    producer.close(Duration::from_secs(10)).await.unwrap();
    count as f64 / elapsed
}

async fn theirs_produce(fluvio: &Fluvio, topic: &str, count: usize) -> f64 {
    let config = TopicProducerConfigBuilder::default().linger(Duration::from_millis(10)).build().unwrap();
    let producer = fluvio.topic_producer_with_config(topic, config).await.unwrap();
    let value = value();
    let start = Instant::now();
    for _ in 0..count {
        producer.send(RecordKey::NULL, value.clone()).await.unwrap();
    }
    producer.flush().await.unwrap();
    count as f64 / start.elapsed().as_secs_f64()
}

async fn ours_consume(client: &Client, topic: &str, count: usize) -> f64 {
    let start = Instant::now();
    let mut stream = RecordStream::open(client, topic, &[0], Offset::beginning(), StreamConfig::default(), None).await.unwrap();
    for _ in 0..count {
        stream.next().await.unwrap().unwrap();
    }
    count as f64 / start.elapsed().as_secs_f64()
}

async fn theirs_consume(fluvio: &Fluvio, topic: &str, count: usize) -> f64 {
    let start = Instant::now();
    let config =
        ConsumerConfigExtBuilder::default().topic(topic.to_string()).partition(0).offset_start(TheirOffset::beginning()).build().unwrap();
    let mut stream = fluvio.consumer_with_config(config).await.unwrap();
    let mut seen = 0;
    // The official client skips records at fetch boundaries (pitfall 15):
    // stop at the last offset rather than at a count it may never reach.
    while let Some(record) = stream.next().await {
        seen += 1;
        if record.unwrap().offset() + 1 >= count as i64 {
            break;
        }
    }
    seen as f64 / start.elapsed().as_secs_f64()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1e6
}

/// Produce→consume latency of single records at linger 0 with a consumer
/// already streaming: (p50, p99, p99.9) in microseconds.
async fn ours_latency(client: &Client, topic: &str, samples: usize) -> (f64, f64, f64) {
    let config = ProducerConfig { linger: Duration::ZERO, ..ProducerConfig::default() };
    let producer = Producer::new(client, topic, config).await.unwrap();
    let mut stream = RecordStream::open(client, topic, &[0], Offset::end(), StreamConfig::default(), None).await.unwrap();
    let mut latencies = Vec::with_capacity(samples);
    for _ in 0..samples {
        let start = Instant::now();
        producer.send(None, b"ping").unwrap();
        stream.next().await.unwrap().unwrap();
        latencies.push(start.elapsed());
    }
    latencies.sort();
    (percentile(&latencies, 0.5), percentile(&latencies, 0.99), percentile(&latencies, 0.999))
}

async fn theirs_latency(fluvio: &Fluvio, topic: &str, samples: usize) -> (f64, f64, f64) {
    let config = TopicProducerConfigBuilder::default().linger(Duration::ZERO).build().unwrap();
    let producer = fluvio.topic_producer_with_config(topic, config).await.unwrap();
    let consumer_config =
        ConsumerConfigExtBuilder::default().topic(topic.to_string()).partition(0).offset_start(TheirOffset::end()).build().unwrap();
    let mut stream = fluvio.consumer_with_config(consumer_config).await.unwrap();
    // The official stream opens lazily: prime it with one record.
    producer.send(RecordKey::NULL, "prime").await.unwrap();
    stream.next().await.unwrap().unwrap();
    let mut latencies = Vec::with_capacity(samples);
    for _ in 0..samples {
        let start = Instant::now();
        producer.send(RecordKey::NULL, "ping").await.unwrap();
        stream.next().await.unwrap().unwrap();
        latencies.push(start.elapsed());
    }
    latencies.sort();
    (percentile(&latencies, 0.5), percentile(&latencies, 0.99), percentile(&latencies, 0.999))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let count = if quick { 100_000 } else { 1_000_000 };
    let samples = if quick { 1_000 } else { 10_000 };

    let dir = tempfile::tempdir().unwrap();
    let mut config = ClusterConfig::new(dir.path());
    config.log.fsync = FsyncPolicy::Never;
    let cluster = LocalCluster::start(config).await.unwrap();
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    let fluvio = Fluvio::connect_with_config(&FluvioClusterConfig::new(cluster.endpoint())).await.unwrap();
    for topic in ["ours", "theirs", "ours-latency", "theirs-latency"] {
        client.create_topic(topic, 1, 1).await.unwrap();
    }

    let mb = |records_per_s: f64| records_per_s * VALUE_LEN as f64 / 1e6;
    let mut rows = Vec::new();
    let (p_ours, p_theirs) = (ours_produce(&client, "ours", count).await, theirs_produce(&fluvio, "theirs", count).await);
    rows.push(Row { name: format!("produce {count} x {VALUE_LEN} B, records/s"), ours: p_ours, theirs: p_theirs, unit: "rec/s", higher_is_better: true });
    rows.push(Row { name: "produce, MB/s of values".into(), ours: mb(p_ours), theirs: mb(p_theirs), unit: "MB/s", higher_is_better: true });
    let (c_ours, c_theirs) = (ours_consume(&client, "ours", count).await, theirs_consume(&fluvio, "ours", count).await);
    rows.push(Row { name: format!("consume {count} x {VALUE_LEN} B, records/s"), ours: c_ours, theirs: c_theirs, unit: "rec/s", higher_is_better: true });
    rows.push(Row { name: "consume, MB/s of values".into(), ours: mb(c_ours), theirs: mb(c_theirs), unit: "MB/s", higher_is_better: true });
    let l_ours = ours_latency(&client, "ours-latency", samples).await;
    let l_theirs = theirs_latency(&fluvio, "theirs-latency", samples).await;
    for (name, ours, theirs) in [("p50", l_ours.0, l_theirs.0), ("p99", l_ours.1, l_theirs.1), ("p99.9", l_ours.2, l_theirs.2)] {
        rows.push(Row { name: format!("produce→consume latency {name}, linger 0"), ours, theirs, unit: "µs", higher_is_better: false });
    }

    println!("embedded cluster on loopback, 1 partition, fsync never, {} cores", std::thread::available_parallelism().map_or(0, |n| n.get()));
    println!("| measure | ours | official 0.50.1 | ours vs official |");
    println!("|---|---:|---:|---:|");
    for row in rows {
        let ratio = if row.higher_is_better { row.ours / row.theirs } else { row.theirs / row.ours };
        println!("| {} | {:.1} {} | {:.1} {} | {:.2}x |", row.name, row.ours, row.unit, row.theirs, row.unit, ratio);
    }
    drop(fluvio);
    cluster.stop().await.unwrap();
}

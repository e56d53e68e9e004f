//! Against a real Fluvio cluster (SC + SPUs built from the public sources,
//! see ../shared/real-fluvio/README.md), for what the embedded cluster
//! cannot prove. Opt-in: ignored unless asked for, and it needs the SC's
//! endpoint.
//!
//!     FLUVIO_REAL_ENDPOINT=127.0.0.1:9003 cargo test --test real_cluster -- --ignored --test-threads=1
//!
//! Each test makes its own topics (named after the process id) and deletes them.

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

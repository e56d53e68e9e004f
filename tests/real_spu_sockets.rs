//! The embedded cluster using its sockets as the real SPU does
//! (`imitate_real_spu_sockets`: Nagle on, a StreamFetch frame written as
//! its head and then its records). Nagle holds the records until the client
//! acknowledges the head, and Linux delays that ACK by 40 ms, so every
//! produce→consume round trip waits for it unless the client re-arms
//! TCP_QUICKACK after each read, as ours does. The bound below is four times
//! below the failure mode: this is not a timing test.

mod support;

use std::time::Duration;

use fluvio::client::Client;
use fluvio::local::{ClusterConfig, LocalCluster};

const WARMUP: usize = 20;
const ROUND_TRIPS: usize = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trips_at_linger_0_do_not_wait_for_delayed_acks() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = ClusterConfig::new(dir.path());
    config.imitate_real_spu_sockets = true;
    let cluster = LocalCluster::start(config).await.unwrap();
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    client.create_topic("latency", 1, 1).await.unwrap();
    let round_trips = support::round_trips_at_linger_0(&client, "latency", WARMUP, ROUND_TRIPS).await;
    let (median, p99) = (round_trips[ROUND_TRIPS / 2], round_trips[ROUND_TRIPS * 99 / 100]);
    eprintln!("real SPU sockets: {ROUND_TRIPS} round trips at linger 0: median {median:?}, p99 {p99:?}");
    assert!(median < Duration::from_millis(10), "median round trip {median:?}: delayed ACKs are back (p99 {p99:?})");
    drop(client);
    cluster.stop().await.unwrap();
}

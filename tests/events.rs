//! A task of the runtime that panics is reported, not hidden: the producer's
//! dispatcher and a stream's partition task are made to panic (the hidden
//! `fluvio::task::inject_panic` hook), and the next calls must fail with
//! `ClientError::Panic` (FLUVIO_ERR_PANIC in C), the records it held must be
//! reported failed, and the log must carry an error naming the panic.
//! The C side of the event API is tested by tests/c/events_test.c.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use fluvio::client::{Client, ClientError};
use fluvio::consumer::{Offset, RecordStream, StreamConfig};
use fluvio::local::LocalCluster;
use fluvio::log::Level;
use fluvio::producer::{Producer, ProducerConfig};
use fluvio::task::{inject_panic, PanicSite};

use support::start_cluster;

const WAIT: Duration = Duration::from_secs(30);

/// The injection hook and the log sink are process-wide: one test at a time
/// (each test here takes this lock, as a panic injected for one would hit
/// another's producer).
static SERIAL: Mutex<()> = Mutex::new(());

/// Collects what the library logs at `Error` from now on.
fn capture_errors() -> Arc<Mutex<Vec<(&'static str, String)>>> {
    let errors = Arc::new(Mutex::new(Vec::new()));
    let sink = errors.clone();
    fluvio::log::set_sink(Some(Arc::new(move |level, module, message| {
        if level == Level::Error {
            sink.lock().unwrap().push((module, message));
        }
    })));
    errors
}

/// A one-SPU cluster in a temp directory (kept while the test runs), a
/// client, and `topic` with one partition.
async fn cluster_with_topic(topic: &str) -> (tempfile::TempDir, LocalCluster, Client) {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 1).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    client.create_topic(topic, 1, 1).await.unwrap();
    (dir, cluster, client)
}

fn is_panic<T: std::fmt::Debug>(result: &Result<T, ClientError>) -> bool {
    matches!(result, Err(ClientError::Panic(_)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_dispatcher_fails_flush_send_and_the_reports_of_its_records() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let (_dir, cluster, client) = cluster_with_topic("dispatch-panic").await;
    let signals = Arc::new(Mutex::new(0usize));
    let counted = signals.clone();
    let config = ProducerConfig {
        linger: Duration::from_millis(2),
        delivery_reports: Some(Arc::new(move |_| *counted.lock().unwrap() += 1)),
        ..ProducerConfig::default()
    };
    let producer = Producer::new(&client, "dispatch-panic", config).await.unwrap();

    // Healthy first: a record goes through and is reported delivered.
    let first = producer.send_with(None, b"before", 1).unwrap();
    tokio::task::block_in_place(|| producer.flush(WAIT)).unwrap();
    assert_eq!(first.wait(Some(WAIT)).unwrap().offset, 0);
    let mut served = Vec::new();
    producer.serve_reports(Duration::ZERO, |batch| served.push((batch.records.iter().map(|r| r.opaque).collect::<Vec<_>>(), batch.result.is_ok())));
    assert_eq!(served, vec![(vec![1], true)]);

    let errors = capture_errors();
    inject_panic(PanicSite::ProducerDispatch);
    let doomed = producer.send_with(None, b"after", 2).unwrap();
    let flushed = tokio::task::block_in_place(|| producer.flush(WAIT));
    fluvio::log::set_sink(None);

    assert!(is_panic(&flushed), "flush after the dispatcher panicked: {flushed:?}");
    assert!(is_panic(&doomed.wait(Some(WAIT))), "the record the dispatcher held: {:?}", doomed.wait(Some(WAIT)));
    assert!(is_panic(&producer.send(None, b"later")), "a send after the panic must fail with Panic");
    assert!(matches!(producer.panic_error(), Some(ClientError::Panic(why)) if why.contains("injected panic")));

    let mut failed = Vec::new();
    let count = producer.serve_reports(WAIT, |batch| failed.push((batch.records.iter().map(|r| r.opaque).collect::<Vec<_>>(), batch.result.clone())));
    assert_eq!(count, 1);
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].0, vec![2]);
    assert!(matches!(&failed[0].1, Err(ClientError::Panic(_))), "{:?}", failed[0].1);
    assert!(*signals.lock().unwrap() > 0, "the report signal was never raised");

    let errors = errors.lock().unwrap().clone();
    assert!(
        errors.iter().any(|(module, message)| *module == "producer" && message.contains("panicked") && message.contains("injected panic")),
        "no error logged for the panic: {errors:?}"
    );
    cluster.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_stream_task_ends_the_stream_with_panic_not_end_of_stream() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let (_dir, cluster, client) = cluster_with_topic("stream-panic").await;
    let producer = Producer::new(&client, "stream-panic", ProducerConfig::default()).await.unwrap();
    for i in 0..10 {
        producer.send(None, format!("record {i}").as_bytes()).unwrap();
    }
    tokio::task::block_in_place(|| producer.flush(WAIT)).unwrap();

    let errors = capture_errors();
    inject_panic(PanicSite::StreamFrame);
    let mut stream = RecordStream::open(&client, "stream-panic", &[0], Offset::beginning(), StreamConfig::default(), None).await.unwrap();
    let next = tokio::time::timeout(WAIT, stream.next()).await.expect("the stream answers");
    fluvio::log::set_sink(None);

    match next {
        Some(Err(ClientError::Panic(why))) => assert!(why.contains("injected panic"), "{why}"),
        other => panic!("the first frame's task panicked, yet the stream gave {other:?}"),
    }
    assert!(stream.failed(), "the stream must say it failed");
    let errors = errors.lock().unwrap().clone();
    assert!(
        errors.iter().any(|(module, message)| *module == "consumer" && message.contains("injected panic")),
        "no error logged for the panic: {errors:?}"
    );
    cluster.stop().await.unwrap();
}

/// A thread waiting without limit for reports keeps no lock another thread
/// needs: a poll and a flush there return at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poll_waiting_without_limit_does_not_block_another_threads_poll() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let (_dir, cluster, client) = cluster_with_topic("idle-poll").await;
    let config = ProducerConfig { linger: Duration::from_millis(2), delivery_reports: Some(Arc::new(|_| {})), ..ProducerConfig::default() };
    let producer = Arc::new(Producer::new(&client, "idle-poll", config).await.unwrap());
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (waiting, stopping) = (producer.clone(), stop.clone());
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        started_tx.send(()).unwrap();
        // Serves at least once: a thread that starts late still waits for
        // the report, rather than seeing `stop` first and serving none.
        let mut served = 0;
        loop {
            served += waiting.serve_reports(Duration::MAX, |_| {});
            if stopping.load(std::sync::atomic::Ordering::SeqCst) {
                return served;
            }
        }
    });
    // The waiter is running (and about to wait) before the other thread polls.
    tokio::task::block_in_place(|| started_rx.recv_timeout(WAIT)).unwrap();
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let polling = producer.clone();
    std::thread::spawn(move || {
        // Nothing was sent: nothing to serve, and no reason to wait.
        let served = polling.serve_reports(Duration::ZERO, |_| {});
        done_tx.send((served, polling.flush(WAIT).is_ok())).unwrap();
    });
    let done = tokio::task::block_in_place(|| done_rx.recv_timeout(Duration::from_secs(5)));
    assert_eq!(done, Ok((0, true)), "the other thread's poll and flush were held up by the waiting poll");

    // One record's report ends the waiter's wait.
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    producer.send(None, b"wake").unwrap();
    tokio::task::block_in_place(|| producer.flush(WAIT)).unwrap();
    assert_eq!(tokio::task::block_in_place(|| waiter.join().unwrap()), 1);
    cluster.stop().await.unwrap();
}
